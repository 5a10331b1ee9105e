import { renameSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ADDRESS_V1,
  ADDRESS_ZIP_DEFAULT,
  ORDER_NOTE_DEFAULT,
  ORDER_NOTE_REQUIRED,
  ORDER_V1,
  PROJECT,
  record,
} from './avro-fixtures.js'
import { assertBuilt, gitRepo, run, tempDir, writeFiles } from './cli.js'

beforeAll(assertBuilt)

interface JsonReport {
  compatible: boolean
  summary: { checked: number; compatible: number; incompatible: number; invalid: number }
  results: {
    subject: string
    status: string
    level?: string
    failedVersion?: number
    previousVersions?: number
    error?: string
    findings: { rule: string; path: string; line?: number; oldFragment?: string; newFragment?: string }[]
  }[]
}

const json = (stdout: string) => JSON.parse(stdout) as JsonReport
const result = (r: JsonReport, subject: string) => r.results.find((x) => x.subject === subject)!

describe('registrum check against git history', () => {
  const { dir, cleanup } = tempDir('registrum-cli-git-')
  const repo = gitRepo(dir)
  afterAll(cleanup)

  beforeAll(() => {
    repo.commit('first schemas', {
      'registrum.yaml': PROJECT,
      'schemas/address.avsc': ADDRESS_V1,
      'schemas/order.avsc': ORDER_V1,
    })
    repo.commit('a compatible change', { 'schemas/address.avsc': ADDRESS_ZIP_DEFAULT })
    // A history for the transitive cases: x:int, then x dropped, then x:string with a default.
    repo.commit('metric v1', { 'other/metric.avsc': record('Metric', [{ name: 'x', type: 'int' }]) })
    repo.commit('metric v2', { 'other/metric.avsc': record('Metric', [{ name: 'y', type: 'int', default: 0 }]) })
    repo.commit('metric v3', {
      'other/metric.avsc': record('Metric', [
        { name: 'y', type: 'int', default: 0 },
        { name: 'x', type: 'string', default: '' },
      ]),
    })
  })

  it('passes an unchanged working tree with exit 0', async () => {
    const r = await run(['check', '--against', 'git:main'], { cwd: dir })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^ok\s+address-value\s+schemas\/address\.avsc\s+\(AVRO, BACKWARD, 2 earlier versions\)$/m)
    expect(r.stdout).toContain('2 subjects checked: 2 compatible, 0 incompatible, 0 invalid')
  })

  it('passes a compatible edit and fails a breaking one with the rule, path, line and fragments', async () => {
    writeFiles(dir, { 'schemas/order.avsc': ORDER_NOTE_DEFAULT })
    expect((await run(['check', '--against', 'git:main'], { cwd: dir })).code).toBe(0)

    writeFiles(dir, { 'schemas/order.avsc': ORDER_NOTE_REQUIRED })
    const r = await run(['check', '--against', 'git:main', '--format', 'json'], { cwd: dir })
    expect(r.code).toBe(1)
    const order = result(json(r.stdout), 'order-value')
    expect(order.status).toBe('incompatible')
    expect(order.failedVersion).toBe(1)
    expect(order.findings).toEqual([
      expect.objectContaining({
        rule: 'READER_FIELD_MISSING_DEFAULT_VALUE',
        path: '/fields/2',
        newFragment: '{"name":"note","type":"string"}',
        line: ORDER_NOTE_REQUIRED.split('\n').findIndex((l) => l.includes('"note"')) + 1,
      }),
    ])
    expect(result(json(r.stdout), 'address-value').status).toBe('compatible')

    const text = await run(['check', '--against', 'git:main'], { cwd: dir })
    expect(text.code).toBe(1)
    expect(text.stdout).toMatch(
      /^FAIL\s+order-value\s+schemas\/order\.avsc\s+\(AVRO, BACKWARD, fails against version 1\)$/m,
    )
    expect(text.stdout).toMatch(
      /^ {4}schemas\/order\.avsc:\d+:\d+ {2}READER_FIELD_MISSING_DEFAULT_VALUE: note {2}\(at \/fields\/2\)$/m,
    )
    expect(text.stdout).toContain('fix: Add a `default` to the field')
    expect(text.stdout).toContain("The field 'note' at path '/fields/2' in the new schema has no default value")
    expect(text.stdout).toContain('new: {"name":"note","type":"string"}')
    writeFiles(dir, { 'schemas/order.avsc': ORDER_V1 })
  })

  it('shows the old fragment when a field changes type', async () => {
    writeFiles(dir, {
      'schemas/address.avsc': record('Address', [
        { name: 'street', type: 'int' },
        { name: 'zip', type: 'string', default: '' },
      ]),
    })
    const r = await run(['check', 'schemas/address.avsc', '--against', 'git:main', '-f', 'json'], { cwd: dir })
    expect(r.code).toBe(1)
    const address = result(json(r.stdout), 'address-value')
    expect(address.findings[0]).toMatchObject({
      rule: 'TYPE_MISMATCH',
      path: '/fields/0/type',
      oldFragment: '"string"',
      newFragment: '"int"',
    })
    writeFiles(dir, { 'schemas/address.avsc': ADDRESS_ZIP_DEFAULT })
  })

  it('resolves references to the working-tree version of the referenced subject', async () => {
    writeFiles(dir, {
      'schemas/address.avsc': record('Address', [
        { name: 'street', type: 'string' },
        { name: 'zip', type: 'string', default: '' },
        { name: 'city', type: 'string' },
      ]),
    })
    const r = await run(['check', '--against', 'git:main', '-f', 'json'], { cwd: dir })
    expect(r.code).toBe(1)
    const report = json(r.stdout)
    expect(result(report, 'address-value').status).toBe('incompatible')
    // The unchanged Order now embeds the new Address, so it breaks too.
    expect(result(report, 'order-value').status).toBe('incompatible')
    expect(result(report, 'order-value').findings.map((f) => f.rule)).toContain('READER_FIELD_MISSING_DEFAULT_VALUE')
    writeFiles(dir, { 'schemas/address.avsc': ADDRESS_ZIP_DEFAULT })
  })

  it('checks only the latest version for BACKWARD and every version for BACKWARD_TRANSITIVE', async () => {
    const args = ['check', 'other/metric.avsc', '--subject', 'metric-value', '--against', 'git:main', '-f', 'json']
    const plain = await run([...args, '--level', 'BACKWARD'], { cwd: dir })
    expect(plain.code).toBe(0)
    expect(result(json(plain.stdout), 'metric-value').previousVersions).toBe(3)
    const transitive = await run([...args, '--level', 'backward_transitive'], { cwd: dir })
    expect(transitive.code).toBe(1)
    const metric = result(json(transitive.stdout), 'metric-value')
    expect(metric).toMatchObject({ status: 'incompatible', level: 'BACKWARD_TRANSITIVE', failedVersion: 1 })
    expect(metric.findings[0]).toMatchObject({ rule: 'TYPE_MISMATCH', path: '/fields/1/type' })
  })

  it('takes the baseline from an older ref', async () => {
    // Against the first commit, Address had one version and Metric none.
    const first = repo.git('rev-list', '--max-parents=0', 'HEAD').trim()
    const r = await run(['check', '--against', `git:${first}`, '-f', 'json'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(result(json(r.stdout), 'address-value').previousVersions).toBe(1)
    const m = await run(
      ['check', 'other/metric.avsc', '-s', 'metric-value', '--against', `git:${first}`, '-f', 'json'],
      { cwd: dir },
    )
    expect(result(json(m.stdout), 'metric-value').previousVersions).toBe(0)
  })

  it('follows a renamed file through its history', async () => {
    repo.git('mv', 'other/metric.avsc', 'other/metrics.avsc')
    repo.git('commit', '-q', '-m', 'rename')
    const r = await run(
      [
        'check',
        'other/metrics.avsc',
        '-s',
        'metric-value',
        '--against',
        'git:main',
        '--level',
        'FULL_TRANSITIVE',
        '-f',
        'json',
      ],
      { cwd: dir },
    )
    expect(result(json(r.stdout), 'metric-value').previousVersions).toBe(3)
    expect(r.code).toBe(1)
  })

  it('reports an invalid schema as a failed check (exit 1), not a crash', async () => {
    writeFiles(dir, { 'schemas/address.avsc': '{"type": "record", "name": ' })
    const r = await run(['check', '--against', 'git:main', '-f', 'json'], { cwd: dir })
    expect(r.code).toBe(1)
    const address = result(json(r.stdout), 'address-value')
    expect(address.status).toBe('invalid')
    expect(address.error).toMatch(/AVRO|JSON|schema/i)
    writeFiles(dir, { 'schemas/address.avsc': ADDRESS_ZIP_DEFAULT })
  })

  it('exits 2 for an unknown ref, a missing file and bad usage', async () => {
    const ref = await run(['check', '--against', 'git:no-such-branch'], { cwd: dir })
    expect(ref.code).toBe(2)
    expect(ref.stderr).toContain('no-such-branch')
    const missing = await run(['check', 'nope.avsc', '-s', 'x', '--against', 'git:main'], { cwd: dir })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('cannot read nope.avsc')
    const both = await run(['check', '--against', 'git:main', '--registry', 'http://127.0.0.1:1'], { cwd: dir })
    expect(both.code).toBe(2)
    const level = await run(['check', '--against', 'git:main', '--level', 'SIDEWAYS'], { cwd: dir })
    expect(level.code).toBe(2)
    expect(level.stderr).toContain("unknown level 'SIDEWAYS'")
    const format = await run(['check', '--against', 'git:main', '--format', 'xml'], { cwd: dir })
    expect(format.code).toBe(2)
  })
})

describe('registrum check against a directory of earlier versions', () => {
  const { dir, cleanup } = tempDir('registrum-cli-dir-')
  afterAll(cleanup)

  it('reads DIR/<subject>/* in natural order', async () => {
    writeFiles(dir, {
      'history/order-value/v2.avsc': record('Order', [{ name: 'id', type: 'long' }]),
      'history/order-value/v10.avsc': record('Order', [
        { name: 'id', type: 'long' },
        { name: 'n', type: 'int', default: 0 },
      ]),
      'order.avsc': record('Order', [{ name: 'id', type: 'long' }]),
    })
    // v10 is the latest: dropping n is backward compatible, but not forward (old readers need n... they have a default).
    const r = await run(
      ['check', 'order.avsc', '-s', 'order-value', '--against', 'history', '--level', 'FORWARD', '-f', 'json'],
      { cwd: dir },
    )
    expect(r.code).toBe(0)
    expect(result(json(r.stdout), 'order-value').previousVersions).toBe(2)
  })

  it('reads files with the same extension directly in DIR', async () => {
    writeFiles(dir, {
      'flat/1.avsc': record('Thing', [{ name: 'a', type: 'int' }]),
      'flat/2.avsc': record('Thing', [{ name: 'a', type: 'long' }]),
      'thing.avsc': record('Thing', [{ name: 'a', type: 'int' }]),
    })
    const r = await run(['check', 'thing.avsc', '-s', 'thing', '--against', 'flat', '-l', 'BACKWARD', '-f', 'json'], {
      cwd: dir,
    })
    expect(r.code).toBe(1)
    expect(result(json(r.stdout), 'thing').findings[0]).toMatchObject({ rule: 'TYPE_MISMATCH' })
    expect(result(json(r.stdout), 'thing').failedVersion).toBe(2)
  })
})

describe('project files', () => {
  const { dir, cleanup } = tempDir('registrum-cli-project-')
  afterAll(cleanup)

  it('reads registrum.json, per-subject levels and rejects a malformed project with exit 2', async () => {
    writeFiles(dir, {
      'registrum.json': JSON.stringify({ subjects: { t: { file: 't.avsc', level: 'NONE' } } }),
      't.avsc': record('T', [{ name: 'a', type: 'string' }]),
      'old/t/1.avsc': record('T', [{ name: 'a', type: 'int' }]),
    })
    const r = await run(['check', '--against', 'old', '-f', 'json'], { cwd: dir })
    expect(r.code).toBe(0)
    expect(result(json(r.stdout), 't').level).toBe('NONE')

    writeFiles(dir, { 'bad.yaml': 'subjects:\n  t:\n    type: AVRO\n' })
    const bad = await run(['check', '--project', 'bad.yaml', '--against', 'old'], { cwd: dir })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("subject 't': `file` is required")
  })

  it('asks for --subject when a file is not in the project', async () => {
    renameSync(join(dir, 'registrum.json'), join(dir, 'other.json'))
    const r = await run(['check', 't.avsc', '--against', 'old'], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--subject')
  })
})

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADDRESS_V1, ORDER_NOTE_REQUIRED, ORDER_V1, PROJECT } from './avro-fixtures.js'
import { assertBuilt, gitRepo, run, tempDir, writeFiles } from './cli.js'

beforeAll(assertBuilt)

describe('registrum check output formats', () => {
  const { dir, cleanup } = tempDir('registrum-cli-formats-')
  afterAll(cleanup)
  const noteLine = ORDER_NOTE_REQUIRED.split('\n').findIndex((l) => l.includes('"note"')) + 1
  const noteColumn = ORDER_NOTE_REQUIRED.split('\n')[noteLine - 1]!.indexOf('"name"') + 1

  beforeAll(() => {
    gitRepo(dir).commit('schemas', {
      'registrum.yaml': PROJECT,
      'schemas/address.avsc': ADDRESS_V1,
      'schemas/order.avsc': ORDER_V1,
    })
    writeFiles(dir, { 'schemas/order.avsc': ORDER_NOTE_REQUIRED })
  })
  const check = (format: string) => run(['check', '--against', 'git:main', '--format', format], { cwd: dir })

  it('github: one ::error annotation per violation on the file and line, then a summary', async () => {
    const r = await check('github')
    expect(r.code).toBe(1)
    const lines = r.stdout.trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(
      new RegExp(
        `^::error file=schemas/order\\.avsc,line=${noteLine},col=${noteColumn},title=READER_FIELD_MISSING_DEFAULT_VALUE%3A note \\(order-value is incompatible with version 1 under BACKWARD\\)::The field 'note'`,
      ),
    )
    expect(lines[0]).not.toContain('\n')
    expect(lines[0]).toContain('%0Anew: {"name":"note","type":"string"}')
    expect(lines[0]).toContain(
      '%0Abreaks backward: consumers using the new schema cannot read data written with the old one',
    )
    expect(lines[0]).toContain('%0Afix: Add a `default` to the field')
    expect(lines[1]).toBe('registrum check: 2 checked, 1 compatible, 1 incompatible, 0 invalid')
  })

  it('sarif: a 2.1.0 log with the rule, message, file and line', async () => {
    const r = await check('sarif')
    expect(r.code).toBe(1)
    const log = JSON.parse(r.stdout)
    expect(log.version).toBe('2.1.0')
    expect(log.$schema).toContain('sarif-2.1.0')
    const [run0] = log.runs
    expect(run0.tool.driver.name).toBe('registrum')
    expect(run0.tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(['READER_FIELD_MISSING_DEFAULT_VALUE'])
    expect(run0.results).toHaveLength(1)
    expect(run0.results[0]).toMatchObject({
      ruleId: 'READER_FIELD_MISSING_DEFAULT_VALUE',
      level: 'error',
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'schemas/order.avsc' },
            region: { startLine: noteLine, startColumn: noteColumn },
          },
        },
      ],
      properties: { subject: 'order-value', failedVersion: 1, path: '/fields/2' },
    })
    expect(run0.results[0].message.text).toContain("The field 'note'")
    // Real rule metadata from the Avro rule table, not placeholders.
    expect(run0.tool.driver.rules[0]).toMatchObject({
      shortDescription: { text: 'A field without a default is missing on the other side.' },
      fullDescription: { text: expect.stringContaining('supplies a default') },
      help: { text: expect.stringContaining('Add a `default`') },
    })
  })

  it('junit: a testcase per subject, a failure for the incompatible one', async () => {
    const r = await check('junit')
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="registrum check" tests="2" failures="1"/,
    )
    const cases = r.stdout.match(/<testcase [^>]*>/g)!
    expect(cases).toEqual([
      '<testcase classname="schemas/address.avsc" name="address-value" time="0">',
      '<testcase classname="schemas/order.avsc" name="order-value" time="0">',
    ])
    const failures = r.stdout.match(/<failure message="([^"]*)" type="([^"]*)">([^<]*)<\/failure>/g)!
    expect(failures).toHaveLength(1)
    expect(failures[0]).toContain('type="INCOMPATIBLE_SCHEMA"')
    expect(failures[0]).toContain(
      `schemas/order.avsc:${noteLine}:${noteColumn}  READER_FIELD_MISSING_DEFAULT_VALUE: note (at /fields/2)`,
    )
    expect(failures[0]).toContain('fix: Add a `default` to the field')
    expect(failures[0]).toContain('&apos;note&apos;')
  })

  it('json: a summary and one result per subject', async () => {
    const r = await check('json')
    expect(r.code).toBe(1)
    const doc = JSON.parse(r.stdout)
    expect(doc.compatible).toBe(false)
    expect(doc.summary).toEqual({ checked: 2, compatible: 1, incompatible: 1, invalid: 0 })
    expect(doc.results.map((x: { subject: string; status: string }) => [x.subject, x.status])).toEqual([
      ['address-value', 'compatible'],
      ['order-value', 'incompatible'],
    ])
  })

  it('--output writes the report to a file and a text summary to stdout', async () => {
    const r = await run(['check', '--against', 'git:main', '-f', 'sarif', '-o', 'out.sarif'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')).runs[0].results).toHaveLength(1)
    expect(r.stdout).toContain('2 subjects checked: 1 compatible, 1 incompatible, 0 invalid')
  })

  it('reports an invalid schema in every format', async () => {
    writeFiles(dir, { 'schemas/address.avsc': '{"type":' })
    const gh = await check('github')
    expect(gh.stdout).toMatch(
      /^::error file=schemas\/address\.avsc,title=invalid AVRO schema for subject address-value::/m,
    )
    expect(
      JSON.parse((await check('sarif')).stdout).runs[0].results.map((x: { ruleId: string }) => x.ruleId),
    ).toContain('INVALID_SCHEMA')
    expect((await check('junit')).stdout).toContain('type="INVALID_SCHEMA"')
    writeFiles(dir, { 'schemas/address.avsc': ADDRESS_V1 })
  })
})

import { existsSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertBuilt, gitRepo, run, tempDir, writeFiles } from './cli.js'

beforeAll(assertBuilt)

const ORDER = (idType: string) => `{
  "type": "record",
  "name": "Order",
  "namespace": "com.acme",
  "fields": [
    {"name": "id", "type": "${idType}"},
    {"name": "amount", "type": "double"}
  ]
}
`
const ADDRESS =
  '{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}\n'
const ORDER_WITH_ADDRESS = (idType: string) =>
  `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"${idType}"},{"name":"ship","type":"com.acme.Address"}]}\n`

describe('never a silent pass: a baseline that cannot be used stops the check with exit 2', () => {
  const { dir, cleanup } = tempDir('registrum-cli-trust-')
  afterAll(cleanup)

  it('an unparsable baseline version names the file and the reason', async () => {
    writeFiles(dir, { 'broken/orders-value/1.avsc': '{"type": "record", "name": ', 'new.avsc': ORDER('string') })
    const r = await run(['check', 'new.avsc', '--subject', 'orders-value', '--against', 'broken'], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/cannot load the baseline of orders-value from broken\/orders-value\/1\.avsc: .+/)
  })

  it('a baseline version whose reference cannot be resolved names the reference', async () => {
    writeFiles(dir, {
      'noref/orders-value/1.avsc': ORDER_WITH_ADDRESS('string'),
      'ref.avsc': ORDER_WITH_ADDRESS('long'),
    })
    const r = await run(
      [
        'check',
        'ref.avsc',
        '--subject',
        'orders-value',
        '--reference',
        'com.acme.Address=address-value',
        '--against',
        'noref',
      ],
      {
        cwd: dir,
      },
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /cannot load the baseline of orders-value from noref\/orders-value\/1\.avsc: .*address-value/,
    )
  })

  it('a --reference subject kept in the baseline directory is loaded, so the real verdict comes out', async () => {
    writeFiles(dir, {
      'base/address-value/1.avsc': ADDRESS,
      'base/orders-value/1.avsc': ORDER_WITH_ADDRESS('string'),
      'ref.avsc': ORDER_WITH_ADDRESS('long'),
    })
    const r = await run(
      [
        'check',
        'ref.avsc',
        '--subject',
        'orders-value',
        '--reference',
        'com.acme.Address=address-value',
        '--against',
        'base',
        '-f',
        'json',
      ],
      {
        cwd: dir,
      },
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(1)
    const result = JSON.parse(r.stdout).results[0]
    expect(result).toMatchObject({ status: 'incompatible', previousVersions: 1, failedVersion: 1 })
    expect(result.findings[0]).toMatchObject({
      rule: 'TYPE_MISMATCH',
      element: 'id',
      oldFragment: '"string"',
      newFragment: '"long"',
    })
  })

  it('an unreadable baseline file, or no baseline at all, is exit 2 with the path', async () => {
    writeFiles(dir, { 'dangling/orders-value/2.avsc': ORDER('string'), 'new.avsc': ORDER('string') })
    symlinkSync(join(dir, 'missing.avsc'), join(dir, 'dangling/orders-value/1.avsc'))
    const r = await run(['check', 'new.avsc', '--subject', 'orders-value', '--against', 'dangling'], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('registrum: cannot read baseline file dangling/orders-value/1.avsc: ENOENT\n')
    const none = await run(['check', 'new.avsc', '--subject', 'orders-value', '--against', 'nowhere'], { cwd: dir })
    expect(none.code).toBe(2)
    expect(none.stderr).toBe('registrum: --against nowhere: not a directory (nor an export file)\n')
  })
})

describe('clear failures for git refs', () => {
  const { dir, cleanup } = tempDir('registrum-cli-ref-')
  afterAll(cleanup)
  beforeAll(() => gitRepo(dir).commit('orders', { 'schemas/orders.avsc': ORDER('string') }))

  it('a missing ref says which ref and how to fetch it', async () => {
    const r = await run(['check', 'schemas/orders.avsc', '-s', 'orders-value', '--against', 'git:origin/main'], {
      cwd: dir,
    })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /--against git:origin\/main: no commit named 'origin\/main' in the repository at .+; .*git fetch origin/,
    )
    expect(r.stderr).not.toMatch(/: \n/)
  })

  it('a file outside any git work tree says so', async () => {
    const outside = tempDir('registrum-cli-nogit-')
    try {
      writeFiles(outside.dir, { 'a.avsc': ORDER('string') })
      const r = await run(['check', 'a.avsc', '-s', 'a-value', '--against', 'git:main'], { cwd: outside.dir })
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('is not inside a git work tree')
    } finally {
      outside.cleanup()
    }
  })
})

describe('monorepos and several reports in one run', () => {
  const { dir, cleanup } = tempDir('registrum-cli-mono-')
  afterAll(cleanup)
  const repo = gitRepo(dir)
  beforeAll(() => {
    repo.commit('orders', {
      'services/orders/registrum.yaml': 'subjects:\n  orders-value:\n    file: schemas/orders.avsc\n',
      'services/orders/schemas/orders.avsc': ORDER('string'),
    })
    writeFiles(dir, { 'services/orders/schemas/orders.avsc': ORDER('int') })
  })

  it('annotates paths relative to the git root and writes every requested report', async () => {
    const cwd = join(dir, 'services/orders')
    const r = await run(
      [
        'check',
        '--against',
        'git:main',
        '--format',
        'github',
        '--report',
        'junit=out/junit.xml',
        '--report',
        'sarif=out/registrum.sarif',
        '--report',
        'json=out/r.json',
      ],
      { cwd },
    )
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      /^::error file=services\/orders\/schemas\/orders\.avsc,line=6,col=\d+,title=TYPE_MISMATCH%3A id /m,
    )
    const junit = readFileSync(join(cwd, 'out/junit.xml'), 'utf8')
    expect(junit).toContain('classname="services/orders/schemas/orders.avsc"')
    expect(junit).toContain('services/orders/schemas/orders.avsc:6:')
    const sarif = JSON.parse(readFileSync(join(cwd, 'out/registrum.sarif'), 'utf8'))
    expect(sarif.runs[0].results[0].locations[0].physicalLocation).toMatchObject({
      artifactLocation: { uri: 'services/orders/schemas/orders.avsc' },
      region: { startLine: 6 },
    })
    expect(JSON.parse(readFileSync(join(cwd, 'out/r.json'), 'utf8')).results[0].file).toBe(
      'services/orders/schemas/orders.avsc',
    )
  })

  it('rejects a malformed --report and cannot-write reports with exit 2', async () => {
    const cwd = join(dir, 'services/orders')
    const bad = await run(['check', '--against', 'git:main', '--report', 'xml=out.xml'], { cwd })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('--report must be FORMAT=FILE')
    writeFiles(cwd, { blocker: 'a file' })
    const blocked = await run(['check', '--against', 'git:main', '--report', 'junit=blocker/junit.xml'], { cwd })
    expect(blocked.code).toBe(2)
    expect(blocked.stderr).toMatch(/cannot write the report blocker\/junit\.xml: /)
    expect(existsSync(join(cwd, 'blocker/junit.xml'))).toBe(false)
  })
})

describe('messages a person can act on', () => {
  const { dir, cleanup } = tempDir('registrum-cli-act-')
  afterAll(cleanup)
  const repo = gitRepo(dir)
  const proto = (idType: string) => `syntax = "proto3";
package acme;

message Order {
  ${idType} id = 1;
  double amount = 2;
}
`
  const json = (required: string) => `{
  "type": "object",
  "properties": {
    "name": {"type": "string"},
    "age": {"type": "integer"}
  },
  "required": [
    "name"${required}
  ]
}
`
  beforeAll(() => {
    repo.commit('schemas', {
      'registrum.yaml': 'subjects:\n  order-proto:\n    file: order.proto\n  person-json:\n    file: person.json\n',
      'order.proto': proto('string'),
      'person.json': json(''),
    })
    writeFiles(dir, { 'order.proto': proto('int64'), 'person.json': json(',\n    "age"') })
  })

  it('Protobuf: names the field, the old and new declaration, the direction and the fix', async () => {
    const r = await run(['check', 'order.proto', '--against', 'git:main'], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('order.proto:5:3  FIELD_SCALAR_KIND_CHANGED: Order.id  (at #/Order/1)')
    expect(r.stdout).toContain('old: string id = 1')
    expect(r.stdout).toContain('new: int64 id = 1')
    expect(r.stdout).toContain(
      'breaks backward: consumers using the new schema cannot read data written with the old one',
    )
    expect(r.stdout).toMatch(/fix: Keep the old type, or change only within one family .*reserve the old one/)
  })

  it('JSON Schema: a newly required property is annotated on its entry in `required`', async () => {
    const r = await run(['check', 'person.json', '--against', 'git:main', '--format', 'github'], { cwd: dir })
    expect(r.code).toBe(1)
    const line =
      json(',\n    "age"')
        .split('\n')
        .findIndex((l) => l.trim() === '"age"') + 1
    expect(r.stdout).toMatch(
      new RegExp(`^::error file=person\\.json,line=${line},col=5,title=REQUIRED_ATTRIBUTE_ADDED%3A age `, 'm'),
    )
    expect(r.stdout).toContain('fix: Give the property a `default`, or keep it out of `required`.')
  })

  it('SARIF: one rule per id, each with its own description and help', async () => {
    const r = await run(['check', '--against', 'git:main', '--format', 'sarif'], { cwd: dir })
    expect(r.code).toBe(1)
    const rules = JSON.parse(r.stdout).runs[0].tool.driver.rules as {
      id: string
      shortDescription: { text: string }
      fullDescription: { text: string }
      help: { text: string }
    }[]
    expect(rules.map((x) => x.id).sort()).toEqual(['FIELD_SCALAR_KIND_CHANGED', 'REQUIRED_ATTRIBUTE_ADDED'])
    for (const rule of rules) {
      expect(rule.shortDescription.text).not.toMatch(/Schema change kind/)
      expect(rule.fullDescription.text.length).toBeGreaterThan(20)
      expect(rule.help.text.length).toBeGreaterThan(20)
    }
    expect(new Set(rules.map((x) => x.help.text)).size).toBe(2)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertBuilt, gitRepo, run, tempDir, writeFiles } from './cli.js'

beforeAll(assertBuilt)

const MONEY = `syntax = "proto3";
package acme.common;

message Money {
  string currency = 1;
  int64 units = 2;
}
`
const ORDER = `syntax = "proto3";
package acme;

import "common/money.proto";

message Order {
  int64 id = 1;
  acme.common.Money total = 2;
}
`
const customer = (properties: Record<string, unknown>, required: string[] = []) =>
  `${JSON.stringify(
    {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties,
      required,
      additionalProperties: false,
    },
    null,
    2,
  )}\n`
const CUSTOMER = customer({ name: { type: 'string' }, age: { type: 'integer' } })

const PROJECT = `subjects:
  money-value:
    file: proto/common/money.proto
  order-value:
    file: proto/order.proto
    references:
      - { name: common/money.proto, subject: money-value }
  customer-value:
    file: json/customer.json
`

interface Report {
  results: {
    subject: string
    status: string
    type: string
    failedVersion?: number
    findings: { rule: string; path: string; line?: number; oldFragment?: string; newFragment?: string }[]
  }[]
}
const byName = (stdout: string, subject: string) =>
  (JSON.parse(stdout) as Report).results.find((r) => r.subject === subject)!

describe('registrum check with Protobuf and JSON Schema against git history', () => {
  const { dir, cleanup } = tempDir('registrum-cli-pbjson-')
  afterAll(cleanup)
  const check = (...extra: string[]) => run(['check', '--against', 'git:main', '-f', 'json', ...extra], { cwd: dir })
  const reset = () =>
    writeFiles(dir, { 'proto/common/money.proto': MONEY, 'proto/order.proto': ORDER, 'json/customer.json': CUSTOMER })

  beforeAll(() => {
    gitRepo(dir).commit('schemas', {
      'registrum.yaml': PROJECT,
      'proto/common/money.proto': MONEY,
      'proto/order.proto': ORDER,
      'json/customer.json': CUSTOMER,
    })
  })

  it('passes compatible changes: a new Protobuf field, a new optional JSON property', async () => {
    writeFiles(dir, {
      'proto/order.proto': ORDER.replace(
        'acme.common.Money total = 2;',
        'acme.common.Money total = 2;\n  string note = 3;',
      ),
      'json/customer.json': customer({ name: { type: 'string' }, age: { type: 'integer' }, email: { type: 'string' } }),
    })
    const r = await check()
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect((JSON.parse(r.stdout) as Report).results.map((x) => [x.subject, x.type, x.status])).toEqual([
      ['money-value', 'PROTOBUF', 'compatible'],
      ['order-value', 'PROTOBUF', 'compatible'],
      ['customer-value', 'JSON', 'compatible'],
    ])
    reset()
  })

  it('fails a Protobuf field kind change, pointing at the field line', async () => {
    writeFiles(dir, { 'proto/order.proto': ORDER.replace('int64 id = 1;', 'string id = 1;') })
    const r = await check()
    expect(r.code).toBe(1)
    const order = byName(r.stdout, 'order-value')
    expect(order.status).toBe('incompatible')
    expect(order.failedVersion).toBe(1)
    expect(order.findings[0]!.path).toContain('Order')
    expect(order.findings[0]!.line).toBe(ORDER.split('\n').findIndex((l) => l.includes('id = 1')) + 1)
    reset()
  })

  it('fails a breaking change in a referenced Protobuf file', async () => {
    writeFiles(dir, { 'proto/common/money.proto': MONEY.replace('int64 units = 2;', 'string units = 2;') })
    const r = await check()
    expect(r.code).toBe(1)
    expect(byName(r.stdout, 'money-value').status).toBe('incompatible')
    reset()
  })

  it('fails a JSON Schema type change with old and new fragments', async () => {
    writeFiles(dir, { 'json/customer.json': customer({ name: { type: 'string' }, age: { type: 'string' } }) })
    const r = await check()
    expect(r.code).toBe(1)
    const c = byName(r.stdout, 'customer-value')
    expect(c.findings[0]).toMatchObject({
      path: '#/properties/age',
      oldFragment: '{"type":"integer"}',
      newFragment: '{"type":"string"}',
      line: CUSTOMER.split('\n').findIndex((l) => l.includes('"age"')) + 1,
    })
    reset()
  })

  it('reports invalid Protobuf and JSON Schema text as failed checks', async () => {
    writeFiles(dir, { 'proto/order.proto': 'syntax = "proto3";\nmessage {', 'json/customer.json': '{"type": 12}' })
    const r = await check()
    expect(r.code).toBe(1)
    expect(byName(r.stdout, 'order-value').status).toBe('invalid')
    expect(byName(r.stdout, 'customer-value').status).toBe('invalid')
    reset()
  })
})

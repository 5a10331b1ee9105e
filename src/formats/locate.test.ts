import { describe, expect, it } from 'vitest'
import { checkPair, type CompatibilityLevel } from '../compat/levels.js'
import { describe as describeViolation, directionOf } from '../compat/render.js'
import { formatFor } from './index.js'
import { locate } from './locate.js'

/** The 1-based line of the first line of `text` containing `marker`: where a person would look. */
const lineOf = (text: string, marker: string) => text.split('\n').findIndex((l) => l.includes(marker)) + 1

/** Runs the real engine on old → new and locates every violation in the new text. */
function violations(
  type: 'AVRO' | 'JSON' | 'PROTOBUF',
  oldText: string,
  newText: string,
  level: CompatibilityLevel = 'BACKWARD',
) {
  const format = formatFor(type)!
  const found = checkPair(format, level, format.parse(newText, [], 'new'), format.parse(oldText, [], 'new'))
  expect(found.length).toBeGreaterThan(0)
  return found.map((v) => ({ rule: v.rule, path: v.path, direction: v.direction, at: locate(type, newText, v.path) }))
}

const avro = (fields: string) => `{
  "type": "record",
  "name": "Order",
  "namespace": "com.acme",
  "fields": [
${fields}
  ]
}`

describe('locate: Avro, from source positions', () => {
  const id = '    {"name": "id", "type": "string"},'
  it('TYPE_MISMATCH: the `type` of the field, on its own line', () => {
    const before = avro(`${id}\n    {"name": "amount", "type": "double"}`)
    const after = avro(`${id}\n    {"name": "amount", "type": "string"}`)
    const [v] = violations('AVRO', before, after)
    expect(v).toMatchObject({ rule: 'TYPE_MISMATCH', path: '/fields/1/type' })
    expect(v!.at).toMatchObject({ line: 7, column: 24, exact: true, element: 'amount', text: '"string"' })
  })

  it('READER_FIELD_MISSING_DEFAULT_VALUE: the new field', () => {
    const before = avro(`${id.slice(0, -1)}`)
    const after = avro(`${id}\n    {\n      "name": "note",\n      "type": "string"\n    }`)
    const [v] = violations('AVRO', before, after)
    expect(v!.rule).toBe('READER_FIELD_MISSING_DEFAULT_VALUE')
    expect(v!.at).toMatchObject({ line: lineOf(after, '"note"'), column: 7, exact: true, element: 'note' })
  })

  it('MISSING_ENUM_SYMBOLS: the symbols of the enum, inside a nested field', () => {
    const before = avro(
      `${id}\n    {"name": "status",\n     "type": {"type": "enum", "name": "Status",\n              "symbols": ["NEW", "PAID", "SHIPPED"]}}`,
    )
    const after = avro(
      `${id}\n    {"name": "status",\n     "type": {"type": "enum", "name": "Status",\n              "symbols": ["NEW", "PAID"]}}`,
    )
    const [v] = violations('AVRO', before, after)
    expect(v).toMatchObject({ rule: 'MISSING_ENUM_SYMBOLS', path: '/fields/1/type/symbols' })
    expect(v!.at).toMatchObject({ line: lineOf(after, '"symbols"'), exact: true, element: 'status' })
  })

  it('NAME_MISMATCH and FIXED_SIZE_MISMATCH: the changed keyword of the named type', () => {
    const fixed = (name: string, size: number) =>
      avro(
        `${id}\n    {"name": "hash",\n     "type": {"type": "fixed",\n              "name": "${name}",\n              "size": ${size}}}`,
      )
    const [size] = violations('AVRO', fixed('Hash', 16), fixed('Hash', 32))
    expect(size).toMatchObject({ rule: 'FIXED_SIZE_MISMATCH', path: '/fields/1/type/size' })
    expect(size!.at).toMatchObject({
      line: lineOf(fixed('Hash', 32), '"size"'),
      exact: true,
      element: 'hash',
      text: '32',
    })
    const [name] = violations('AVRO', fixed('Hash', 16), fixed('Digest', 16))
    expect(name).toMatchObject({ rule: 'NAME_MISMATCH', path: '/fields/1/type/name' })
    expect(name!.at).toMatchObject({ line: lineOf(fixed('Digest', 16), '"Digest"'), exact: true, text: '"Digest"' })
  })

  it('follows a path through a reference to a named type defined earlier in the file', () => {
    const text = avro(
      `    {"name": "a", "type": {"type": "record", "name": "Addr", "fields": [{"name": "zip", "type": "int"}]}},\n    {"name": "b",\n     "type": "Addr"}`,
    )
    expect(locate('AVRO', text, '/fields/1/type/fields/0/type')).toMatchObject({
      line: 6,
      exact: true,
      element: 'b.zip',
    })
  })

  it('a path that cannot be followed answers the deepest enclosing place, not exact', () => {
    const text = avro(id.slice(0, -1))
    expect(locate('AVRO', text, '/fields/7/type')).toMatchObject({ line: 5, exact: false })
    expect(locate('AVRO', '{not json', '/fields/0')).toBeUndefined()
  })
})

describe('locate: JSON Schema, from source positions', () => {
  const schema = (required: string, ageType: string, max: string) => `{
  "type": "object",
  "properties": {
    "name": {"type": "string"},
    "age": {
      "type": "${ageType}"${max}
    }
  },
  "required": [
    "name"${required}
  ]
}`
  it('a newly required property: the entry in the `required` array, not the property', () => {
    const after = schema(',\n    "age"', 'integer', '')
    const found = violations('JSON', schema('', 'integer', ''), after)
    const v = found.find((x) => x.rule === 'REQUIRED_ATTRIBUTE_ADDED')!
    expect(v.path).toBe('#/required/age')
    expect(v.at).toMatchObject({
      line: after.split('\n').findIndex((l) => l.trim() === '"age"') + 1,
      exact: true,
      element: 'age',
    })
  })

  it('a changed type and an added bound: the keyword', () => {
    const after = schema('', 'string', '')
    const [type] = violations('JSON', schema('', 'integer', ''), after)
    expect(type).toMatchObject({ rule: 'TYPE_CHANGED', path: '#/properties/age' })
    expect(type!.at).toMatchObject({ line: lineOf(after, '"age"'), exact: true, element: 'age' })
    const bounded = schema('', 'integer', ',\n      "maximum": 150')
    const [max] = violations('JSON', schema('', 'integer', ''), bounded)
    expect(max).toMatchObject({ rule: 'MAXIMUM_ADDED', path: '#/properties/age/maximum' })
    expect(max!.at).toMatchObject({
      line: lineOf(bounded, '"maximum"'),
      column: 7,
      exact: true,
      element: 'age',
      text: '150',
    })
  })
})

describe('locate: Protobuf, from the lexer tokens', () => {
  const proto = (idType: string, extra = '') => `syntax = "proto3";
package acme;

// An order.
message Order {
  ${idType} id = 1;
  oneof payment {
    string card = 4;${extra}
  }
  map<string, int64> tags = 5;
  message Line {
    repeated int32 qty = 2;
  }
}
`
  it('a scalar kind change: the field declaration, by name and with old and new text', () => {
    const after = proto('int64')
    const [v] = violations('PROTOBUF', proto('string'), after)
    expect(v).toMatchObject({ rule: 'FIELD_SCALAR_KIND_CHANGED', path: '#/Order/1' })
    expect(v!.at).toMatchObject({ line: 6, column: 3, exact: true, element: 'Order.id', text: 'int64 id = 1' })
    expect(locate('PROTOBUF', proto('string'), v!.path)).toMatchObject({ text: 'string id = 1' })
  })

  it('a oneof member removed: the enclosing oneof, where the member was', () => {
    const before = proto('string', '\n    string iban = 6;')
    const after = proto('string')
    const v = violations('PROTOBUF', before, after).find((x) => x.rule === 'ONEOF_FIELD_REMOVED')!
    expect(v.path).toBe('#/Order/payment/6')
    expect(v.at).toMatchObject({ line: lineOf(after, 'oneof payment'), exact: false, element: 'Order.payment' })
  })

  it('nested messages, map fields and oneof members by the diff’s paths', () => {
    const text = proto('string')
    expect(locate('PROTOBUF', text, '#/Order/Line/2')).toMatchObject({
      line: 12,
      column: 5,
      element: 'Order.Line.qty',
      text: 'repeated int32 qty = 2',
    })
    expect(locate('PROTOBUF', text, '#/Order/5')).toMatchObject({ line: 10, text: 'map<string, int64> tags = 5' })
    expect(locate('PROTOBUF', text, '#/Order/payment/4')).toMatchObject({ line: 8, element: 'Order.payment.card' })
    expect(locate('PROTOBUF', text, '#/Order/4')).toMatchObject({ line: 8, element: 'Order.card' })
    expect(locate('PROTOBUF', text, '#/Gone')).toMatchObject({ line: 1, exact: false })
  })
})

describe('directionOf reads back the direction every rule message was rendered for', () => {
  const cases: ['AVRO' | 'JSON' | 'PROTOBUF', string, string][] = [
    ['AVRO', avro('    {"name": "a", "type": "int"}'), avro('    {"name": "a", "type": "string"}')],
    [
      'AVRO',
      avro('    {"name": "a", "type": "int"}'),
      avro('    {"name": "a", "type": "int"}, {"name": "b", "type": "int"}'),
    ],
    [
      'JSON',
      '{"type":"object","properties":{"a":{"type":"integer"}}}',
      '{"type":"object","properties":{"a":{"type":"integer","maximum":3}}}',
    ],
    ['PROTOBUF', 'syntax = "proto3"; message A { string x = 1; }', 'syntax = "proto3"; message A { int64 x = 1; }'],
  ]
  it.each(cases)('%s', (type, before, after) => {
    const format = formatFor(type)!
    const found = checkPair(format, 'FULL', format.parse(after, [], 'new'), format.parse(before, [], 'new'))
    expect(found.length).toBeGreaterThan(0)
    for (const v of found) expect(directionOf(describeViolation(v))).toBe(v.direction)
  })
})

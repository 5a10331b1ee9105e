import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SchemaParseError } from '../format.js'
import { formatFor } from '../index.js'
import { jsonSchemaDifferences, jsonSchemaFormat } from './index.js'

const parse = (text: string) => jsonSchemaFormat.parse(text, [], 'new')

describe('jsonSchemaFormat identity', () => {
  it('is the format registered for JSON', () => {
    expect(formatFor('JSON')).toBe(jsonSchemaFormat)
  })

  it('canonicalizes to compact JSON, and sorts keys when normalizing', () => {
    const parsed = parse(
      '{ "type": "object", "properties": { "b": {"type":"integer"}, "a": {"type":"number","minimum":1.0} } }',
    )
    expect(jsonSchemaFormat.canonicalize(parsed)).toBe(
      '{"type":"object","properties":{"b":{"type":"integer"},"a":{"type":"number","minimum":1.0}}}',
    )
    expect(jsonSchemaFormat.canonicalize(parsed, { normalize: true })).toBe(
      '{"properties":{"a":{"minimum":1.0,"type":"number"},"b":{"type":"integer"}},"type":"object"}',
    )
  })

  it('treats schemas differing only in key order and whitespace as equivalent', () => {
    expect(
      jsonSchemaFormat.equivalent(
        parse('{"type":"string","maxLength":3}'),
        parse('{ "maxLength": 3, "type": "string" }'),
      ),
    ).toBe(true)
    expect(jsonSchemaFormat.equivalent(parse('{"type":"string"}'), parse('{"type":"string","maxLength":3}'))).toBe(
      false,
    )
  })

  it('lists the external $refs it needs, without fragments', () => {
    const parsed = jsonSchemaFormat.parse(
      '{"properties":{"a":{"$ref":"a.json"},"b":{"$ref":"b.json#/$defs/x"},"c":{"$ref":"#/$defs/c"}},"$defs":{"c":{}}}',
      [
        { name: 'a.json', subject: 'a', version: 1, schema: '{}', schemaType: 'JSON' },
        { name: 'b.json', subject: 'b', version: 1, schema: '{"$defs":{"x":{}}}', schemaType: 'JSON' },
      ],
      'new',
    )
    expect(jsonSchemaFormat.references(parsed)).toEqual(['a.json', 'b.json'])
  })

  it('has no alternate renderings', () => {
    expect(jsonSchemaFormat.render(parse('{}'), 'resolved')).toBeUndefined()
  })
})

describe('jsonSchemaFormat.checkCompatibility', () => {
  const open = parse('{"type":"object","properties":{"a":{"type":"string"}}}')
  const withB = parse('{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}}}')
  const closed = parse('{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}')

  it('rejects an optional property added to an open model under STRICT (the default)', () => {
    expect(jsonSchemaFormat.checkCompatibility(withB, open)).toEqual([
      {
        rule: 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
        path: '#/properties/b',
        message:
          "The {reader} schema has an open content model and has a property or item at path '#/properties/b' which is missing in the {writer} schema",
      },
    ])
  })

  it('accepts it under LENIENT, and treats unknown policies as STRICT', () => {
    expect(jsonSchemaFormat.checkCompatibility(withB, open, { policy: 'LENIENT' })).toEqual([])
    expect(jsonSchemaFormat.checkCompatibility(withB, open, { policy: 'lenient' })).toEqual([])
    expect(jsonSchemaFormat.checkCompatibility(withB, open, { policy: 'RELAXED' })).toHaveLength(1)
  })

  it('accepts an optional property added to a closed model', () => {
    const closedWithB = parse(
      '{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"string"}},"additionalProperties":false}',
    )
    expect(jsonSchemaFormat.checkCompatibility(closedWithB, closed)).toEqual([])
  })

  it('reports compatible differences only in the full difference list', () => {
    const relaxed = parse('{"type":"string","maxLength":10}')
    const tight = parse('{"type":"string","maxLength":5}')
    expect(jsonSchemaFormat.checkCompatibility(relaxed, tight)).toEqual([])
    expect(jsonSchemaDifferences(relaxed, tight)).toEqual([
      { type: 'MAX_LENGTH_INCREASED', path: '#/maxLength', compatible: true },
    ])
  })

  it('terminates on recursive references inside unions', () => {
    const recursive = parse('{"anyOf":[{"type":"string"},{"type":"array","items":{"$ref":"#"}}]}')
    expect(jsonSchemaFormat.checkCompatibility(recursive, parse('{"type":"string"}'))).toEqual([])
    expect(jsonSchemaFormat.checkCompatibility(recursive, recursive)).toEqual([])
  })
})

const jsonValue = fc.jsonValue({ maxDepth: 4 })
const schemaLike = fc.letrec((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small' },
    fc.boolean(),
    fc.record(
      {
        type: fc.constantFrom('string', 'number', 'integer', 'object', 'array', 'boolean', 'null', 'bogus'),
        properties: fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('schema')),
        required: fc.subarray(['a', 'b', 'c']),
        additionalProperties: fc.oneof(fc.boolean(), tie('schema')),
        items: fc.oneof(tie('schema'), fc.array(tie('schema'), { maxLength: 2 })),
        anyOf: fc.array(tie('schema'), { minLength: 1, maxLength: 2 }),
        enum: fc.array(jsonValue, { maxLength: 3 }),
        maxLength: fc.integer({ min: -1, max: 5 }),
        $ref: fc.constantFrom('#', '#/properties/a', 'missing.json'),
      },
      { requiredKeys: [] },
    ),
  ),
}))

describe('jsonSchemaFormat robustness', () => {
  it('never throws anything but SchemaParseError, and stored schemas always diff', () => {
    fc.assert(
      fc.property(fc.oneof(schemaLike.schema, jsonValue), fc.oneof(schemaLike.schema, jsonValue), (a, b) => {
        for (const mode of ['new', 'stored'] as const) {
          try {
            jsonSchemaFormat.parse(JSON.stringify(a), [], mode)
          } catch (e) {
            expect(e).toBeInstanceOf(SchemaParseError)
          }
        }
        const parsedA = tryStored(JSON.stringify(a))
        const parsedB = tryStored(JSON.stringify(b))
        if (parsedA && parsedB) {
          jsonSchemaFormat.checkCompatibility(parsedA, parsedB, { policy: 'STRICT' })
          expect(jsonSchemaFormat.checkCompatibility(parsedA, parsedA)).toEqual([])
        }
      }),
      { numRuns: 200 },
    )
  })
})

function tryStored(text: string) {
  try {
    return jsonSchemaFormat.parse(text, [], 'stored')
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaParseError)
    return undefined
  }
}

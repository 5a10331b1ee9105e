import { describe, expect, it } from 'vitest'
import { formatFor, SchemaParseError, type ResolvedRef } from '../index.js'
import { avroFormat } from './index.js'

const ref = (name: string, schema: string): ResolvedRef => ({
  name,
  subject: `${name}-value`,
  version: 1,
  schema,
  schemaType: 'AVRO',
})
const ADDR = ref(
  'com.acme.Addr',
  '{"type":"record","name":"Addr","namespace":"com.acme","fields":[{"name":"kind","type":{"type":"enum","name":"Kind","symbols":["HOME","WORK"]}}]}',
)
const PERSON =
  '{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"Addr"},{"name":"kind","type":"Kind"}]}'

describe('avroFormat', () => {
  it('is the format registered for AVRO', () => {
    expect(formatFor('AVRO')).toBe(avroFormat)
  })

  it('exposes the full name of a top-level named type', () => {
    expect(avroFormat.parse(PERSON, [ADDR], 'new').fullName).toBe('com.acme.Person')
    expect(avroFormat.parse('{"type":"enum","name":"a.E","symbols":["X"]}', [], 'new').fullName).toBe('a.E')
    expect(avroFormat.parse('"string"', [], 'new').fullName).toBeUndefined()
  })

  it('keeps the given text and references', () => {
    const parsed = avroFormat.parse(PERSON, [ADDR], 'new')
    expect(parsed.text).toBe(PERSON)
    expect(parsed.refs).toEqual([ADDR])
  })

  it('throws only SchemaParseError for bad input', () => {
    for (const text of [
      '',
      '{',
      'nope',
      '"Addr"',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"Nope"}]}',
    ]) {
      expect(() => avroFormat.parse(text, [], 'stored')).toThrow(SchemaParseError)
    }
  })

  it('lists the referenced named types it uses', () => {
    expect(avroFormat.references(avroFormat.parse(PERSON, [ADDR], 'new'))).toEqual(['com.acme.Addr', 'com.acme.Kind'])
    expect(avroFormat.references(avroFormat.parse('"int"', [ADDR], 'new'))).toEqual([])
  })

  it('canonicalizes with names for referenced types and renders them inlined when resolved', () => {
    const parsed = avroFormat.parse(PERSON, [ADDR], 'new')
    expect(avroFormat.canonicalize(parsed)).toBe(
      '{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":"Addr"},{"name":"kind","type":"Kind"}]}',
    )
    expect(avroFormat.render(parsed, 'resolved')).toBe(
      '{"type":"record","name":"Person","namespace":"com.acme","fields":[{"name":"home","type":{"type":"record","name":"Addr","fields":[{"name":"kind","type":{"type":"enum","name":"Kind","symbols":["HOME","WORK"]}}]}},{"name":"kind","type":"Kind"}]}',
    )
    expect(avroFormat.render(parsed, 'default')).toBe(avroFormat.canonicalize(parsed))
    expect(avroFormat.render(parsed, 'serialized')).toBeUndefined()
  })

  it('treats a resolved schema without references as equivalent to the one with them', () => {
    const withRefs = avroFormat.parse(PERSON, [ADDR], 'new')
    const inlined = avroFormat.parse(avroFormat.render(withRefs, 'resolved')!, [], 'new')
    expect(avroFormat.equivalent(withRefs, inlined)).toBe(true)
    expect(avroFormat.equivalent(withRefs, avroFormat.parse(PERSON.replace('"home"', '"work"'), [ADDR], 'new'))).toBe(
      false,
    )
  })

  it('checks one direction with reader/writer placeholders in the message', () => {
    const v1 = avroFormat.parse('{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}', [], 'new')
    const v2 = avroFormat.parse(
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"}]}',
      [],
      'new',
    )
    expect(avroFormat.checkCompatibility(v1, v2)).toEqual([])
    expect(avroFormat.checkCompatibility(v2, v1)).toEqual([
      {
        rule: 'READER_FIELD_MISSING_DEFAULT_VALUE',
        path: '/fields/1',
        message:
          "The field 'b' at path '/fields/1' in the {reader} schema has no default value and is missing in the {writer} schema",
      },
    ])
  })
})

describe('avroFormat.parse on arbitrary input', () => {
  it('fails with SchemaParseError and nothing else', async () => {
    const fc = await import('fast-check')
    const prop = fc.property(
      fc.oneof(
        fc.string(),
        fc.json(),
        fc.jsonValue().map((v) => JSON.stringify({ type: 'record', name: 'R', fields: [v] })),
      ),
      (text) => {
        try {
          avroFormat.parse(text, [], 'new')
        } catch (e) {
          if (!(e instanceof SchemaParseError)) throw e
        }
      },
    )
    fc.assert(prop, { numRuns: 300, seed: 42 })
  })

  it('turns absurd nesting into a SchemaParseError', () => {
    expect(() => avroFormat.parse('['.repeat(20000) + ']'.repeat(20000), [], 'stored')).toThrow(SchemaParseError)
  })
})

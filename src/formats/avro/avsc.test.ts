import { describe, expect, it } from 'vitest'
import { SchemaParseError, type ResolvedRef } from '../format.js'
import { buildAvscType } from './avsc.js'
import { parseAvro } from './index.js'

const ref = (name: string, schema: string): ResolvedRef => ({
  name,
  subject: name,
  version: 1,
  schema,
  schemaType: 'AVRO',
})

describe('avscType', () => {
  it('round-trips records through references, namespaces and recursion', () => {
    const refs = [ref('a.Zone', '{"type":"enum","name":"Zone","namespace":"a","symbols":["N","S"]}')]
    const schema = parseAvro(
      '{"type":"record","name":"Node","namespace":"a","fields":[{"name":"z","type":"Zone"},{"name":"g","type":{"type":"record","name":"G","namespace":"","fields":[{"name":"v","type":"int"}]}},{"name":"next","type":["null","Node"],"default":null}]}',
      refs,
      'new',
    )
    const value = { z: 'S', g: { v: 3 }, next: { z: 'N', g: { v: 4 }, next: null } }
    expect(schema.avscType.fromBuffer(schema.avscType.toBuffer(value))).toEqual(value)
  })

  it('resolves data written with an older schema through a default', () => {
    const v1 = parseAvro('{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}', [], 'new')
    const v2 = parseAvro(
      '{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"b","type":"string","default":"x"}]}',
      [],
      'new',
    )
    const resolver = v2.avscType.createResolver(v1.avscType)
    expect(v2.avscType.fromBuffer(v1.avscType.toBuffer({ a: 7 }), resolver)).toEqual({ a: 7, b: 'x' })
  })

  it('builds a leniently stored schema by leaving out a bad default', () => {
    const stored = parseAvro(
      '{"type":"record","name":"R","fields":[{"name":"a","type":["null","string"],"default":"null"}]}',
      [],
      'stored',
    )
    expect(stored.avscType.toBuffer({ a: null })).toEqual(Buffer.from([0]))
  })

  it('reports what avsc cannot build as a parse error, when first used', () => {
    const stored = parseAvro('{"type":"record","name":"R","fields":[{"name":"ä","type":"int"}]}', [], 'stored')
    expect(() => stored.avscType).toThrow(SchemaParseError)
  })

  it('passes avsc options through', () => {
    const schema = parseAvro('["null","string"]', [], 'new')
    const wrapped = buildAvscType(schema.root, schema.refRoots, { wrapUnions: true })
    expect(wrapped.fromBuffer(wrapped.toBuffer({ string: 'x' }))).toEqual({ string: 'x' })
  })
})

describe('avscType on copies', () => {
  it('is neither built nor copied when a parsed schema is spread', () => {
    const stored = parseAvro('{"type":"record","name":"R","namespace":"com.my-co","fields":[]}', [], 'stored')
    const copy = { ...stored, metadata: { properties: {} } }
    expect('avscType' in copy).toBe(false)
    expect(() => stored.avscType).toThrow(SchemaParseError)
  })
})

import { describe, expect, it } from 'vitest'
import type { ResolvedRef } from '../format.js'
import { printNormalized, printPlain } from './canonical.js'
import { parseAvro } from './index.js'

const ref = (name: string, schema: string): ResolvedRef => ({
  name,
  subject: name,
  version: 1,
  schema,
  schemaType: 'AVRO',
})
const plain = (text: string, refs: ResolvedRef[] = []) => printPlain(parseAvro(text, refs, 'stored'))
const normalized = (text: string, refs: ResolvedRef[] = []) => printNormalized(parseAvro(text, refs, 'stored'))

/** One schema exercising every key the printers order. */
const KITCHEN_SINK = `{
  "fields": [
    {"type": "int", "name": "id", "doc": "the id", "default": 0, "x-pii": false},
    {"name": "score", "aliases": ["points", "pts"], "order": "descending", "type": "double", "default": 1},
    {"name": "kind", "type": {"symbols": ["A", "B"], "name": "Kind", "type": "enum", "default": "A", "doc": "k", "x": 1}},
    {"name": "hash", "type": {"size": 16, "type": "fixed", "name": "Hash", "namespace": "other", "aliases": ["other.OldHash"]}},
    {"name": "tags", "type": {"type": "map", "values": {"type": "array", "items": "string", "x-items": true}}},
    {"name": "day", "type": {"logicalType": "date", "type": "int"}},
    {"name": "again", "type": ["null", "Kind", "other.Hash"], "default": null},
    {"name": "root", "type": {"type": "record", "name": "Inner", "namespace": "", "fields": []}}
  ],
  "type": "record", "namespace": "com.acme", "doc": "A record.", "name": "Sink",
  "aliases": ["OldSink", "x.Elsewhere"], "owner": "team-a"
}`

describe('printPlain (Avro Java Schema.toString)', () => {
  it('writes keys in Java order, namespaces only where they change, repeats as names', () => {
    expect(plain(KITCHEN_SINK)).toBe(
      '{"type":"record","name":"Sink","namespace":"com.acme","doc":"A record.","fields":[' +
        '{"name":"id","type":"int","doc":"the id","default":0,"x-pii":false},' +
        '{"name":"score","type":"double","default":1,"order":"descending","aliases":["points","pts"]},' +
        '{"name":"kind","type":{"type":"enum","name":"Kind","doc":"k","symbols":["A","B"],"default":"A","x":1}},' +
        '{"name":"hash","type":{"type":"fixed","name":"Hash","namespace":"other","size":16,"aliases":["OldHash"]}},' +
        '{"name":"tags","type":{"type":"map","values":{"type":"array","items":"string","x-items":true}}},' +
        '{"name":"day","type":{"type":"int","logicalType":"date"}},' +
        '{"name":"again","type":["null","Kind","other.Hash"],"default":null},' +
        '{"name":"root","type":{"type":"record","name":"Inner","namespace":"","fields":[]}}' +
        '],"owner":"team-a","aliases":["OldSink","x.Elsewhere"]}',
    )
  })

  it('writes primitives without attributes as bare names', () => {
    expect(plain('{"type":"string"}')).toBe('"string"')
    expect(plain('[ "null" , {"type":"long"} ]')).toBe('["null","long"]')
  })

  it('keeps number lexemes the way Jackson prints them', () => {
    expect(
      plain(
        '{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1.0},{"name":"b","type":"long","default":12345678901234567890},{"name":"c","type":"float","default":1E3}]}',
      ),
    ).toBe(
      '{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1.0},{"name":"b","type":"long","default":12345678901234567890},{"name":"c","type":"float","default":1000.0}]}',
    )
  })

  it('keeps "error" records and escapes docs', () => {
    expect(plain('{"type":"error","name":"E","doc":"say \\"hi\\"\\n","fields":[]}')).toBe(
      '{"type":"error","name":"E","doc":"say \\"hi\\"\\n","fields":[]}',
    )
  })

  it('writes the full name of a type named like an Avro type, even in its own namespace', () => {
    expect(
      plain(
        '{"type":"record","name":"a.R","fields":[{"name":"f","type":{"type":"fixed","name":"record","size":1}},{"name":"g","type":"record"}]}',
      ),
    ).toBe(
      '{"type":"record","name":"R","namespace":"a","fields":[{"name":"f","type":{"type":"fixed","name":"record","size":1}},{"name":"g","type":"a.record"}]}',
    )
  })

  it('writes types from references as names', () => {
    const refs = [
      ref(
        'com.acme.Addr',
        '{"type":"record","name":"Addr","namespace":"com.acme","fields":[{"name":"z","type":"string"}]}',
      ),
    ]
    expect(
      plain('{"type":"record","name":"P","namespace":"com.acme","fields":[{"name":"a","type":"Addr"}]}', refs),
    ).toBe('{"type":"record","name":"P","namespace":"com.acme","fields":[{"name":"a","type":"Addr"}]}')
    expect(plain('{"type":"record","name":"P","fields":[{"name":"a","type":"com.acme.Addr"}]}', refs)).toBe(
      '{"type":"record","name":"P","fields":[{"name":"a","type":"com.acme.Addr"}]}',
    )
  })

  it('is stable: printing the printed text again gives the same text', () => {
    const once = plain(KITCHEN_SINK)
    expect(plain(once)).toBe(once)
  })
})

describe('printNormalized (Confluent normalize=true)', () => {
  it('writes full names, always the field order, sorted aliases and sorted attributes', () => {
    expect(normalized(KITCHEN_SINK)).toBe(
      '{"name":"com.acme.Sink","type":"record","fields":[' +
        '{"name":"id","type":"int","order":"ascending","doc":"the id","default":0,"x-pii":false},' +
        '{"name":"score","type":"double","order":"descending","aliases":["points","pts"],"default":1.0},' +
        '{"name":"kind","type":{"name":"com.acme.Kind","type":"enum","symbols":["A","B"],"doc":"k","default":"A","x":1},"order":"ascending"},' +
        '{"name":"hash","type":{"name":"other.Hash","type":"fixed","size":16,"aliases":["other.OldHash"]},"order":"ascending"},' +
        '{"name":"tags","type":{"type":"map","values":{"type":"array","items":"string","x-items":true}},"order":"ascending"},' +
        '{"name":"day","type":{"type":"int","logicalType":"date"},"order":"ascending"},' +
        '{"name":"again","type":["null","com.acme.Kind","other.Hash"],"order":"ascending","default":null},' +
        '{"name":"root","type":{"name":"Inner","type":"record","fields":[]},"order":"ascending"}' +
        '],"doc":"A record.","aliases":["com.acme.OldSink","x.Elsewhere"],"owner":"team-a"}',
    )
  })

  it('gives the same text for schemas that differ only in key order and attribute order', () => {
    const a = '{"type":"record","name":"R","b":2,"a":1,"fields":[{"name":"f","type":"int"}]}'
    const b = '{"fields":[{"type":"int","name":"f"}],"a":1,"name":"R","type":"record","b":2}'
    expect(normalized(a)).toBe(normalized(b))
    expect(normalized(a)).toBe(
      '{"name":"R","type":"record","fields":[{"name":"f","type":"int","order":"ascending"}],"a":1,"b":2}',
    )
  })

  it('writes a decimal logical type first, with precision and scale once', () => {
    expect(normalized('{"type":"bytes","x":true,"scale":2,"precision":9,"logicalType":"decimal"}')).toBe(
      '{"type":"bytes","logicalType":"decimal","precision":9,"scale":2,"x":true}',
    )
    expect(normalized('{"type":"fixed","name":"D","size":8,"logicalType":"decimal","precision":10}')).toBe(
      '{"name":"D","type":"fixed","size":8,"logicalType":"decimal","precision":10}',
    )
  })

  it('keeps an invalid logical type as a plain sorted attribute', () => {
    expect(normalized('{"type":"string","logicalType":"date","a":1}')).toBe(
      '{"type":"string","a":1,"logicalType":"date"}',
    )
  })

  it('writes types from references as full names', () => {
    const refs = [ref('a.E', '{"type":"enum","name":"E","namespace":"a","symbols":["X"]}')]
    expect(normalized('{"type":"record","name":"R","namespace":"a","fields":[{"name":"e","type":"E"}]}', refs)).toBe(
      '{"name":"a.R","type":"record","fields":[{"name":"e","type":"a.E","order":"ascending"}]}',
    )
  })
})

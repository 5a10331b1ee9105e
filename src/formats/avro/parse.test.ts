import { describe, expect, it } from 'vitest'
import { SchemaParseError, type ResolvedRef } from '../format.js'
import type { EnumNode, RecordNode } from './model.js'
import { parseTree, qualify } from './parse.js'

const ref = (name: string, schema: string): ResolvedRef => ({
  name,
  subject: name,
  version: 1,
  schema,
  schemaType: 'AVRO',
})
const parseNew = (text: string, refs: ResolvedRef[] = []) => parseTree(text, refs, 'new').root
const parseStored = (text: string) => parseTree(text, [], 'stored').root

describe('qualify', () => {
  it('splits dotted names and drops an empty namespace', () => {
    expect(qualify('a.b.C', 'x')).toEqual({ name: 'C', space: 'a.b', full: 'a.b.C' })
    expect(qualify('C', 'x')).toEqual({ name: 'C', space: 'x', full: 'x.C' })
    expect(qualify('C', '')).toEqual({ name: 'C', space: null, full: 'C' })
  })
})

describe('parseTree', () => {
  it('reads primitives as names or objects, keeping attributes', () => {
    expect(parseNew('"string"')).toEqual({ kind: 'string', props: new Map() })
    const date = parseNew('{"type":"int","logicalType":"date","name":"ignored"}')
    expect(date.kind === 'int' && [...date.props.keys()]).toEqual(['logicalType'])
  })

  it('resolves namespaces as Java does: inherited, overridden, or reset by ""', () => {
    const root = parseNew(
      '{"type":"record","name":"R","namespace":"a","fields":[' +
        '{"name":"x","type":{"type":"enum","name":"E","symbols":["A"]}},' +
        '{"name":"y","type":{"type":"fixed","name":"b.F","size":1}},' +
        '{"name":"z","type":{"type":"record","name":"G","namespace":"","fields":[]}},' +
        '{"name":"w","type":"E"}]}',
    ) as RecordNode
    expect(root.fields.map((f) => (f.type as { fullName: string }).fullName)).toEqual(['a.E', 'b.F', 'G', 'a.E'])
    expect(root.fields[3]!.type).toBe(root.fields[0]!.type)
  })

  it('lets a record refer to itself', () => {
    const root = parseNew('{"type":"record","name":"L","fields":[{"name":"next","type":["null","L"]}]}') as RecordNode
    const union = root.fields[0]!.type
    expect(union.kind === 'union' && union.branches[1]).toBe(root)
  })

  it('qualifies aliases with the type namespace and keeps field aliases as written', () => {
    const root = parseNew(
      '{"type":"record","name":"R","namespace":"n","aliases":["Old","o.Older"],"fields":[{"name":"a","type":"int","aliases":["b","b"]}]}',
    ) as RecordNode
    expect(root.aliases).toEqual(['n.Old', 'o.Older'])
    expect(root.fields[0]!.aliases).toEqual(['b'])
  })

  it('makes the named types of references known, in order', () => {
    const refs = [
      ref('a.Zone', '{"type":"enum","name":"Zone","namespace":"a","symbols":["X"]}'),
      ref('a.Addr', '{"type":"record","name":"Addr","namespace":"a","fields":[{"name":"z","type":"Zone"}]}'),
    ]
    const tree = parseTree('{"type":"record","name":"P","fields":[{"name":"a","type":"a.Addr"}]}', refs, 'new')
    expect([...tree.refNames]).toEqual(['a.Zone', 'a.Addr'])
    expect((tree.root as RecordNode).fields[0]!.type).toBe(tree.refRoots[1])
  })

  it('keeps unknown logical types and custom attributes', () => {
    const root = parseNew(
      '{"type":"record","name":"R","x-owner":"team","fields":[{"name":"a","type":{"type":"long","logicalType":"epoch-weeks"},"pii":true}]}',
    ) as RecordNode
    expect(root.props.get('x-owner')).toBe('team')
    expect(root.fields[0]!.props.get('pii')).toBe(true)
  })

  it('reads a numeric string default of a double field as a number', () => {
    const root = parseNew(
      '{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":"1.5"}]}',
    ) as RecordNode
    expect(String((root.fields[0]!.default as { lexeme: string }).lexeme)).toBe('1.5')
  })

  describe('rejects, in either mode', () => {
    it.each([
      ['', 'Empty schema'],
      ['   ', 'Empty schema'],
      ['{"type":', 'Malformed JSON'],
      ['"Nope"', 'Undefined name: "Nope"'],
      ['{"type":"strin"}', 'Type not supported: strin'],
      ['{"name":"x"}', 'No type'],
      ['{"type":{"type":"int"}}', 'No type'],
      ['42', 'Not a schema'],
      ['null', 'Not a schema'],
      ['{"type":"record","fields":[]}', 'No name in schema'],
      ['{"type":"record","name":"R"}', 'Record has no fields'],
      ['{"type":"record","name":"R","fields":[{"type":"int"}]}', 'No field name (at /fields/0)'],
      ['{"type":"record","name":"R","fields":[{"name":"a"}]}', "No field type for 'a'"],
      [
        '{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"long"}]}',
        'Duplicate field a in record R',
      ],
      [
        '{"type":"record","name":"R","fields":[{"name":"a","type":"Other"}]}',
        'Undefined name: "Other" (at /fields/0/type)',
      ],
      ['{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"up"}]}', 'Invalid field order'],
      [
        '{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"record","name":"R","fields":[]}}]}',
        "Can't redefine: R",
      ],
      ['{"type":"enum","name":"E"}', 'Enum has no symbols'],
      ['{"type":"enum","name":"E","symbols":["A","A"]}', 'Duplicate enum symbol: A'],
      ['{"type":"fixed","name":"F"}', 'Invalid or no size'],
      ['{"type":"fixed","name":"F","size":1.5}', 'Invalid or no size'],
      ['{"type":"array"}', 'Array has no items type'],
      ['{"type":"map"}', 'Map has no values type'],
      ['["int",["string"]]', 'Nested union'],
      ['["int","int"]', 'Duplicate in union: int'],
      ['{"type":"record","name":"int","fields":[]}', 'Schemas may not be named after primitives'],
      ['{"type":"record","name":"R","aliases":"A","fields":[]}', 'aliases not an array'],
    ])('%s', (text, message) => {
      for (const mode of ['new', 'stored'] as const) {
        expect(() => parseTree(text, [], mode)).toThrow(SchemaParseError)
        expect(() => parseTree(text, [], mode)).toThrow(message)
      }
    })
  })

  describe("validates strictly only in 'new' mode", () => {
    it.each([
      [
        '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}',
        'Invalid default for field a: "x" not a int (at /fields/0/default)',
      ],
      [
        '{"type":"record","name":"R","fields":[{"name":"a","type":["null","int"],"default":1}]}',
        'Invalid default for field a: 1 not a union',
      ],
      ['{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":"abc"}]}', 'is not a number'],
      ['{"type":"record","name":"my-record","fields":[]}', 'Illegal character in: my-record (at /name)'],
      ['{"type":"record","name":"R","fields":[{"name":"1a","type":"int"}]}', 'Illegal initial character: 1a'],
      ['{"type":"enum","name":"E","symbols":["A","B-"]}', 'Illegal character in: B-'],
      [
        '{"type":"enum","name":"E","symbols":["A"],"default":"Z"}',
        'The Enum Default: Z is not in the enum symbol set: [A]',
      ],
    ])('%s', (text, message) => {
      expect(() => parseTree(text, [], 'new')).toThrow(message)
      expect(() => parseTree(text, [], 'stored')).not.toThrow()
    })

    it('keeps a bad default when stored, so the schema loads', () => {
      const root = parseStored(
        '{"type":"record","name":"R","fields":[{"name":"a","type":["null","string"],"default":"null"}]}',
      ) as RecordNode
      expect(root.fields[0]!.default).toBe('null')
    })

    it('keeps an enum default outside the symbols when stored', () => {
      expect((parseStored('{"type":"enum","name":"E","symbols":["A"],"default":"Z"}') as EnumNode).default).toBe('Z')
    })
  })

  it('says which reference failed', () => {
    expect(() => parseTree('"int"', [ref('a.B', '{"type":"record","name":"B"}')], 'stored')).toThrow(
      "in reference 'a.B' (subject 'a.B', version 1)",
    )
  })
})

import { describe, expect, it } from 'vitest'
import { parseTree } from '../parse.js'
import { AVRO_RULES, checkReaderWriter } from './walk.js'

const node = (text: string) => parseTree(text, [], 'stored').root
const check = (reader: string, writer: string) =>
  checkReaderWriter(node(reader), node(writer)).map((v) => `${v.rule} ${v.path}`)

describe('checkReaderWriter', () => {
  it('names each rule once', () => {
    expect(AVRO_RULES.map((r) => r.id)).toEqual([
      'NAME_MISMATCH',
      'FIXED_SIZE_MISMATCH',
      'MISSING_ENUM_SYMBOLS',
      'READER_FIELD_MISSING_DEFAULT_VALUE',
      'TYPE_MISMATCH',
      'MISSING_UNION_BRANCH',
    ])
  })

  it('reports every incompatibility in one pass, in field order', () => {
    expect(
      check(
        '{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"string"},{"name":"c","type":{"type":"fixed","name":"F","size":2}}]}',
        '{"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"c","type":{"type":"fixed","name":"F","size":4}}]}',
      ),
    ).toEqual([
      'TYPE_MISMATCH /fields/0/type',
      'READER_FIELD_MISSING_DEFAULT_VALUE /fields/1',
      'FIXED_SIZE_MISMATCH /fields/2/type/size',
    ])
  })

  it('terminates on recursive records: a pair met again while in progress counts as compatible', () => {
    const reader =
      '{"type":"record","name":"L","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","L"]}]}'
    const writer =
      '{"type":"record","name":"L","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","L"]}]}'
    expect(check(reader, reader)).toEqual([])
    expect(check(reader, writer)).toEqual(['TYPE_MISMATCH /fields/0/type'])
  })

  it('restarts the location at each union branch check, as Java does', () => {
    expect(check('["null",{"type":"array","items":"int"}]', '{"type":"array","items":"long"}')).toEqual([
      'MISSING_UNION_BRANCH /',
    ])
    expect(check('{"type":"array","items":"int"}', '["null",{"type":"array","items":"long"}]')).toEqual([
      'TYPE_MISMATCH /0',
      'TYPE_MISMATCH /1/items',
    ])
  })

  it('reuses the memoised result of a named pair met twice', () => {
    const reader =
      '{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"b","type":"E"}]}'
    const writer =
      '{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["A","B"]}},{"name":"b","type":"E"}]}'
    expect(check(reader, writer)).toEqual([
      'MISSING_ENUM_SYMBOLS /fields/0/type/symbols',
      'MISSING_ENUM_SYMBOLS /fields/0/type/symbols',
    ])
  })

  it('turns an ambiguous alias into one unexpected-exception violation, as Confluent does', () => {
    const violations = checkReaderWriter(
      node('{"type":"record","name":"R","fields":[{"name":"a","aliases":["b"],"type":"int"}]}'),
      node('{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int"}]}'),
    )
    expect(violations.map((v) => v.rule)).toEqual(['UNEXPECTED_EXCEPTION'])
  })

  it('reads an enum field with an enum default but no field default as Java does: against the writer record', () => {
    expect(
      check(
        '{"type":"record","name":"R","fields":[{"name":"e","type":{"type":"enum","name":"E","symbols":["A"],"default":"A"}}]}',
        '{"type":"record","name":"R","fields":[]}',
      ),
    ).toEqual(['TYPE_MISMATCH /fields/0/type'])
  })
})

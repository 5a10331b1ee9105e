import { describe, expect, it } from 'vitest'
import { nodesEqual } from './equivalent.js'
import { parseTree } from './parse.js'

const root = (text: string) => parseTree(text, [], 'stored').root
const same = (a: string, b: string) => nodesEqual(root(a), root(b))

describe('nodesEqual', () => {
  it('ignores key order and whitespace', () => {
    expect(
      same(
        '{"type":"record","name":"R","fields":[{"name":"a","type":"int","x":{"p":1,"q":2}}]}',
        '{ "fields":[{"x":{"q":2,"p":1},"type":"int","name":"a"}], "name":"R", "type":"record" }',
      ),
    ).toBe(true)
  })

  it('compares names through namespaces', () => {
    expect(
      same('{"type":"record","name":"a.R","fields":[]}', '{"type":"record","name":"R","namespace":"a","fields":[]}'),
    ).toBe(true)
    expect(same('{"type":"record","name":"a.R","fields":[]}', '{"type":"record","name":"b.R","fields":[]}')).toBe(false)
  })

  it.each([
    ['a doc', '{"type":"record","name":"R","doc":"x","fields":[]}', '{"type":"record","name":"R","fields":[]}'],
    [
      'a field default',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":1}]}',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}',
    ],
    [
      'a field attribute',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","pii":true}]}',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}',
    ],
    ['a logical type', '{"type":"int","logicalType":"date"}', '"int"'],
    ['an alias', '{"type":"fixed","name":"F","size":1,"aliases":["G"]}', '{"type":"fixed","name":"F","size":1}'],
    [
      'an enum default',
      '{"type":"enum","name":"E","symbols":["A"],"default":"A"}',
      '{"type":"enum","name":"E","symbols":["A"]}',
    ],
    [
      'symbol order',
      '{"type":"enum","name":"E","symbols":["A","B"]}',
      '{"type":"enum","name":"E","symbols":["B","A"]}',
    ],
    [
      'field order',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"ignore"}]}',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}',
    ],
    ['branch order', '["null","int"]', '["int","null"]'],
    [
      'a number kind in a default',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1}]}',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1.0}]}',
    ],
  ])('tells schemas apart by %s', (_what, a, b) => {
    expect(same(a, b)).toBe(false)
  })

  it('terminates on recursive schemas', () => {
    const list = '{"type":"record","name":"L","fields":[{"name":"n","type":["null","L"]}]}'
    expect(same(list, list)).toBe(true)
    expect(same(list, '{"type":"record","name":"L","fields":[{"name":"n","type":["null","L"],"default":null}]}')).toBe(
      false,
    )
  })
})

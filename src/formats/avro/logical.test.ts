import { describe, expect, it } from 'vitest'
import { logicalTypeOf } from './logical.js'
import { parseTree } from './parse.js'

const logical = (text: string) => logicalTypeOf(parseTree(text, [], 'stored').root)?.name

describe('logicalTypeOf', () => {
  it.each([
    ['{"type":"int","logicalType":"date"}', 'date'],
    ['{"type":"long","logicalType":"timestamp-micros"}', 'timestamp-micros'],
    ['{"type":"string","logicalType":"uuid"}', 'uuid'],
    ['{"type":"bytes","logicalType":"decimal","precision":4,"scale":2}', 'decimal'],
    ['{"type":"fixed","name":"D","size":12,"logicalType":"duration"}', 'duration'],
  ])('recognises %s', (text, name) => {
    expect(logical(text)).toBe(name)
  })

  it.each([
    '{"type":"long","logicalType":"date"}',
    '{"type":"int","logicalType":"made-up"}',
    '{"type":"bytes","logicalType":"decimal"}',
    '{"type":"bytes","logicalType":"decimal","precision":2,"scale":3}',
    '{"type":"fixed","name":"D","size":1,"logicalType":"decimal","precision":5}',
    '"int"',
  ])('ignores the invalid or unknown %s', (text) => {
    expect(logical(text)).toBeUndefined()
  })
})

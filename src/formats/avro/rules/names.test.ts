import { describe, expect, it } from 'vitest'
import type { NamedNode } from '../model.js'
import { parseTree } from '../parse.js'
import { namesMatch } from './names.js'

const named = (text: string) => parseTree(text, [], 'stored').root as NamedNode

describe('namesMatch', () => {
  it('compares simple names only, as Avro Java does', () => {
    expect(
      namesMatch(named('{"type":"fixed","name":"a.F","size":1}'), named('{"type":"fixed","name":"b.F","size":1}')),
    ).toBe(true)
    expect(
      namesMatch(named('{"type":"fixed","name":"a.F","size":1}'), named('{"type":"fixed","name":"a.G","size":1}')),
    ).toBe(false)
  })

  it('accepts a reader alias naming the writer by full name', () => {
    expect(
      namesMatch(
        named('{"type":"fixed","name":"a.F","aliases":["G"],"size":1}'),
        named('{"type":"fixed","name":"a.G","size":1}'),
      ),
    ).toBe(true)
    expect(
      namesMatch(
        named('{"type":"fixed","name":"a.F","aliases":["G"],"size":1}'),
        named('{"type":"fixed","name":"b.G","size":1}'),
      ),
    ).toBe(false)
  })
})

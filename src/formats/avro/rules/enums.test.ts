import { describe, expect, it } from 'vitest'
import { parseTree } from '../parse.js'
import { checkReaderWriter } from './walk.js'

const node = (text: string) => parseTree(text, [], 'stored').root
const enumOf = (symbols: string[], extra = '') =>
  node(`{"type":"enum","name":"E","symbols":${JSON.stringify(symbols)}${extra}}`)

describe('MISSING_ENUM_SYMBOLS', () => {
  it('lists the missing writer symbols, sorted', () => {
    expect(checkReaderWriter(enumOf(['A']), enumOf(['D', 'A', 'B']))).toEqual([
      {
        rule: 'MISSING_ENUM_SYMBOLS',
        path: '/symbols',
        message: "The {reader} schema is missing enum symbols '[B, D]' at path '/symbols' in the {writer} schema",
      },
    ])
  })

  it('is satisfied by a reader default that is one of its symbols', () => {
    expect(checkReaderWriter(enumOf(['A'], ',"default":"A"'), enumOf(['A', 'B']))).toEqual([])
    expect(checkReaderWriter(enumOf(['A'], ',"default":"Z"'), enumOf(['A', 'B']))).toHaveLength(1)
  })

  it('ignores symbol order and extra reader symbols', () => {
    expect(checkReaderWriter(enumOf(['B', 'A', 'C']), enumOf(['A', 'B']))).toEqual([])
  })
})

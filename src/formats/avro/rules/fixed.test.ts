import { describe, expect, it } from 'vitest'
import { parseTree } from '../parse.js'
import { checkReaderWriter } from './walk.js'

const fixed = (size: number, name = 'F') =>
  parseTree(`{"type":"fixed","name":"${name}","size":${size}}`, [], 'stored').root

describe('FIXED_SIZE_MISMATCH', () => {
  it('needs equal sizes', () => {
    expect(checkReaderWriter(fixed(4), fixed(4))).toEqual([])
    expect(checkReaderWriter(fixed(4), fixed(8))).toEqual([
      {
        rule: 'FIXED_SIZE_MISMATCH',
        path: '/size',
        message: "The fixed type at path '/size' has size 4 in the {reader} schema but size 8 in the {writer} schema",
      },
    ])
  })

  it('reports a rename and a resize together', () => {
    expect(checkReaderWriter(fixed(4, 'F'), fixed(8, 'G')).map((v) => v.rule)).toEqual([
      'NAME_MISMATCH',
      'FIXED_SIZE_MISMATCH',
    ])
  })
})

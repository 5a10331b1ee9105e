import { describe, expect, it } from 'vitest'
import { COMPATIBLE, merge, type PairResult } from './result.js'

const bad: PairResult = { state: 'incompatible', violations: [{ rule: 'TYPE_MISMATCH', path: '/', message: 'm' }] }

describe('merge', () => {
  it('keeps violations in order and turns incompatible once any side is', () => {
    expect(merge(COMPATIBLE, COMPATIBLE)).toBe(COMPATIBLE)
    expect(merge(COMPATIBLE, bad)).toEqual(bad)
    expect(merge(bad, bad).violations).toHaveLength(2)
    expect(merge(bad, COMPATIBLE).state).toBe('incompatible')
  })
})

import { describe, expect, it } from 'vitest'
import { ResponseCache } from './response-cache.js'

describe('ResponseCache', () => {
  it('computes once per key until the generation changes', () => {
    let generation = 1
    let computed = 0
    const cache = new ResponseCache(() => generation)
    const compute = () => ({ n: ++computed })
    expect(cache.json('/a', compute)).toBe('{"n":1}')
    expect(cache.json('/a', compute)).toBe('{"n":1}')
    generation++
    expect(cache.json('/a', compute)).toBe('{"n":2}')
  })
  it('caches nothing when computing throws', () => {
    const cache = new ResponseCache(() => 0)
    expect(() =>
      cache.json('/x', () => {
        throw new Error('not found')
      }),
    ).toThrow('not found')
    expect(cache.json('/x', () => 'found')).toBe('"found"')
  })
  it('stays bounded', () => {
    const cache = new ResponseCache(() => 0, 2)
    let computed = 0
    for (const key of ['/1', '/2', '/3', '/1']) cache.json(key, () => ++computed)
    expect(computed).toBe(4)
  })
})

import { describe, expect, it } from 'vitest'
import { ResponseCache } from './response-cache.js'

describe('ResponseCache', () => {
  it('computes once per key until one of its topics changes, and keeps it while others change', () => {
    const stamps = new Map<string, number>()
    let computed = 0
    const cache = new ResponseCache((topics) => topics.reduce((n, t) => n + (stamps.get(t) ?? 0), 0))
    const compute = () => ({ n: ++computed })
    expect(cache.json('/a', ['a', 'shared'], compute)).toBe('{"n":1}')
    expect(cache.json('/a', ['a', 'shared'], compute)).toBe('{"n":1}')
    stamps.set('b', 5)
    expect(cache.json('/a', ['a', 'shared'], compute)).toBe('{"n":1}')
    stamps.set('a', 6)
    expect(cache.json('/a', ['a', 'shared'], compute)).toBe('{"n":2}')
    stamps.set('shared', 7)
    expect(cache.json('/a', ['a', 'shared'], compute)).toBe('{"n":3}')
  })
  it('caches nothing when computing throws', () => {
    const cache = new ResponseCache(() => 0)
    expect(() =>
      cache.json('/x', [], () => {
        throw new Error('not found')
      }),
    ).toThrow('not found')
    expect(cache.json('/x', [], () => 'found')).toBe('"found"')
  })
  it('stays bounded', () => {
    const cache = new ResponseCache(() => 0, 2)
    let computed = 0
    for (const key of ['/1', '/2', '/3', '/1']) cache.json(key, [], () => ++computed)
    expect(computed).toBe(4)
  })
})

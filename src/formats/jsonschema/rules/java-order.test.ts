import { describe, expect, it } from 'vitest'
import { hashMapOrder, hashSetOrder } from './java-order.js'

describe('Java hash ordering', () => {
  it('iterates a HashSet by hash bucket, not insertion order', () => {
    // "bar" hashes to bucket 2 and "foo" to bucket 7 of a 16-bucket table.
    expect(hashSetOrder(['foo'], ['bar'])).toEqual(['bar', 'foo'])
    expect(hashSetOrder(['bar', 'foo'])).toEqual(['bar', 'foo'])
  })

  it('orders allOf/anyOf/oneOf as everit does', () => {
    expect(hashMapOrder(['allOf', 'anyOf', 'oneOf'])).toEqual(['allOf', 'oneOf', 'anyOf'])
  })

  it('keeps every key once, after the table grows', () => {
    const keys = Array.from({ length: 40 }, (_, i) => `p${i}`)
    const ordered = hashSetOrder(keys.slice(0, 10), keys)
    expect([...ordered].sort()).toEqual([...keys].sort())
  })
})

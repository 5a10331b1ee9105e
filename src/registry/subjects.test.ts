import { describe, expect, it } from 'vitest'
import { RegistryError } from './errors.js'
import { assertValidSubject, qualify } from './subjects.js'

describe('qualify', () => {
  it.each([
    ['orders-value', '.', 'orders-value', 'orders-value'],
    [':.staging:orders-value', '.staging', 'orders-value', ':.staging:orders-value'],
    [':.:orders-value', '.', 'orders-value', 'orders-value'],
    [':.ctx:', '.ctx', '', ':.ctx:'],
    ['a:b', '.', 'a:b', 'a:b'],
    [':*:orders', '.', ':*:orders', ':*:orders'],
  ])('splits %s', (raw, context, name, qualified) => {
    expect(qualify(raw)).toEqual({ context, name, qualified })
  })
})

describe('assertValidSubject', () => {
  it.each(['__GLOBAL', '__EMPTY', 'bad\u0000name', 'tab\tname', ':.__GLOBAL:x', '', ':.:', ':.ctx:'])(
    'rejects %j with 42208',
    (s) => {
      expect(() => assertValidSubject(s)).toThrow(RegistryError)
      try {
        assertValidSubject(s)
      } catch (e) {
        expect((e as RegistryError).code).toBe('INVALID_SUBJECT')
      }
    },
  )
  it.each(['a/b.proto', 'with space', 'ünïcode', ':.ctx:x'])('accepts %j', (s) => {
    expect(() => assertValidSubject(s)).not.toThrow()
  })
  it('accepts the cross-context default scope and a context scope for config', () => {
    expect(() => assertValidSubject(':.__GLOBAL:', { forConfig: true })).not.toThrow()
    expect(() => assertValidSubject(':.ctx:', { forConfig: true })).not.toThrow()
  })
})

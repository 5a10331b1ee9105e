import { describe, expect, it } from 'vitest'
import { UndecidedError } from '../format.js'
import { nameMatcher } from './pattern.js'

describe('patternProperties name matching', () => {
  it('searches like ECMAScript RegExp.test, unanchored unless the pattern anchors', () => {
    expect(nameMatcher('^x-')('x-trace')).toBe(true)
    expect(nameMatcher('^x-')('a-x-trace')).toBe(false)
    expect(nameMatcher('id')('user_id_2')).toBe(true)
    expect(nameMatcher('^[\\u0041-\\u005A]+$')('ABC')).toBe(true)
    expect(nameMatcher('^[\\u0041-\\u005A]+$')('AbC')).toBe(false)
    expect(nameMatcher('^\\p{L}+$')('été')).toBe(true)
    expect(nameMatcher('^(?<word>\\w+)$')('abc')).toBe(true)
  })

  it('matches a nested-quantifier pattern in linear time', () => {
    const evil = nameMatcher('^(a+)+$')
    expect(evil(`${'a'.repeat(100_000)}b`)).toBe(false)
    expect(evil('a'.repeat(100_000))).toBe(true)
  })

  it('lets a pattern JavaScript cannot compile match nothing', () => {
    expect(nameMatcher('(')('(')).toBe(false)
  })

  it('refuses to decide with a pattern only a backtracking engine can run', () => {
    expect(() => nameMatcher('^(?!x-)')('y')).toThrow(UndecidedError)
    expect(() => nameMatcher('(a)\\1')('aa')).toThrow(/patternProperties pattern "\(a\)\\\\1" needs a backtracking/)
  })
})

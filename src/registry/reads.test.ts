import { describe, expect, it } from 'vitest'
import { parseVersion, subjectPrefixMatcher } from './reads.js'

describe('parseVersion', () => {
  it.each([
    ['latest', 'latest'],
    [' LATEST ', 'latest'],
    ['-1', 'latest'],
    ['1', 1],
    ['2147483647', 2147483647],
  ])('reads %j', (raw, expected) => {
    expect(parseVersion(raw)).toEqual(expected)
  })
  it.each(['0', '-2', '2147483648', 'abc', '1.5', ''])('refuses %j with 42202', (raw) => {
    expect(() => parseVersion(raw)).toThrow(/is not a valid version id/)
  })
})

describe('subjectPrefixMatcher', () => {
  it('matches every context for :*:, the default context for a bare prefix, one context otherwise', () => {
    const subjects = ['a', 'ab', ':.c:a', ':.d:b']
    expect(subjects.filter(subjectPrefixMatcher(':*:'))).toEqual(subjects)
    expect(subjects.filter(subjectPrefixMatcher(':*:a'))).toEqual(['a', 'ab', ':.c:a'])
    expect(subjects.filter(subjectPrefixMatcher(''))).toEqual(['a', 'ab'])
    expect(subjects.filter(subjectPrefixMatcher('a'))).toEqual(['a', 'ab'])
    expect(subjects.filter(subjectPrefixMatcher(':.c:'))).toEqual([':.c:a'])
  })
})

import { describe, expect, it } from 'vitest'
import {
  formatNumber,
  javaDouble,
  jsonEquals,
  JsonNumber,
  JsonSyntaxError,
  parseJson,
  quote,
  stringifyJson,
} from './json.js'

describe('parseJson', () => {
  it('keeps number lexemes and integer-like key order', () => {
    const v = parseJson('{"2":1.0,"1":12345678901234567890}')
    expect(stringifyJson(v)).toBe('{"2":1.0,"1":12345678901234567890}')
  })

  it('keeps the first position and the last value of a duplicate key', () => {
    expect(stringifyJson(parseJson('{"a":1,"b":2,"a":3}'))).toBe('{"a":3,"b":2}')
  })

  it('decodes escapes', () => {
    expect(parseJson('"a\\u00e9\\n\\/"')).toBe('aé\n/')
  })

  it.each(['', '{', '[1,]', '{"a" 1}', '01', '"\\x"', '1 2', 'nul'])('rejects %j', (text) => {
    expect(() => parseJson(text)).toThrow(JsonSyntaxError)
  })
})

describe('number printing', () => {
  it.each([
    ['1', '1'],
    ['-0', '0'],
    ['1.0', '1.0'],
    ['1.50', '1.5'],
    ['1e3', '1000.0'],
    ['1e7', '1.0E7'],
    ['0.0001', '1.0E-4'],
    ['-0.0', '-0.0'],
    ['123.456e2', '12345.6'],
  ])('prints %s as Jackson does: %s', (lexeme, printed) => {
    expect(formatNumber(new JsonNumber(lexeme))).toBe(printed)
  })

  it('follows Java Double.toString', () => {
    expect(javaDouble(NaN)).toBe('NaN')
    expect(javaDouble(1.2345e-7)).toBe('1.2345E-7')
    expect(javaDouble(9999999)).toBe('9999999.0')
  })
})

describe('quote', () => {
  it('escapes like Jackson', () => {
    expect(quote('a"\\\n\u0001é/')).toBe('"a\\"\\\\\\n\\u0001é/"')
  })
})

describe('jsonEquals', () => {
  it('ignores key order but not number kinds', () => {
    expect(jsonEquals(parseJson('{"a":1,"b":[true]}'), parseJson('{"b":[true],"a":1}'))).toBe(true)
    expect(jsonEquals(parseJson('1'), parseJson('1.0'))).toBe(false)
    expect(jsonEquals(undefined, null)).toBe(false)
  })
})

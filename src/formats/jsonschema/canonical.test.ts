import { describe, expect, it } from 'vitest'
import { printJson } from './canonical.js'
import { parseJsonText, type JsonTree } from './json-text.js'

const tree = (text: string): JsonTree => {
  const parsed = parseJsonText(text)
  if ('error' in parsed) throw new Error(parsed.error.message)
  return parsed.tree
}

describe('printJson', () => {
  it('prints compact JSON in the original key order', () => {
    expect(printJson(tree('{ "type" : "object",\n  "properties": { "b": {}, "a": { "type": "string" } } }'))).toBe(
      '{"type":"object","properties":{"b":{},"a":{"type":"string"}}}',
    )
  })

  it('keeps number lexemes such as 1.0 and 1e3', () => {
    expect(printJson(tree('{"minimum": 1.0, "maximum": 1e3, "multipleOf": -0.50}'))).toBe(
      '{"minimum":1.0,"maximum":1e3,"multipleOf":-0.50}',
    )
  })

  it('sorts keys at every level when normalizing', () => {
    expect(printJson(tree('{"type":"object","properties":{"b":{"type":"string","title":"B"},"a":{}}}'), true)).toBe(
      '{"properties":{"a":{},"b":{"title":"B","type":"string"}},"type":"object"}',
    )
  })

  it('keeps array order when normalizing', () => {
    expect(printJson(tree('{"enum":["b","a"],"required":["z","y"]}'), true)).toBe(
      '{"enum":["b","a"],"required":["z","y"]}',
    )
  })

  it('re-escapes strings the way JSON.stringify does', () => {
    expect(printJson(tree('{"title":"\\u0041\\/\\n"}'))).toBe('{"title":"A/\\n"}')
  })

  it('prints booleans and null', () => {
    expect(printJson(tree(' true '))).toBe('true')
    expect(printJson(tree('{"default":null,"uniqueItems":false}'))).toBe('{"default":null,"uniqueItems":false}')
  })

  it('keeps the last of duplicate keys, as JSON.parse does', () => {
    expect(printJson(tree('{"type":"string","type":"number"}'))).toBe('{"type":"number"}')
  })
})

describe('parseJsonText', () => {
  it('gives the line and column of a syntax error', () => {
    const parsed = parseJsonText('{\n  "a": 1,\n  "b" 2\n}')
    expect('error' in parsed && parsed.error.line).toBe(3)
  })
})

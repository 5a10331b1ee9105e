import { describe, expect, it } from 'vitest'
import { isValidDefault, namespaceProblem, nameProblem } from './defaults.js'
import { parseJson } from './json.js'
import { parseTree } from './parse.js'

const node = (schema: string) => parseTree(schema, [], 'stored').root

describe('isValidDefault', () => {
  it.each([
    ['"int"', '1', true],
    ['"int"', '2147483648', false],
    ['"int"', '1.0', false],
    ['"long"', '9223372036854775807', true],
    ['"long"', '9223372036854775808', false],
    ['"double"', '1', true],
    ['"float"', '"1"', false],
    ['"string"', '"x"', true],
    ['"bytes"', '1', false],
    ['"boolean"', 'false', true],
    ['"null"', 'null', true],
    ['"null"', '"null"', false],
    ['["null","string"]', 'null', true],
    ['["null","string"]', '"x"', false],
    ['["string","null"]', '"x"', true],
    ['{"type":"array","items":"int"}', '[1,2]', true],
    ['{"type":"array","items":"int"}', '[1,"x"]', false],
    ['{"type":"map","values":"int"}', '{"a":1}', true],
    ['{"type":"enum","name":"E","symbols":["A"]}', '"A"', true],
    ['{"type":"fixed","name":"F","size":2}', '"ab"', true],
    [
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","default":0}]}',
      '{"a":1}',
      true,
    ],
    ['{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}', '{}', false],
  ])('%s with default %s is %s', (schema, value, valid) => {
    expect(isValidDefault(node(schema), parseJson(value))).toBe(valid)
  })
})

describe('nameProblem', () => {
  it('accepts Java identifiers, Unicode letters included', () => {
    expect(nameProblem('_a1')).toBeUndefined()
    expect(nameProblem('Größe')).toBeUndefined()
  })

  it('names the problem', () => {
    expect(nameProblem('')).toBe('Empty name')
    expect(nameProblem('1a')).toBe('Illegal initial character: 1a')
    expect(nameProblem('a-b')).toBe('Illegal character in: a-b')
  })
})

describe('namespaceProblem', () => {
  it('accepts no namespace and dotted valid names', () => {
    expect(namespaceProblem(null)).toBeUndefined()
    expect(namespaceProblem('com.acme_1.Größe')).toBeUndefined()
  })
  it('names the namespace and the bad part', () => {
    expect(namespaceProblem('foo-bar-baz')).toBe('Invalid namespace: foo-bar-baz (Illegal character in: foo-bar-baz)')
    expect(namespaceProblem('a..b')).toBe('Invalid namespace: a..b (Empty name)')
    expect(namespaceProblem('a.1b')).toBe('Invalid namespace: a.1b (Illegal initial character: 1b)')
  })
})

import { describe, expect, it } from 'vitest'
import { PRIMITIVES } from '../model.js'
import { parseTree } from '../parse.js'
import { checkReaderWriter } from './walk.js'

const node = (text: string) => parseTree(text, [], 'stored').root
const reads = (reader: string, writer: string) =>
  checkReaderWriter(node(JSON.stringify(reader)), node(JSON.stringify(writer))).length === 0

/** Writer types each reader primitive accepts (Avro spec "Schema Resolution"). */
const READABLE: Record<string, string[]> = {
  null: ['null'],
  boolean: ['boolean'],
  int: ['int'],
  long: ['int', 'long'],
  float: ['int', 'long', 'float'],
  double: ['int', 'long', 'float', 'double'],
  bytes: ['bytes', 'string'],
  string: ['string', 'bytes'],
}

describe('TYPE_MISMATCH', () => {
  it.each(PRIMITIVES.flatMap((r) => PRIMITIVES.map((w) => [r, w] as const)))(
    'reader %s, writer %s',
    (reader, writer) => {
      expect(reads(reader, writer)).toBe(READABLE[reader]!.includes(writer))
    },
  )

  it('names both types in upper case, as Java does', () => {
    const [v] = checkReaderWriter(node('"int"'), node('{"type":"array","items":"int"}'))
    expect(v).toEqual({
      rule: 'TYPE_MISMATCH',
      path: '/',
      message: "The type at path '/' is INT in the {reader} schema, which cannot read ARRAY in the {writer} schema",
    })
  })
})

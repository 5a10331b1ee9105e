import { describe, expect, it } from 'vitest'
import { AvroFormatError } from '../errors.js'
import type { RecordNode } from '../model.js'
import { parseTree } from '../parse.js'
import { lookupWriterField } from './fields.js'

const record = (text: string) => parseTree(text, [], 'stored').root as RecordNode
const WRITER = record(
  '{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":"int","aliases":["c"]}]}',
)

describe('lookupWriterField', () => {
  it('finds the writer field by the reader field name or one of its aliases', () => {
    const reader = record(
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"x","aliases":["b"],"type":"int"}]}',
    )
    expect(lookupWriterField(WRITER, reader.fields[0]!)?.name).toBe('a')
    expect(lookupWriterField(WRITER, reader.fields[1]!)?.name).toBe('b')
  })

  it('ignores writer aliases', () => {
    const reader = record('{"type":"record","name":"R","fields":[{"name":"c","type":"int"}]}')
    expect(lookupWriterField(WRITER, reader.fields[0]!)).toBeUndefined()
  })

  it('refuses a reader field that matches two writer fields', () => {
    const reader = record('{"type":"record","name":"R","fields":[{"name":"a","aliases":["b"],"type":"int"}]}')
    expect(() => lookupWriterField(WRITER, reader.fields[0]!)).toThrow(AvroFormatError)
  })
})

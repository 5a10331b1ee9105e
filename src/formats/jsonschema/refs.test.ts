import { describe, expect, it } from 'vitest'
import { RefIndex } from './refs.js'

const ref = (name: string, schema: unknown) => ({
  name,
  subject: name,
  version: 1,
  schema: JSON.stringify(schema),
  schemaType: 'JSON' as const,
})
const parse = (text: string) => JSON.parse(text) as unknown

describe('RefIndex', () => {
  it('resolves JSON pointers in the document', () => {
    const index = new RefIndex({ $defs: { a: { type: 'string' } } }, [], parse)
    expect(index.resolve('#/$defs/a', index.root)?.raw).toEqual({ type: 'string' })
    expect(index.resolve('#/$defs/b', index.root)).toBeUndefined()
  })

  it('resolves a referenced schema by its reference name, with or without a fragment', () => {
    const index = new RefIndex({}, [ref('https://acme.example/a.json', { $defs: { x: { type: 'integer' } } })], parse)
    expect(index.resolve('https://acme.example/a.json#/$defs/x', index.root)?.raw).toEqual({ type: 'integer' })
  })

  it('resolves relative refs against an embedded $id', () => {
    const doc = { $id: 'https://acme.example/root.json', $defs: { b: { $id: 'b.json', type: 'boolean' } } }
    const index = new RefIndex(doc, [], parse)
    expect(index.resolve('b.json', index.root)?.raw).toEqual({ $id: 'b.json', type: 'boolean' })
  })

  it('resolves $anchor and draft-07 "#name" ids', () => {
    const index = new RefIndex(
      { definitions: { a: { $id: '#name', type: 'null' }, b: { $anchor: 'other', type: 'number' } } },
      [],
      parse,
    )
    expect(index.resolve('#name', index.root)?.raw).toEqual({ $id: '#name', type: 'null' })
    expect(index.resolve('#other', index.root)?.raw).toEqual({ $anchor: 'other', type: 'number' })
  })
})

import { describe, expect, it } from 'vitest'
import { parseTree } from '../parse.js'
import type { RecordNode } from '../model.js'
import { sameShape, shapeOf } from './shape.js'
import { checkReaderWriter } from './walk.js'

const node = (schema: unknown) => parseTree(JSON.stringify(schema), [], 'stored').root
const record = <F>(fields: F[], extra: object = {}) => ({
  type: 'record',
  name: 'R',
  namespace: 'n',
  fields,
  ...extra,
})
const field = (name: string, type: unknown, extra: object = {}) => ({ name, type, ...extra })

describe('sameShape', () => {
  it('knows identical subtrees parsed apart, attributes that no rule reads aside', () => {
    const a = record([field('a', ['null', 'string'], { default: null }), field('b', { type: 'array', items: 'long' })])
    const b = record([
      field('a', ['null', 'string'], { default: null, doc: 'another doc' }),
      field('b', { type: 'array', items: 'long' }),
    ])
    expect(sameShape(node(a), node(b))).toBe(true)
    expect(sameShape(node('int'), node({ type: 'int', logicalType: 'date' }))).toBe(true)
  })

  it('tells apart every difference a pair rule can see', () => {
    const base = record([
      field('a', 'int'),
      field('e', { type: 'enum', name: 'E', symbols: ['X', 'Y'] }),
      field('f', { type: 'fixed', name: 'F', size: 4 }),
      field('u', ['null', 'string']),
      field('m', { type: 'map', values: 'int' }),
    ])
    const variants = [
      record([...base.fields.slice(1), base.fields[0]]),
      record([field('z', 'int'), ...base.fields.slice(1)]),
      record([field('a', 'long'), ...base.fields.slice(1)]),
      record(base.fields.slice(1)),
      { ...base, name: 'S' },
      { ...base, namespace: 'm' },
      { ...base, aliases: ['n.Old'] },
      record(base.fields.map((f) => (f.name === 'e' ? field('e', { type: 'enum', name: 'E', symbols: ['X'] }) : f))),
      record(
        base.fields.map((f) =>
          f.name === 'e' ? field('e', { type: 'enum', name: 'E', symbols: ['X', 'Y'], default: 'X' }) : f,
        ),
      ),
      record(base.fields.map((f) => (f.name === 'f' ? field('f', { type: 'fixed', name: 'F', size: 8 }) : f))),
      record(base.fields.map((f) => (f.name === 'f' ? field('f', { type: 'fixed', name: 'G', size: 4 }) : f))),
      record(base.fields.map((f) => (f.name === 'u' ? field('u', ['string', 'null']) : f))),
      record(base.fields.map((f) => (f.name === 'u' ? field('u', ['null', 'string', 'int']) : f))),
      record(base.fields.map((f) => (f.name === 'm' ? field('m', { type: 'array', items: 'int' }) : f))),
      record(base.fields.map((f) => (f.name === 'm' ? field('m', { type: 'map', values: 'long' }) : f))),
    ]
    const b = node(base)
    for (const v of variants) {
      expect(sameShape(b, node(v)), JSON.stringify(v)).toBe(false)
      expect(sameShape(node(v), b), JSON.stringify(v)).toBe(false)
    }
  })

  it('walks recursive records and records with field aliases, whose own check may fail', () => {
    const list = node(record([field('v', 'int'), field('next', ['null', 'R'])]))
    expect(shapeOf(list)).toBe(0)
    expect(shapeOf((list as RecordNode).fields[0]!.type)).toBeGreaterThan(0)
    // Java refuses a reader field matching two writer fields, even between identical schemas.
    const ambiguous = node(record([field('a', 'int', { aliases: ['b'] }), field('b', 'int')]))
    expect(shapeOf(ambiguous)).toBe(0)
    expect(checkReaderWriter(ambiguous, ambiguous).map((v) => v.rule)).toEqual(['UNEXPECTED_EXCEPTION'])
  })

  it('leaves every incompatibility inside a record whose other fields are identical to be found', () => {
    const shared = Array.from({ length: 20 }, (_, i) => field(`f${i}`, ['null', 'string'], { default: null }))
    const reader = node(
      record([...shared, field('deep', record([field('x', 'int'), field('y', 'string')], { name: 'Inner' }))]),
    )
    const writer = node(
      record([...shared, field('deep', record([field('x', 'long'), field('y', 'string')], { name: 'Inner' }))]),
    )
    expect(checkReaderWriter(reader, writer).map((v) => `${v.rule} ${v.path}`)).toEqual([
      'TYPE_MISMATCH /fields/20/type/fields/0/type',
    ])
    expect(checkReaderWriter(writer, reader)).toEqual([])
  })
})

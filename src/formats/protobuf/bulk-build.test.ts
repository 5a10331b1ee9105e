import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import { buildingInBulk } from './bulk-build.js'

describe('building protobufjs types in bulk', () => {
  it('adds fields with the same checks and leaves a correct id index behind', () => {
    const type = buildingInBulk(() => {
      const t = new protobuf.Type('M')
      for (let i = 1; i <= 2000; i++) t.add(new protobuf.Field(`f${i}`, i, 'string'))
      expect(() => t.add(new protobuf.Field('again', 7, 'string'))).toThrow(/duplicate id 7/)
      expect(() => t.add(new protobuf.Field('f3', 9000, 'string'))).toThrow(/duplicate name 'f3'/)
      t.remove(t.fields.f5!)
      t.add(new protobuf.Field('five', 5, 'int32'))
      return t
    })
    expect(type.fieldsById[5]?.name).toBe('five')
    expect(type.fieldsById[2000]?.name).toBe('f2000')
    expect(type.fieldsArray).toHaveLength(2000)
    // Outside a bulk build protobufjs behaves as shipped.
    expect(() => type.add(new protobuf.Field('dup', 1, 'string'))).toThrow(/duplicate id 1/)
  })

  it('builds an 8,000-field message that encodes and decodes', () => {
    const body = Array.from({ length: 8000 }, (_, i) => `string f${i} = ${i + 1};`).join('\n')
    const root = buildingInBulk(() => protobuf.parse(`syntax = "proto3"; message M { ${body} }`).root)
    const M = root.lookupType('M')
    expect(Object.keys(M.fields)).toHaveLength(8000)
    expect(M.decode(M.encode({ f7999: 'x' }).finish()).toJSON()).toEqual({ f7999: 'x' })
  })
})

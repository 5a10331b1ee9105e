import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import { InMemorySchemaRegistryClient } from './memory-client.js'
import { fusedEncoder } from './protobuf-encode.js'
import { protobufSerializer } from './protobuf.js'

const proto = `syntax = "proto3";
package acme;

enum Sign { ZERO = 0; MINUS = -1; PLUS = 1; }

message Plain {
  int32 id = 1;
  string text = 2;
  bytes data = 3;
  double d = 4;
  float f = 5;
  bool ok = 6;
  uint32 u = 7;
  sint32 s = 8;
  fixed32 fx = 9;
  sfixed32 sfx = 10;
  Sign sign = 11;
  optional int32 maybe = 12;
  int32 far = 536870911;
  string user_name = 16;
  oneof only { int32 solo = 17; }
}

message Nested {
  int32 id = 1;
  Plain inner = 2;
}
`
const type = protobuf.parse(proto, { keepCase: true }).root.lookupType('acme.Plain')

/** The serializer's framed bytes and the prefix followed by protobufjs' bytes, as hex. */
async function both(value: Record<string, unknown>, messageType = 'acme.Plain', expected = value) {
  const client = new InMemorySchemaRegistryClient()
  const enc = await protobufSerializer(client, { schema: proto, messageType }).encoderFor('t')
  const out = enc(value)
  const t = protobuf.parse(proto, { keepCase: true }).root.lookupType(messageType)
  const body = Buffer.from(t.encode(expected).finish())
  const head = out.subarray(0, out.length - body.length).toString('hex')
  expect(head).toBe(messageType === 'acme.Plain' ? '000000000100' : '00000000010202')
  return { ours: out.toString('hex'), theirs: head + body.toString('hex'), enc }
}

describe('protobuf one-pass encoding', () => {
  it('covers messages of plain fields only', () => {
    const prefix = Uint8Array.of(0, 0, 0, 0, 1, 0)
    expect(fusedEncoder(type, 'number', prefix)).toBeDefined()
    const root = protobuf.parse(proto, { keepCase: true }).root
    expect(fusedEncoder(root.lookupType('acme.Nested'), 'number', prefix)).toBeUndefined()
  })

  it('covers 64-bit fields only when int64 values are numbers, and writes them as protobufjs does', async () => {
    const text =
      'syntax = "proto3"; message L { int64 a = 1; uint64 b = 2; sint64 c = 3; fixed64 d = 4; sfixed64 e = 5; }'
    const l = protobuf.parse(text, { keepCase: true }).root.lookupType('L')
    const prefix = Uint8Array.of(0, 0, 0, 0, 1, 0)
    expect(fusedEncoder(l, 'bigint', prefix)).toBeUndefined()
    expect(fusedEncoder(l, 'string', prefix)).toBeUndefined()
    const encode = fusedEncoder(l, 'number', prefix)!
    for (const n of [0, -1, 1, 2 ** 32, -(2 ** 32) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      const value = { a: n, b: Math.abs(n), c: n, d: Math.abs(n), e: n }
      const theirs = Buffer.concat([prefix, l.encode(value).finish()])
      expect(encode(value)!.toString('hex'), String(n)).toBe(theirs.toString('hex'))
    }
    expect(encode({ a: 2 ** 53 })).toBeUndefined()
    expect(encode({ b: -1 })).toBeUndefined()
  })

  it('writes repeated scalars packed or not as protobufjs does, and nothing for an empty array', async () => {
    const text = `syntax = "proto3";
      message R { repeated int32 a = 1; repeated string b = 2; repeated double c = 3 [packed = false];
        repeated bytes d = 4; repeated sint64 e = 5; repeated bool f = 6; }`
    const r = protobuf.parse(text, { keepCase: true }).root.lookupType('R')
    const prefix = Uint8Array.of(0, 0, 0, 0, 1, 0)
    const encode = fusedEncoder(r, 'number', prefix)!
    const value = {
      f: [true, false],
      a: [1, -1, 300],
      b: ['x', '', '\ud800'],
      c: [0.5, -0],
      d: [new Uint8Array([1]), Buffer.alloc(0)],
      e: [-1, 2 ** 40],
    }
    const theirs = Buffer.concat([prefix, r.encode(value).finish()]).toString('hex')
    expect(encode(value)!.toString('hex')).toBe(theirs)
    expect(theirs).toContain('0a0d01ffffffffffffffffff01ac02') // a: packed, -1 in 10 bytes
    expect(encode({ a: [], b: [] })!.toString('hex')).toBe('000000000100')
    for (const bad of [{ a: [1, null] }, { a: ['1'] }, { a: new Array(1) }, { b: 'x' }, { a: new Int32Array(1) }])
      expect(encode(bad), JSON.stringify(bad)).toBeUndefined()
  })

  it('writes zero values, every scalar and field numbers in number order as protobufjs does', async () => {
    const value = {
      far: 3,
      sign: 'PLUS',
      id: 0,
      text: '',
      data: new Uint8Array(0),
      d: -0,
      f: 0.5,
      ok: false,
      u: 4294967295,
      s: -2147483648,
      fx: 4294967295,
      sfx: -1,
      maybe: 0,
      user_name: 'n',
      solo: 0,
    }
    const { ours, theirs } = await both(value, 'acme.Plain', { ...value, sign: 1 })
    expect(ours).toBe(theirs)
    expect(ours).toContain('0800') // id 0 is written
  })

  it('writes a negative int32 and a negative enum as 10-byte varints', async () => {
    const { ours, theirs } = await both({ id: -1, sign: 'MINUS' }, 'acme.Plain', { id: -1, sign: -1 })
    expect(ours).toBe(theirs)
    expect(ours).toBe('0000000001' + '00' + '08ffffffffffffffffff01' + '58ffffffffffffffffff01')
  })

  it('writes lone surrogates as protobufjs does, below and from 40 UTF-16 units', async () => {
    for (const text of ['\ud800', 'a\udc00b', '\ud83d', 'x'.repeat(39) + '\ud800', 'x'.repeat(40) + '\ud800', '😀']) {
      const { ours, theirs } = await both({ text })
      expect(ours, JSON.stringify(text)).toBe(theirs)
    }
    const short = await both({ text: '\ud800' })
    expect(short.ours.slice(12)).toBe('1203eda080')
  })

  it('writes bytes of a Buffer, a Uint8Array and a view into a larger buffer', async () => {
    const big = Buffer.from('0123456789abcdef', 'hex')
    for (const data of [big, new Uint8Array([1, 2, 3]), big.subarray(2, 5), new Uint8Array(300).fill(7)]) {
      const { ours, theirs } = await both({ data })
      expect(ours).toBe(theirs)
    }
  })

  it('omits absent, undefined and null fields, and takes keys in any order', async () => {
    const a = await both({ text: 'hi', id: 7, d: undefined, f: null, sign: null })
    expect(a.ours).toBe(a.theirs)
    expect(a.ours).toBe('0000000001' + '00' + '0807' + '12026869')
    const b = await both(Object.assign(Object.create(null) as object, { id: 7, text: 'hi' }))
    expect(b.ours).toBe(a.ours)
  })

  it('writes a JSON-named key as its field, and the same error for two keys of one field', async () => {
    const { enc } = await both({})
    expect(enc({ userName: 'n' }).toString('hex')).toBe(enc({ user_name: 'n' }).toString('hex'))
    expect(() => enc({ userName: 'n', user_name: 'n' })).toThrow(
      "keys 'user_name' and 'userName' at $ both name field acme.Plain.user_name; give one",
    )
  })

  it('gives the mapping errors for unknown keys, wrong types and -0', async () => {
    const { enc } = await both({})
    expect(() => enc({ idd: 1 })).toThrow(/'idd'.*closest field.*'id'|did you mean 'id'|'id'/)
    expect(() => enc({ id: -0 })).toThrow(/int32/)
    expect(() => enc({ f: 0.1 })).toThrow(/float/)
    expect(() => enc({ sign: 'NOPE' })).toThrow(/enum acme.Sign/)
    expect(() => enc({ data: 'AQI=' })).toThrow(/bytes/)
    expect(() => enc([] as unknown as Record<string, unknown>)).toThrow(/message acme.Plain/)
  })

  it('does not write a field a polluted Object.prototype holds, as protobufjs does not', async () => {
    const { enc } = await both({})
    const proto = Object.prototype as Record<string, unknown>
    proto.id = 5
    try {
      expect(enc({ text: 'a' }).toString('hex')).toBe('0000000001' + '00' + '120161')
    } finally {
      delete proto.id
    }
  })

  it('cuts the prefix off with header framing', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = protobufSerializer(client, { schema: proto, schemaIdFraming: 'header' })
    const headers = {}
    const bytes = await ser.serialize('t', { id: 1, text: 'a' }, headers)
    expect(bytes!.toString('hex')).toBe('0801120161')
  })

  it('still writes messages it does not cover through protobufjs', async () => {
    const value = { id: 1, inner: { id: -2, text: 'x' } }
    const { ours, theirs } = await both(value, 'acme.Nested')
    expect(ours).toBe(theirs)
  })
})

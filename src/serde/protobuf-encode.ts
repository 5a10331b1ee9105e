/**
 * Protobuf encoding in one pass for messages of plain fields: a function generated per message
 * checks each key and value as the mapping does (`inlineCheck`, `enumToWire`), then writes the
 * framing prefix and the fields into one buffer of the exact size, byte for byte as protobufjs'
 * generated encoder with its Buffer writer does (fields by number, every present non-null field,
 * zero values included; negative int32 and enum values as 10-byte varints; strings shorter than
 * 40 UTF-16 units through protobufjs' own UTF-8 writer, longer ones through Buffer's, as
 * protobufjs does: the two differ on lone surrogates).
 *
 * Such a function never throws: for any value it does not accept as is (an unknown, inherited or
 * JSON-named key, a wrong type, anything that needs a conversion) it returns undefined, and the
 * caller runs the mapping and protobufjs' encoder, which give the error or the bytes.
 */
import protobuf from 'protobufjs'
import type { Int64Mode } from './int64.js'
import { enumToWire, inlineCheck, jsonNameOf } from './protobuf-mapping.js'

/** The framed bytes of a value, or undefined when the value needs the mapping's full path. */
export type FusedEncode = (value: unknown) => Buffer | undefined

/** Scalars written here (64-bit ones when numbers); their wire type is protobufjs' `types.basic`. */
const WRITTEN = new Set([
  'int64',
  'uint64',
  'sint64',
  'fixed64',
  'sfixed64',
  'double',
  'float',
  'int32',
  'sint32',
  'sfixed32',
  'uint32',
  'fixed32',
  'bool',
  'string',
  'bytes',
])

/** The varint bytes of a non-negative 32-bit number. */
function varintBytes(n: number): number[] {
  const out: number[] = []
  while (n > 127) {
    out.push((n & 127) | 128)
    n >>>= 7
  }
  out.push(n)
  return out
}

const varintSize = (n: number): number => (n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : n < 268435456 ? 4 : 5)

function writeVarint(n: number, buf: Uint8Array, pos: number): number {
  while (n > 127) {
    buf[pos++] = (n & 127) | 128
    n >>>= 7
  }
  buf[pos++] = n
  return pos
}

/** A negative 32-bit number as the 10-byte varint of its 64-bit two's complement (protobufjs' int32). */
function writeNegative(n: number, buf: Uint8Array, pos: number): number {
  return writeVarint64(n >>> 0, 0xffffffff, buf, pos)
}

/** The varint of the 64-bit number `hi`·2^32 + `lo`, as protobufjs writes it. */
function writeVarint64(lo: number, hi: number, buf: Uint8Array, pos: number): number {
  while (hi) {
    buf[pos++] = (lo & 127) | 128
    lo = ((lo >>> 7) | (hi << 25)) >>> 0
    hi >>>= 7
  }
  while (lo > 127) {
    buf[pos++] = (lo & 127) | 128
    lo = lo >>> 7
  }
  buf[pos++] = lo
  return pos
}

function writeFixed32(n: number, buf: Uint8Array, pos: number): number {
  buf[pos] = n & 255
  buf[pos + 1] = (n >>> 8) & 255
  buf[pos + 2] = (n >>> 16) & 255
  buf[pos + 3] = n >>> 24
  return pos + 4
}

/**
 * The one-pass encoder of `type` with `prefix` (header and message indexes) in front, or
 * undefined for a message it does not cover: a field that is repeated, a map, a message, a
 * 64-bit integer unless `int64` is 'number', a member of a oneof of several fields, proto2
 * `required`, or named `__proto__`.
 */
export function fusedEncoder(type: protobuf.Type, int64: Int64Mode, prefix: Uint8Array): FusedEncode | undefined {
  const fields = type.fieldsArray.slice().sort((a, b) => a.id - b.id)
  for (const f of fields) {
    f.resolve()
    if (f.repeated || f.map || f.required || f.name === '__proto__') return undefined
    if (f.partOf !== null && f.partOf.fieldsArray.length > 1) return undefined
    const t = f.resolvedType
    if (t instanceof protobuf.Type) return undefined
    if (t === null && (!WRITTEN.has(f.type) || inlineCheck(f.type, int64) === undefined)) return undefined
  }
  const enums: ((v: unknown) => number | undefined)[] = []
  const cases: string[] = []
  const sizes: string[] = []
  const writes: string[] = []
  fields.forEach((f, i) => {
    const p = JSON.stringify(f.name)
    const x = `x${i}`
    const isEnum = f.resolvedType instanceof protobuf.Enum
    const scalar = isEnum ? 'int32' : f.type
    let accept: string
    if (isEnum) {
      accept = `x = c.enums[${enums.length}](x); if (x === undefined) return`
      enums.push(enumToWire(f.resolvedType as protobuf.Enum))
    } else {
      accept = `if (!(${inlineCheck(f.type, int64)!})) return`
    }
    cases.push(`case ${p}: { let x = v[k]; if (x != null) { ${accept}; if (!has.call(v, k)) return; ${x} = x } break }`)
    const json = jsonNameOf(f)
    if (json !== f.name) cases.push(`case ${JSON.stringify(json)}: return`)
    const wireType = (protobuf.types.basic as Record<string, number>)[scalar]!
    const tag = varintBytes(((f.id << 3) | wireType) >>> 0)
    const writeTag = tag.map((b) => `out[pos++] = ${b}`).join('; ')
    let size: string
    let write: string
    switch (scalar) {
      case 'int32':
        size = `${x} < 0 ? 10 : c.varintSize(${x})`
        write = `pos = ${x} < 0 ? c.writeNegative(${x}, out, pos) : c.writeVarint(${x}, out, pos)`
        break
      case 'uint32':
        size = `c.varintSize(${x})`
        write = `pos = c.writeVarint(${x}, out, pos)`
        break
      case 'sint32':
        size = `c.varintSize(((${x} << 1) ^ (${x} >> 31)) >>> 0)`
        write = `pos = c.writeVarint(((${x} << 1) ^ (${x} >> 31)) >>> 0, out, pos)`
        break
      // 64-bit integers given as safe integers: protobufjs' LongBits.fromNumber, as its writer does.
      case 'int64':
      case 'uint64':
        size = `(l${i} = c.LongBits.fromNumber(${x})).length()`
        write = `pos = c.writeVarint64(l${i}.lo, l${i}.hi, out, pos)`
        break
      case 'sint64':
        size = `(l${i} = c.LongBits.fromNumber(${x}).zzEncode()).length()`
        write = `pos = c.writeVarint64(l${i}.lo, l${i}.hi, out, pos)`
        break
      case 'fixed64':
      case 'sfixed64':
        size = `(l${i} = c.LongBits.fromNumber(${x}), 8)`
        write = `pos = c.writeFixed32(l${i}.hi, out, c.writeFixed32(l${i}.lo, out, pos))`
        break
      case 'fixed32':
      case 'sfixed32':
        size = '4'
        write = `pos = c.writeFixed32(${x} >>> 0, out, pos)`
        break
      case 'float':
        size = '4'
        write = `c.float.writeFloatLE(${x}, out, pos); pos += 4`
        break
      case 'double':
        size = '8'
        write = `c.float.writeDoubleLE(${x}, out, pos); pos += 8`
        break
      case 'bool':
        size = '1'
        write = `out[pos++] = ${x} ? 1 : 0`
        break
      case 'string':
        // protobufjs: Buffer.byteLength for the length, its own writer below 40 units.
        size = `(l${i} = byteLength(${x})) + c.varintSize(l${i})`
        write =
          `pos = c.writeVarint(l${i}, out, pos); if (l${i}) { if (${x}.length < 40) c.utf8.write(${x}, out, pos);` +
          ` else out.utf8Write(${x}, pos); pos += l${i} }`
        break
      case 'bytes':
        size = `(l${i} = ${x}.length >>> 0) + c.varintSize(l${i})`
        write = `pos = c.writeVarint(l${i}, out, pos); if (l${i}) { out.set(${x}, pos); pos += l${i} }`
        break
      default:
        throw new Error(`unexpected scalar ${scalar}`)
    }
    sizes.push(`if (${x} !== undefined) size += ${tag.length} + (${size})`)
    writes.push(`if (${x} !== undefined) { ${writeTag}; ${write} }`)
  })
  const vars = fields.map((_f, i) => `x${i}, l${i}`).join(', ')
  const head = Array.from(prefix, (b, i) => `out[${i}] = ${b}`).join('; ')
  const code = `const has = Object.prototype.hasOwnProperty, alloc = c.alloc, byteLength = c.byteLength
    return function encode(v) {
      if (typeof v !== 'object' || v === null) return
      const proto = Object.getPrototypeOf(v)
      if (proto !== Object.prototype && proto !== null) return
      let ${vars}
      for (const k in v) {
        switch (k) {
          ${cases.join('\n          ')}
          default: return
        }
      }
      let size = ${prefix.length}
      ${sizes.join('\n      ')}
      const out = alloc(size)
      ${head}
      let pos = ${prefix.length}
      ${writes.join('\n      ')}
      return out
    }`
  const ctx = {
    enums,
    varintSize,
    writeVarint,
    writeNegative,
    writeVarint64,
    writeFixed32,
    LongBits: protobuf.util.LongBits,
    float: protobuf.util.float,
    utf8: protobuf.util.utf8,
    byteLength: Buffer.byteLength,
    alloc: Buffer.allocUnsafe,
  }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return (new Function('c', code) as (c: typeof ctx) => FusedEncode)(ctx)
}

/**
 * Protobuf encoding in one pass for messages of plain fields (scalars, single or repeated, and
 * single enums): a function generated per message
 * checks each key and value as the mapping does (`inlineCheck`, `enumToWire`), then writes the
 * framing prefix and the fields into one buffer of the exact size, byte for byte as protobufjs'
 * generated encoder with its Buffer writer does (fields by number, every present non-null field,
 * zero values included; repeated ones when not empty, packed as the field says; negative int32
 * and enum values as 10-byte varints; strings shorter than
 * 40 UTF-16 units through protobufjs' own UTF-8 writer, longer ones through Buffer's, as
 * protobufjs does: the two differ on lone surrogates).
 *
 * Such a function never throws: for any value it does not accept as is (an unknown, inherited or
 * JSON-named key, a wrong type, anything that needs a conversion) it returns undefined, and the
 * caller runs the mapping and protobufjs' encoder, which give the error or the bytes.
 */
import protobuf from 'protobufjs'
import type { Int64Mode } from './int64.js'
import { enumToWire, inlineCheck, jsonNameOf, resolve } from './protobuf-mapping.js'

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
 * Code for one scalar value `x` (a variable): `size`, an expression of its byte count (which
 * may set the variable `t`), and `write`, statements writing it at `pos` of `out` after `size`
 * ran, as protobufjs' writer does.
 */
function scalarCode(scalar: string, x: string, t: string): { size: string; write: string } {
  switch (scalar) {
    case 'int32':
      return {
        size: `${x} < 0 ? 10 : c.varintSize(${x})`,
        write: `pos = ${x} < 0 ? c.writeNegative(${x}, out, pos) : c.writeVarint(${x}, out, pos)`,
      }
    case 'uint32':
      return { size: `c.varintSize(${x})`, write: `pos = c.writeVarint(${x}, out, pos)` }
    case 'sint32':
      return {
        size: `c.varintSize(((${x} << 1) ^ (${x} >> 31)) >>> 0)`,
        write: `pos = c.writeVarint(((${x} << 1) ^ (${x} >> 31)) >>> 0, out, pos)`,
      }
    // 64-bit integers given as safe integers: protobufjs' LongBits.fromNumber, as its writer does.
    case 'int64':
    case 'uint64':
      return {
        size: `(${t} = c.LongBits.fromNumber(${x})).length()`,
        write: `pos = c.writeVarint64(${t}.lo, ${t}.hi, out, pos)`,
      }
    case 'sint64':
      return {
        size: `(${t} = c.LongBits.fromNumber(${x}).zzEncode()).length()`,
        write: `pos = c.writeVarint64(${t}.lo, ${t}.hi, out, pos)`,
      }
    case 'fixed64':
    case 'sfixed64':
      return {
        size: `(${t} = c.LongBits.fromNumber(${x}), 8)`,
        write: `pos = c.writeFixed32(${t}.hi, out, c.writeFixed32(${t}.lo, out, pos))`,
      }
    case 'fixed32':
    case 'sfixed32':
      return { size: '4', write: `pos = c.writeFixed32(${x} >>> 0, out, pos)` }
    case 'float':
      return { size: '4', write: `c.float.writeFloatLE(${x}, out, pos); pos += 4` }
    case 'double':
      return { size: '8', write: `c.float.writeDoubleLE(${x}, out, pos); pos += 8` }
    case 'bool':
      return { size: '1', write: `out[pos++] = ${x} ? 1 : 0` }
    case 'string':
      // protobufjs: Buffer.byteLength for the length, its own writer below 40 units.
      return {
        size: `(${t} = byteLength(${x})) + c.varintSize(${t})`,
        write:
          `pos = c.writeVarint(${t}, out, pos); if (${t}) { if (${x}.length < 40) c.utf8.write(${x}, out, pos);` +
          ` else out.utf8Write(${x}, pos); pos += ${t} }`,
      }
    case 'bytes':
      return {
        size: `(${t} = ${x}.length >>> 0) + c.varintSize(${t})`,
        write: `pos = c.writeVarint(${t}, out, pos); if (${t}) { out.set(${x}, pos); pos += ${t} }`,
      }
    default:
      throw new Error(`unexpected scalar ${scalar}`)
  }
}

/**
 * The one-pass encoder of `type` with `prefix` (header and message indexes) in front, or
 * undefined for a message it does not cover: a field that is a map, a message, a repeated
 * enum, a 64-bit integer unless `int64` is 'number', a member of a oneof of several fields,
 * proto2 `required`, or named `__proto__`.
 */
export function fusedEncoder(type: protobuf.Type, int64: Int64Mode, prefix: Uint8Array): FusedEncode | undefined {
  resolve(type)
  const fields = type.fieldsArray.slice().sort((a, b) => a.id - b.id)
  for (const f of fields) {
    if (f.map || f.required || f.name === '__proto__') return undefined
    if (f.repeated && f.resolvedType !== null) return undefined
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
    } else if (f.repeated) {
      // As the mapping: an array, no null element, each element of the type.
      accept =
        `if (!Array.isArray(x)) return; for (let j = 0; j < x.length; j++) { const a = x; { const x = a[j];` +
        ` if (x == null || !(${inlineCheck(f.type, int64)!})) return } }`
    } else {
      accept = `if (!(${inlineCheck(f.type, int64)!})) return`
    }
    cases.push(`case ${p}: { let x = v[k]; if (x != null) { ${accept}; if (!has.call(v, k)) return; ${x} = x } break }`)
    const json = jsonNameOf(f)
    if (json !== f.name) cases.push(`case ${JSON.stringify(json)}: return`)
    const packed = f.repeated && f.packed && (protobuf.types.packed as Record<string, number>)[scalar] !== undefined
    const wireType = packed ? 2 : (protobuf.types.basic as Record<string, number>)[scalar]!
    const tag = varintBytes(((f.id << 3) | wireType) >>> 0)
    const writeTag = tag.map((b) => `out[pos++] = ${b}`).join('; ')
    if (!f.repeated) {
      const { size, write } = scalarCode(scalar, x, `l${i}`)
      sizes.push(`if (${x} !== undefined) size += ${tag.length} + (${size})`)
      writes.push(`if (${x} !== undefined) { ${writeTag}; ${write} }`)
      return
    }
    // protobufjs writes a repeated field when its array is not empty: packed as one
    // length-delimited run, or each element with its own tag.
    const { size, write } = scalarCode(scalar, 'e', 't')
    const each = (body: string) => `for (let j = 0; j < ${x}.length; j++) { const e = ${x}[j]; let t; ${body} }`
    if (packed) {
      sizes.push(
        `if (${x} !== undefined && ${x}.length) { l${i} = 0; ${each(`l${i} += ${size}`)}; size += ${tag.length} + c.varintSize(l${i}) + l${i} }`,
      )
      writes.push(
        `if (${x} !== undefined && ${x}.length) { ${writeTag}; pos = c.writeVarint(l${i}, out, pos); ${each(`${size}; ${write}`)} }`,
      )
    } else {
      sizes.push(`if (${x} !== undefined) ${each(`size += ${tag.length} + (${size})`)}`)
      writes.push(`if (${x} !== undefined) ${each(`${size}; ${writeTag}; ${write}`)}`)
    }
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

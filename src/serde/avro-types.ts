/**
 * Avro values in JavaScript (the serde type table): avsc logical types for `timestamp-millis`,
 * `timestamp-micros`, `date` (↔ Date), `decimal` (↔ decimal string, lossless) and `uuid`
 * (↔ string); `long` as the `int64` option says; and the strict key check that refuses a record
 * value carrying a key that names no field.
 */
import avsc from 'avsc'
import type { Type as AvscType } from 'avsc'
import { createRequire } from 'node:module'
import type { AvscOptions } from '../formats/avro/avsc.js'
import { int64Expected, toBigInt64, type Int64Mode } from './int64.js'
import { childPath, unknownKey, wrongType } from './value-errors.js'

const MS_PER_DAY = 86_400_000
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/

type LogicalCtor = new (schema: object, opts: object) => AvscType & { readonly underlyingType: AvscType }
const LogicalType = (avsc.types as unknown as { LogicalType: LogicalCtor }).LogicalType

interface LogicalSelf {
  typeName: string
  underlyingType: AvscType
  _fromValue(v: unknown): unknown
}

/** Reads from the same logical type as is; from its bare underlying type through `_fromValue`. */
function resolveLogical(this: LogicalSelf, writer: AvscType): ((v: unknown) => unknown) | undefined {
  if (writer.typeName === this.typeName) return (v) => v
  if (writer.typeName === this.underlyingType.typeName) return (v) => this._fromValue(v)
  return undefined
}

class TimestampMillis extends LogicalType {
  _fromValue(v: number | bigint | string): Date {
    return new Date(Number(v))
  }
  _toValue(v: unknown): number | undefined {
    if (v instanceof Date) {
      const t = v.getTime()
      return Number.isNaN(t) ? undefined : t
    }
    return Number.isSafeInteger(v) ? (v as number) : undefined
  }
  _resolve = resolveLogical
}

/** Microseconds read into a Date keep whole milliseconds (Date has no finer resolution). */
class TimestampMicros extends LogicalType {
  _fromValue(v: number | bigint | string): Date {
    return new Date(Math.floor(Number(v) / 1000))
  }
  _toValue(v: unknown): number | undefined {
    if (v instanceof Date) {
      const t = v.getTime() * 1000
      return Number.isSafeInteger(t) ? t : undefined
    }
    return Number.isSafeInteger(v) ? (v as number) : undefined
  }
  _resolve = resolveLogical
}

/** Days since the epoch; a Date must be at midnight UTC (writing it must not change it). */
class DateType extends LogicalType {
  _fromValue(v: number): Date {
    return new Date(v * MS_PER_DAY)
  }
  _toValue(v: unknown): number | undefined {
    if (v instanceof Date) {
      const t = v.getTime()
      return t % MS_PER_DAY === 0 ? t / MS_PER_DAY : undefined
    }
    return Number.isSafeInteger(v) ? (v as number) : undefined
  }
  _resolve = resolveLogical
}

class UuidType extends LogicalType {
  _fromValue(v: string): string {
    return v
  }
  _toValue(v: unknown): string | undefined {
    return typeof v === 'string' && UUID.test(v) ? v : undefined
  }
  _resolve = resolveLogical
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/

/**
 * A decimal string (`'-12.50'`) ↔ the two's-complement big-endian unscaled value, in as many bytes
 * as Python's fastavro writes (`(bit_length(|n|) + 8) // 8`), or sign-extended to a fixed's size.
 * Reads return exactly `scale` fractional digits.
 */
class DecimalType extends LogicalType {
  readonly precision: number
  readonly scale: number
  readonly size: number | undefined
  constructor(schema: { precision?: unknown; scale?: unknown; size?: unknown }, opts: object) {
    super(schema, opts)
    const precision = schema.precision
    const scale = schema.scale ?? 0
    if (!Number.isInteger(precision) || (precision as number) < 1) throw new Error('decimal needs a positive precision')
    if (!Number.isInteger(scale) || (scale as number) < 0 || (scale as number) > (precision as number))
      throw new Error('invalid decimal scale')
    this.precision = precision as number
    this.scale = scale as number
    this.size = typeof schema.size === 'number' ? schema.size : undefined
  }
  _fromValue(buf: Buffer): string {
    let n = 0n
    for (const byte of buf) n = (n << 8n) | BigInt(byte)
    if (buf.length > 0 && buf[0]! >= 0x80) n -= 1n << BigInt(buf.length * 8)
    const neg = n < 0n
    const digits = (neg ? -n : n).toString().padStart(this.scale + 1, '0')
    const int = digits.slice(0, digits.length - this.scale)
    const frac = digits.slice(digits.length - this.scale)
    return `${neg ? '-' : ''}${int}${this.scale > 0 ? `.${frac}` : ''}`
  }
  _toValue(v: unknown): Buffer | undefined {
    if (typeof v !== 'string') return undefined
    const m = DECIMAL.exec(v)
    if (m === null) return undefined
    const frac = m[3] ?? ''
    if (frac.length > this.scale) return undefined
    const unscaled = BigInt(m[2]! + frac.padEnd(this.scale, '0'))
    if (unscaled.toString().length > this.precision) return undefined
    const signed = m[1] === '-' ? -unscaled : unscaled
    const len = this.size ?? Math.floor((unscaled.toString(2).length + (unscaled === 0n ? 7 : 8)) / 8)
    if (
      this.size !== undefined &&
      (signed >= 1n << BigInt(this.size * 8 - 1) || signed < -(1n << BigInt(this.size * 8 - 1)))
    )
      return undefined
    const out = Buffer.alloc(len)
    let x = BigInt.asUintN(len * 8, signed)
    for (let i = len - 1; i >= 0; i--) {
      out[i] = Number(x & 0xffn)
      x >>= 8n
    }
    return out
  }
  _resolve(this: DecimalType, writer: AvscType): ((v: unknown) => unknown) | undefined {
    const w = writer as unknown as Partial<DecimalType>
    if (writer.typeName === this.typeName) return w.scale === this.scale ? (v) => v : undefined
    if (writer.typeName === this.underlyingType.typeName) return (v) => this._fromValue(v as Buffer)
    return undefined
  }
}

const LOGICAL_TYPES = {
  'timestamp-millis': TimestampMillis,
  'timestamp-micros': TimestampMicros,
  date: DateType,
  uuid: UuidType,
  decimal: DecimalType,
} as unknown as NonNullable<AvscOptions['logicalTypes']>

/** A `long` that reads as a bigint or a decimal string, full range, and writes any int64 form. */
function wideLong(mode: 'bigint' | 'string'): AvscType {
  const read = mode === 'bigint' ? (b: bigint) => b : (b: bigint) => b.toString()
  return (avsc.types.LongType as unknown as { __with(m: object): AvscType }).__with({
    fromBuffer: (buf: Buffer) => read(buf.readBigInt64LE(0)),
    toBuffer: (v: unknown) => {
      const out = Buffer.alloc(8)
      out.writeBigInt64LE(toBigInt64(v)!)
      return out
    },
    fromJSON: (x: unknown) => read(BigInt(x as number)),
    toJSON: (v: unknown) => Number(toBigInt64(v)),
    isValid: (v: unknown) => toBigInt64(v) !== undefined,
    compare: (a: unknown, b: unknown) => {
      const x = toBigInt64(a)!
      const y = toBigInt64(b)!
      return x < y ? -1 : x > y ? 1 : 0
    },
  })
}

/** avsc's cursor over a buffer (its `Tap`): what a type's `_read` and `_write` take. */
export interface Tap {
  buf: Buffer
  pos: number
  readLong(): number
  writeLong(n: number): void
}

const AvscTap = (createRequire(import.meta.url)('avsc/lib/utils.js') as { Tap: new (buf: Buffer, pos?: number) => Tap })
  .Tap

/**
 * A tap over `buf`. `Type#encode` and `Type#decode` allocate one per call (and `decode` a result
 * object): an encoder or decoder that keeps its own tap and calls the type's `_write` or `_read`
 * saves both.
 */
export function avscTap(buf: Buffer): Tap {
  return new AvscTap(buf)
}

/** The reading and writing entry points of an avsc type or resolver, which `Type#encode`/`decode` call. */
export interface TapCodec {
  _read(tap: Tap): unknown
  _write(tap: Tap, value: unknown): void
}
const TWO_52 = 4_503_599_627_370_496

/**
 * avsc's own `long` computes zig-zag varints in floating point: it writes and reads negative
 * values below -2^52 with the wrong sign. This one takes avsc's path within ±2^52 and exact
 * bigint arithmetic beyond, up to ±(2^53 - 1); anything wider is for int64: 'bigint' or 'string'.
 */
function exactLong(): AvscType {
  const LongType = avsc.types.LongType as unknown as { new (): AvscType; prototype: object }
  function ExactLong(this: AvscType) {
    ;(LongType as unknown as (this: unknown) => void).call(this)
  }
  ExactLong.prototype = Object.assign(Object.create(LongType.prototype) as object, {
    constructor: ExactLong,
    _check(val: unknown, _flags: unknown, hook?: (v: unknown, t: unknown) => void): boolean {
      const ok = Number.isSafeInteger(val)
      if (!ok && hook !== undefined) hook(val, this)
      return ok
    },
    // The exact arithmetic beyond 2^52, rarely needed, lives in functions of its own (here and
    // in _read), out of the way of the common case.
    _write(tap: Tap, val: number): void {
      if (typeof val === 'number' && val >= -TWO_52 && val <= TWO_52 && val % 1 === 0) tap.writeLong(val)
      else writeWideLong(tap, val)
    },
    // avsc's Tap#readLong, except that the zig-zag sign of a varint longer than four bytes comes
    // from the low bit of its first byte rather than from a floating-point remainder (a libm
    // call): a millisecond timestamp takes six bytes.
    _read(tap: Tap): number {
      const buf = tap.buf
      const start = tap.pos
      let pos = start
      let n = 0
      let k = 0
      let b: number
      do {
        b = buf[pos++]!
        n |= (b & 0x7f) << k
        k += 7
      } while (b & 0x80 && k < 28)
      if (!(b & 0x80)) {
        tap.pos = pos
        return (n >> 1) ^ -(n & 1)
      }
      let f = n
      let fk = 268_435_456
      do {
        b = buf[pos++]!
        f += (b & 0x7f) * fk
        fk *= 128
      } while (b & 0x80)
      tap.pos = pos
      const v = n & 1 ? -(f + 1) / 2 : f / 2
      // Below 2^52 in magnitude the float arithmetic was exact; beyond, the varint is read again.
      return v > -TWO_52 && v < TWO_52 ? v : readWideLong(tap, start)
    },
  })
  return new (ExactLong as unknown as new () => AvscType)()
}

/** A safe integer beyond ±2^52 as a zig-zag varint, in exact bigint arithmetic. */
function writeWideLong(tap: Tap, val: unknown): void {
  if (!Number.isSafeInteger(val)) throw new Error(`invalid "long": ${String(val)}`)
  const b = BigInt(val as number)
  let z = b >= 0n ? b << 1n : (-b << 1n) - 1n
  do {
    const byte = Number(z & 0x7fn)
    z >>= 7n
    tap.buf[tap.pos++] = z > 0n ? byte | 0x80 : byte
  } while (z > 0n)
}

/** The zig-zag varint at `start` in exact bigint arithmetic; a value beyond ±(2^53 - 1) is an error. */
function readWideLong(tap: Tap, start: number): number {
  tap.pos = start
  let z = 0n
  let shift = 0n
  let byte: number
  do {
    byte = tap.buf[tap.pos++] ?? 0
    z |= BigInt(byte & 0x7f) << shift
    shift += 7n
  } while (byte & 0x80 && shift < 70n)
  const v = z & 1n ? -((z + 1n) >> 1n) : z >> 1n
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER))
    throw new Error('potential precision loss')
  return Number(v)
}

/** avsc options for the serde's type table. */
export function avscOptions(int64: Int64Mode): AvscOptions {
  const long = int64 === 'number' ? exactLong() : wideLong(int64)
  const logicalSeen = new WeakSet<object>()
  return {
    logicalTypes: LOGICAL_TYPES,
    typeHook: (schema: unknown) => {
      if (schema === 'long') return long
      if (typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'long') {
        const logical = (schema as { logicalType?: unknown }).logicalType
        if (typeof logical !== 'string' || !(logical in LOGICAL_TYPES)) return long
        // A logical long is seen twice: first to build the logical type, then for its underlying long.
        if (logicalSeen.has(schema)) return long
        logicalSeen.add(schema)
      }
      return undefined
    },
  }
}

/** How a type is named in error messages: the JavaScript shape the type table gives it. */
export function describeAvro(t: AvscType, int64: Int64Mode): string {
  switch (t.typeName) {
    case 'long':
    case 'abstract:long':
      return `long (${int64Expected(int64)})`
    case 'int':
      return 'int (an integer number from -2^31 to 2^31-1)'
    case 'float':
    case 'double':
      return `${t.typeName} (a number)`
    case 'boolean':
      return 'boolean'
    case 'string':
      return 'string'
    case 'bytes':
      return 'bytes (a Buffer or Uint8Array)'
    case 'null':
      return 'null'
    case 'logical:timestamp-millis':
    case 'logical:timestamp-micros':
      return `${t.typeName.slice(8)} (a valid Date)`
    case 'logical:date':
      return 'date (a Date at midnight UTC)'
    case 'logical:uuid':
      return 'uuid (a UUID string)'
    case 'logical:decimal': {
      const d = t as unknown as DecimalType
      return `decimal(${d.precision}, ${d.scale}) (a decimal string with at most ${d.scale} fractional and ${d.precision} total digits)`
    }
    case 'enum':
      return `enum ${t.name} (one of ${(t as unknown as { symbols: string[] }).symbols.map((s) => `'${s}'`).join(', ')})`
    case 'fixed':
      return `fixed ${t.name} (a Buffer of ${(t as unknown as { size: number }).size} bytes)`
    case 'record':
    case 'error':
      return `record ${t.name} (an object)`
    case 'array':
      return 'array'
    case 'map':
      return 'map (an object)'
    default:
      return t.name ?? t.typeName
  }
}

type Check = (v: unknown, path: string) => void

interface RecordField {
  name: string
  type: AvscType
}

/**
 * A function that throws INVALID_VALUE for the first record value (at any depth) that is no
 * object or, when `strict`, carries a key that names no field of its record; undefined when the
 * schema has no record to check. avsc's encoder checks every other type.
 */
export function keyChecker(root: AvscType, what: string, strict: boolean): Check | undefined {
  const built = new Map<AvscType, Check | null>()
  const build = (t: AvscType): Check | null => {
    if (built.has(t)) {
      const b = built.get(t)
      // A recursive record refers to itself: defer to the finished checker.
      return b === undefined ? (v, p) => built.get(t)?.(v, p) : b
    }
    built.set(t, undefined as unknown as null)
    const c = make(t)
    built.set(t, c)
    return c
  }
  const make = (t: AvscType): Check | null => {
    switch (t.typeName) {
      case 'record':
      case 'error': {
        const fields = (t as unknown as { fields: RecordField[] }).fields
        const names = new Set(fields.map((f) => f.name))
        const nested = fields
          .map((f) => [f.name, build(f.type)] as const)
          .filter((e): e is [string, Check] => e[1] !== null)
        const name = t.name ?? 'record'
        // A generated key test (=== on interned names) costs less than a Set lookup per key.
        const isField =
          fields.length > 32
            ? (k: string) => names.has(k)
            : (new Function(
                'k',
                `return ${fields.map((f) => `k === ${JSON.stringify(f.name)}`).join(' || ') || 'false'}`,
              ) as (k: string) => boolean)
        return (v, path) => {
          // avsc writes any non-object as a record of defaults: refuse it here.
          if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array || v instanceof Date) {
            throw wrongType(what, path, `record ${name} (an object)`, v)
          }
          if (strict) for (const k in v) if (!isField(k)) throw unknownKey(what, path, k, `record ${name}`, names)
          for (let i = 0; i < nested.length; i++) {
            const [f, check] = nested[i]!
            const x = (v as Record<string, unknown>)[f]
            if (x !== undefined && x !== null) check(x, childPath(path, f))
          }
        }
      }
      case 'array': {
        const item = build((t as unknown as { itemsType: AvscType }).itemsType)
        if (item === null) return null
        return (v, path) => {
          if (!Array.isArray(v)) return
          for (let i = 0; i < v.length; i++) if (v[i] !== null && v[i] !== undefined) item(v[i], childPath(path, i))
        }
      }
      case 'map': {
        const value = build((t as unknown as { valuesType: AvscType }).valuesType)
        if (value === null) return null
        return (v, path) => {
          if (typeof v !== 'object' || v === null) return
          for (const k in v) {
            const x = (v as Record<string, unknown>)[k]
            if (x !== null && x !== undefined) value(x, childPath(path, k))
          }
        }
      }
      case 'union:unwrapped': {
        const u = t as unknown as { types: AvscType[]; _getIndex(v: unknown): number | undefined }
        const branches = u.types.map(build)
        if (branches.every((b) => b === null)) return null
        return (v, path) => {
          const i = u._getIndex(v)
          if (i !== undefined) branches[i]?.(v, path)
        }
      }
      case 'union:wrapped': {
        const u = t as unknown as { types: AvscType[] }
        const branches = new Map(u.types.map((b) => [b.branchName!, build(b)] as const))
        if ([...branches.values()].every((b) => b === null)) return null
        return (v, path) => {
          if (typeof v !== 'object' || v === null) return
          for (const k in v) branches.get(k)?.((v as Record<string, unknown>)[k], childPath(path, k))
        }
      }
      default:
        return null
    }
  }
  return build(root) ?? undefined
}

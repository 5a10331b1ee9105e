/**
 * Protobuf values in JavaScript (the serde type table), both ways, compiled once per message:
 * `toWire` checks a value strictly (every key a field, by `.proto` name or lowerCamelCase JSON
 * name, never both; every type; oneofs; proto2 required fields) and returns what protobufjs
 * encodes; `fromWire` turns a decoded protobufjs message into a plain object. Well-known types:
 * Timestamp ↔ Date, wrappers ↔ nullable primitives, Struct/Value/ListValue ↔ plain JSON.
 */
import protobuf from 'protobufjs'
import { fromBigInt64, int64Expected, toBigInt64, unsafeRead, type Int64Mode } from './int64.js'
import { SerdeError } from './errors.js'
import { childPath, unknownKey, wrongType, type UnknownFields } from './value-errors.js'

export interface ProtobufMappingOptions {
  readonly int64: Int64Mode
  readonly unknownFields: UnknownFields
  /** Keys of decoded objects: `.proto` field names (default) or lowerCamelCase JSON names. */
  readonly fieldNames: 'proto' | 'json'
}

/** Checks and converts a value for protobufjs' encoder; throws INVALID_VALUE. */
export type ToWire = (v: unknown, path: string) => unknown
/** Converts what protobufjs decoded into the type table's JavaScript value. */
export type FromWire = (v: unknown, path: string) => unknown

/**
 * A message decoded straight into the type table's plain object: `decode` reads it from a reader
 * at the message's first byte, `finish` then converts, in place, the fields the table maps.
 */
export interface PlainDecode {
  readonly decode: (reader: protobuf.Reader) => Record<string, unknown>
  readonly finish: FromWire
}

const WRAPPERS: Record<string, string> = {
  '.google.protobuf.DoubleValue': 'double',
  '.google.protobuf.FloatValue': 'float',
  '.google.protobuf.Int64Value': 'int64',
  '.google.protobuf.UInt64Value': 'uint64',
  '.google.protobuf.Int32Value': 'int32',
  '.google.protobuf.UInt32Value': 'uint32',
  '.google.protobuf.BoolValue': 'bool',
  '.google.protobuf.StringValue': 'string',
  '.google.protobuf.BytesValue': 'bytes',
}
const TIMESTAMP = '.google.protobuf.Timestamp'
const STRUCT = '.google.protobuf.Struct'
const VALUE = '.google.protobuf.Value'
const LIST_VALUE = '.google.protobuf.ListValue'
/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, the range of google.protobuf.Timestamp. */
const MIN_TIMESTAMP_MS = -62_135_596_800_000
const MAX_TIMESTAMP_MS = 253_402_300_799_999
/** Scalars protobufjs decodes into the type table's value already. */
const IDENTITY = new Set(['double', 'float', 'int32', 'sint32', 'sfixed32', 'uint32', 'fixed32', 'bool', 'string'])
const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64'])
const UNSIGNED = new Set(['uint64', 'fixed64'])

/** protoc's lowerCamelCase JSON name of a field (or its `json_name` option). */
export function jsonNameOf(field: protobuf.Field): string {
  const explicit = field.options?.json_name
  if (typeof explicit === 'string') return explicit
  return field.name.replace(/_+([a-zA-Z0-9]?)/g, (_m, c: string) => c.toUpperCase())
}

/** Whether a decoded object carries the field only when it is set (message, oneof member, `optional`). */
function hasPresence(field: protobuf.Field): boolean {
  return (
    !field.repeated &&
    !field.map &&
    (field.resolvedType instanceof protobuf.Type || field.partOf !== null || field.hasPresence)
  )
}

/** A field name usable as `this.name` in generated code. */
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

const isPlainObject = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null) return false
  const proto = Object.getPrototypeOf(v) as unknown
  return proto === Object.prototype || proto === null || v instanceof protobuf.Message
}

interface LongLike {
  low: number
  high: number
  unsigned?: boolean
}

function longToBigInt(x: LongLike, unsigned: boolean): bigint {
  const hi = unsigned ? BigInt(x.high >>> 0) : BigInt(x.high | 0)
  return (hi << 32n) | BigInt(x.low >>> 0)
}

function bitsOf(b: protobuf.util.LongBits): LongLike {
  const { lo, hi } = b as unknown as { lo: number; hi: number }
  return { low: lo, high: hi }
}

function bigIntToBits(b: bigint): LongLike {
  const u = BigInt.asUintN(64, b)
  return { low: Number(u & 0xffffffffn) | 0, high: Number(u >> 32n) | 0 }
}

/**
 * The converter of a message, built on first use; a recursive message finds a forwarding entry
 * while its own converter is being built.
 */
function compiledOnce(cache: Map<protobuf.Type, ToWire>, type: protobuf.Type, build: () => ToWire): ToWire {
  let f = cache.get(type)
  if (f === undefined) {
    let built: ToWire | undefined
    cache.set(type, (v, p) => built!(v, p))
    built = build()
    cache.set(type, built)
    f = built
  }
  return f
}

/** The converters of one serializer or deserializer, compiled per message type on first use. */
export class ProtobufMapping {
  readonly #toWire = new Map<protobuf.Type, ToWire>()
  readonly #fromWire = new Map<protobuf.Type, FromWire>()
  readonly #plainDecode = new Map<protobuf.Type, PlainDecode | null>()

  constructor(
    readonly options: ProtobufMappingOptions,
    readonly what: string,
  ) {}

  toWire(type: protobuf.Type): ToWire {
    return compiledOnce(this.#toWire, type, () => this.#messageToWire(type))
  }

  fromWire(type: protobuf.Type): FromWire {
    return compiledOnce(this.#fromWire, type, () => this.#messageFromWire(type))
  }

  /**
   * For a message whose every field is in its decoded object (none with presence) under its
   * `.proto` name: a decode whose result equals `fromWire` of protobufjs' decoded message,
   * without that second object. Undefined for other messages.
   */
  plainDecode(type: protobuf.Type): PlainDecode | undefined {
    let d = this.#plainDecode.get(type)
    if (d === undefined) {
      d = this.#messagePlainDecode(type) ?? null
      this.#plainDecode.set(type, d)
    }
    return d ?? undefined
  }

  // --- serialize ---

  /**
   * Generated per message (protobufjs does the same for its codecs): one `switch` over the value's
   * keys, with the common scalar checks inline, so a value that needs no conversion costs a key
   * loop and is passed on as is; a conversion copies the object once (the caller's value is
   * never modified).
   */
  #messageToWire(type: protobuf.Type): ToWire {
    resolve(type)
    const what = this.what
    const strict = this.options.unknownFields !== 'ignore'
    const name = type.fullName.slice(1)
    const fields = type.fieldsArray
    const allNames = fields.flatMap((f) => (jsonNameOf(f) === f.name ? [f.name] : [f.name, jsonNameOf(f)]))
    const oneofs = type.oneofsArray
      .filter((o) => o.fieldsArray.length > 1)
      .map((o) => ({
        name: o.name,
        fields: o.fieldsArray.map((f) => [f.name, jsonNameOf(f)] as const),
      }))
    const required = fields.filter((f) => f.required).map((f) => [f.name, jsonNameOf(f)] as const)
    const set = (v: Record<string, unknown>, [p, j]: readonly [string, string]) => (v[p] ?? v[j]) != null
    const convs: ToWire[] = []
    const expected: string[] = []
    const ctx = {
      convs,
      Message: protobuf.Message,
      notObject: (v: unknown, path: string) => wrongType(what, path, `message ${name} (an object)`, v),
      bad: (i: number, x: unknown, path: string, key: string): never => {
        throw wrongType(what, childPath(path, key), expected[i]!, x, `field ${name}.${fields[i]!.name}`)
      },
      unknown: (v: object, k: string, path: string) => {
        if (strict && Object.hasOwn(v, k)) throw unknownKey(what, path, k, `message ${name}`, allNames)
      },
      twoKeys: (path: string, p: string, j: string) =>
        new SerdeError(
          'INVALID_VALUE',
          `${what}: keys '${p}' and '${j}' at ${path} both name field ${name}.${p}; give one`,
        ),
      path: childPath,
      post:
        oneofs.length === 0 && required.length === 0
          ? undefined
          : (v: Record<string, unknown>, path: string) => {
              for (const o of oneofs) {
                const given = o.fields.filter((f) => set(v, f))
                if (given.length > 1) {
                  throw new SerdeError(
                    'INVALID_VALUE',
                    `${what}: ${path} sets ${given.map((f) => `'${f[0]}'`).join(' and ')}, members of oneof ${name}.${o.name}; set at most one`,
                  )
                }
              }
              for (const f of required) {
                if (!set(v, f))
                  throw new SerdeError(
                    'INVALID_VALUE',
                    `${what}: ${path} lacks required field '${f[0]}' of message ${name}`,
                  )
              }
            },
    }
    const cases: string[] = []
    fields.forEach((field, i) => {
      const p = JSON.stringify(field.name)
      const json = jsonNameOf(field)
      const inline =
        field.repeated || field.map || field.resolvedType !== null
          ? undefined
          : inlineCheck(field.type, this.options.int64)
      convs.push(inline === undefined ? this.#fieldToWire(field) : () => undefined)
      expected.push(scalarExpected(field.type, this.options.int64))
      const body =
        inline === undefined
          ? `{ const w = c.convs[${i}](x, c.path(path, k)); if (w !== x) (out ??= { ...v })[${p}] = w }`
          : `{ if (!(${inline})) c.bad(${i}, x, path, k) }`
      // A google.protobuf.Value field holds JSON null as null_value; elsewhere null means unset.
      const jsonNull = !field.repeated && !field.map && field.resolvedType?.fullName === VALUE
      cases.push(`case ${p}: { const x = v[k]; if (${jsonNull ? 'x !== undefined' : 'x != null'}) ${body} break }`)
      if (json !== field.name) {
        cases.push(
          `case ${JSON.stringify(json)}: { if (v[${p}] !== undefined) throw c.twoKeys(path, ${p}, k); const x = v[k];` +
            ` (out ??= { ...v })[${p}] = ${jsonNull ? 'x === undefined' : 'x == null'} ? x : ${inline === undefined ? `c.convs[${i}](x, c.path(path, k))` : `(${inline}) ? x : c.bad(${i}, x, path, k)`}; break }`,
        )
      }
    })
    const code = `return function toWire(v, path) {
      if (typeof v !== 'object' || v === null) throw c.notObject(v, path)
      // isPlainObject, inline: this runs once per message value.
      const proto = Object.getPrototypeOf(v)
      if (proto !== Object.prototype && proto !== null && !(v instanceof c.Message)) throw c.notObject(v, path)
      let out
      for (const k in v) {
        switch (k) {
          ${cases.join('\n          ')}
          default: c.unknown(v, k, path)
        }
      }
      ${ctx.post === undefined ? '' : 'c.post(v, path)'}
      return out ?? v
    }`
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const f = new Function('c', code) as (c: typeof ctx) => (v: unknown, path: string) => unknown
    return f(ctx)
  }

  #fieldToWire(field: protobuf.Field): ToWire {
    const what = this.what
    const at = `field ${field.fullName.slice(1)}`
    if (field.map) {
      const mf = field as unknown as protobuf.MapField
      const key = this.#keyCheck(mf.keyType, at)
      const boolKeys = mf.keyType === 'bool'
      const value = this.#singleToWire(field, at)
      return (v, path) => {
        if (!isPlainObject(v) || v instanceof protobuf.Message)
          throw wrongType(what, path, `map<${mf.keyType}, ${mf.type}> (an object)`, v, at)
        let out: Record<string, unknown> | undefined
        for (const k in v) {
          key(k, path)
          const x = v[k]
          if (x == null) throw wrongType(what, childPath(path, k), `a map value of type ${mf.type}`, x, at)
          const w = value(x, childPath(path, k))
          if (w !== x) {
            out ??= { ...v }
            setKey(out, k, w)
          }
        }
        if (boolKeys && 'false' in v) {
          // protobufjs writes a bool key as the truthiness of the key string: 'false' would
          // become true. The empty string is falsy, so it writes false.
          out ??= { ...v }
          out[''] = out.false
          delete out.false
        }
        return out ?? v
      }
    }
    const single = this.#singleToWire(field, at)
    if (!field.repeated) return single
    return (v, path) => {
      if (!Array.isArray(v)) throw wrongType(what, path, `repeated ${field.type} (an array)`, v, at)
      let out: unknown[] | undefined
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i]
        if (x == null) throw wrongType(what, childPath(path, i), field.type, x, at)
        const w = single(x, childPath(path, i))
        if (w !== x) {
          out ??= v.slice()
          out[i] = w
        }
      }
      return out ?? v
    }
  }

  #keyCheck(keyType: string, at: string): (k: string, path: string) => void {
    const what = this.what
    if (keyType === 'string') return () => {}
    if (keyType === 'bool') {
      return (k, path) => {
        if (k !== 'true' && k !== 'false')
          throw wrongType(what, path, `map key of type bool ('true' or 'false')`, k, at)
      }
    }
    const check = scalarToWire(keyType, this.options.int64 === 'number' ? 'string' : this.options.int64)
    return (k, path) => {
      if (!/^-?\d+$/.test(k) || check(LONG_TYPES.has(keyType) ? k : Number(k)) === undefined) {
        throw wrongType(what, childPath(path, k), `map key of type ${keyType}`, k, at)
      }
    }
  }

  #singleToWire(field: protobuf.Field, at: string): ToWire {
    const what = this.what
    const t = field.resolvedType
    if (t instanceof protobuf.Enum) {
      const values = t.values
      const known = new Set(Object.values(values))
      return (v, path) => {
        if (typeof v === 'string' && Object.hasOwn(values, v)) return values[v]
        if (typeof v === 'number' && known.has(v)) return v
        throw wrongType(
          what,
          path,
          `enum ${t.fullName.slice(1)} (one of ${Object.keys(values)
            .map((n) => `'${n}'`)
            .join(', ')}, or its number)`,
          v,
          at,
        )
      }
    }
    if (t instanceof protobuf.Type) {
      const full = t.fullName
      const wrapped = WRAPPERS[full]
      if (wrapped !== undefined) {
        const conv = scalarToWire(wrapped, this.options.int64)
        return (v, path) => {
          const w = conv(v)
          if (w === undefined)
            throw wrongType(
              what,
              path,
              `${full.slice(1)} (${scalarExpected(wrapped, this.options.int64)} or null)`,
              v,
              at,
            )
          return { value: w }
        }
      }
      if (full === TIMESTAMP) {
        const generic = this.toWire(t)
        return (v, path) => {
          if (!(v instanceof Date)) return generic(v, path)
          const ms = v.getTime()
          if (!(ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS))
            throw wrongType(what, path, 'google.protobuf.Timestamp (a valid Date from year 1 to 9999)', v, at)
          const seconds = Math.floor(ms / 1000)
          return { seconds, nanos: (ms - seconds * 1000) * 1_000_000 }
        }
      }
      if (full === STRUCT) return (v, path) => structToWire(v, path, what, at)
      if (full === VALUE) return (v, path) => valueToWire(v, path, what, at)
      if (full === LIST_VALUE) return (v, path) => listToWire(v, path, what, at)
      return this.toWire(t)
    }
    const conv = scalarToWire(field.type, this.options.int64)
    const expected = scalarExpected(field.type, this.options.int64)
    return (v, path) => {
      const w = conv(v)
      if (w === undefined) throw wrongType(what, path, expected, v, at)
      return w
    }
  }

  // --- deserialize ---

  /** Generated per message: an object literal of the fields every message has, then the set ones. */
  #messageFromWire(type: protobuf.Type): FromWire {
    resolve(type)
    const json = this.options.fieldNames === 'json'
    const convs: FromWire[] = []
    const always: string[] = []
    const optional: string[] = []
    type.fieldsArray.forEach((field, i) => {
      const presence = hasPresence(field)
      const wrapper =
        !field.repeated &&
        !field.map &&
        field.resolvedType !== null &&
        WRAPPERS[field.resolvedType.fullName] !== undefined
      const identity = !field.repeated && !field.map && field.resolvedType === null && IDENTITY.has(field.type)
      convs.push(identity ? (x) => x : this.#fieldFromWire(field))
      const p = JSON.stringify(field.name)
      const key = JSON.stringify(json ? jsonNameOf(field) : field.name)
      const read = identity ? `m[${p}]` : `c[${i}](m[${p}], ${p})`
      if (!presence) always.push(`${key}: ${read}`)
      else
        optional.push(
          `if (m[${p}] != null && has.call(m, ${p})) out[${key}] = ${read}${wrapper ? `; else out[${key}] = null` : ''}`,
        )
    })
    const code = `const has = Object.prototype.hasOwnProperty
    return function fromWire(m) {
      const out = { ${always.join(', ')} }
      ${optional.join('\n      ')}
      return out
    }`
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return (new Function('c', code) as (c: FromWire[]) => FromWire)(convs)
  }

  /**
   * protobufjs' generated decoder builds its message with `new this.ctor`: called with a `this`
   * whose ctor makes a plain object holding, in field order, the default protobufjs' message
   * prototype gives each field, it decodes into the object `#messageFromWire` would build (the
   * same keys in the same order, the same values before conversion). The fields the type table
   * converts are then converted in place, by the same converters.
   */
  #messagePlainDecode(type: protobuf.Type): PlainDecode | undefined {
    resolve(type)
    const json = this.options.fieldNames === 'json'
    const fields = type.fieldsArray
    if (
      fields.some(
        (f) =>
          hasPresence(f) || !PLAIN_NAME.test(f.name) || f.name === '__proto__' || (json && jsonNameOf(f) !== f.name),
      )
    )
      return undefined
    // protobufjs generates its codec on first use: make sure `decode` is the generated one.
    type.setup()
    const generated = type.decode as unknown as (this: { ctor: unknown }, r: protobuf.Reader) => Record<string, unknown>
    const proto = type.ctor.prototype as Record<string, unknown>
    const defaults = fields.map((f) => proto[f.name])
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const Plain = new Function(
      'd',
      `return function Plain() { ${fields.map((f, i) => `this.${f.name} = d[${i}]`).join('; ')} }`,
    )(defaults) as { prototype: object }
    Plain.prototype = Object.prototype
    const self = { ctor: Plain }
    const convs: FromWire[] = []
    const steps: string[] = []
    for (const field of fields) {
      if (!field.repeated && !field.map && field.resolvedType === null && IDENTITY.has(field.type)) continue
      const p = JSON.stringify(field.name)
      steps.push(`m[${p}] = c[${convs.length}](m[${p}], ${p})`)
      convs.push(this.#fieldFromWire(field))
    }
    const finish: FromWire =
      steps.length === 0
        ? (m) => m
        : // eslint-disable-next-line @typescript-eslint/no-implied-eval
          (new Function('c', `return function finish(m) { ${steps.join('; ')}; return m }`)(convs) as FromWire)
    return { decode: (r) => generated.call(self, r), finish }
  }

  #fieldFromWire(field: protobuf.Field): FromWire {
    const single = this.#singleFromWire(field.resolvedType, field.type)
    if (field.map) {
      const keyType = (field as unknown as protobuf.MapField).keyType
      const key = LONG_TYPES.has(keyType)
        ? (k: string) =>
            k.length === 8 && !/^-?\d+$/.test(k)
              ? longToBigInt(bitsOf(protobuf.util.LongBits.fromHash(k)), UNSIGNED.has(keyType)).toString()
              : k
        : (k: string) => k
      return (v, path) => {
        const out: Record<string, unknown> = {}
        for (const [k, x] of Object.entries(v as Record<string, unknown>)) setKey(out, key(k), single(x, path))
        return out
      }
    }
    if (field.repeated) {
      return (v, path) => {
        const arr = v as unknown[]
        const out = new Array<unknown>(arr.length)
        for (let i = 0; i < arr.length; i++) out[i] = single(arr[i], path)
        return out
      }
    }
    return single
  }

  #singleFromWire(t: protobuf.Type | protobuf.Enum | null, scalar: string): FromWire {
    if (t instanceof protobuf.Enum) {
      const names = t.valuesById
      return (v) => names[v as number] ?? v
    }
    if (t instanceof protobuf.Type) {
      const full = t.fullName
      const wrapped = WRAPPERS[full]
      if (wrapped !== undefined) {
        const conv = scalarFromWire(wrapped, this.options.int64)
        return (v, path) => conv((v as { value: unknown }).value, path)
      }
      if (full === TIMESTAMP) {
        const seconds = scalarFromWire('int64', 'bigint')
        return (v, path) => {
          const ts = v as { seconds: unknown; nanos: number }
          return new Date(Number(seconds(ts.seconds, path) as bigint) * 1000 + Math.floor(ts.nanos / 1_000_000))
        }
      }
      if (full === STRUCT) return (v) => structFromWire(v)
      if (full === VALUE) return (v) => valueFromWire(v)
      if (full === LIST_VALUE) return (v) => listFromWire(v)
      return this.fromWire(t)
    }
    return scalarFromWire(scalar, this.options.int64)
  }
}

const resolvedRoots = new WeakSet<object>()

/** Resolves a message's field types and features (presence) once; protobufjs resolves lazily. */
function resolve(type: protobuf.Type): void {
  const root = type.root
  if (!resolvedRoots.has(root)) {
    root.resolveAll()
    resolvedRoots.add(root)
  }
  for (const f of type.fieldsArray) f.resolve()
  for (const o of type.oneofsArray) o.resolve()
}

/** A JavaScript condition on `x` for scalars that pass to protobufjs unchanged, or undefined. */
function inlineCheck(type: string, int64: Int64Mode): string | undefined {
  switch (type) {
    case 'double':
      return `typeof x === 'number'`
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return `typeof x === 'number' && (x | 0) === x && (x !== 0 || 1 / x > 0)`
    case 'uint32':
    case 'fixed32':
      return `typeof x === 'number' && x >>> 0 === x && (x !== 0 || 1 / x > 0)`
    case 'bool':
      return `typeof x === 'boolean'`
    case 'string':
      return `typeof x === 'string'`
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return int64 === 'number' ? 'Number.isSafeInteger(x)' : undefined
    case 'uint64':
    case 'fixed64':
      return int64 === 'number' ? 'Number.isSafeInteger(x) && x >= 0' : undefined
    default:
      return undefined
  }
}

/** The wire value of a scalar, or undefined when `v` is not of the field's type (or out of range). */
function scalarToWire(type: string, int64: Int64Mode): (v: unknown) => unknown {
  switch (type) {
    case 'double':
      return (v) => (typeof v === 'number' ? v : undefined)
    case 'float':
      return (v) => (typeof v === 'number' && (Math.fround(v) === v || Number.isNaN(v)) ? v : undefined)
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return (v) => (typeof v === 'number' && (v | 0) === v && !Object.is(v, -0) ? v : undefined)
    case 'uint32':
    case 'fixed32':
      return (v) => (typeof v === 'number' && v >>> 0 === v && !Object.is(v, -0) ? v : undefined)
    case 'bool':
      return (v) => (typeof v === 'boolean' ? v : undefined)
    case 'string':
      return (v) => (typeof v === 'string' ? v : undefined)
    case 'bytes':
      return (v) => (v instanceof Uint8Array ? v : undefined)
    default: {
      const unsigned = UNSIGNED.has(type)
      if (int64 === 'number') {
        return unsigned
          ? (v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined)
          : (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined)
      }
      return (v) => {
        if (typeof v === 'number' && Number.isSafeInteger(v) && (!unsigned || v >= 0)) return v
        const b = toBigInt64(v, unsigned)
        return b === undefined ? undefined : bigIntToBits(b)
      }
    }
  }
}

function scalarExpected(type: string, int64: Int64Mode): string {
  switch (type) {
    case 'double':
      return 'double (a number)'
    case 'float':
      return 'float (a number a 32-bit float holds exactly)'
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return `${type} (an integer number from -2^31 to 2^31-1)`
    case 'uint32':
    case 'fixed32':
      return `${type} (an integer number from 0 to 2^32-1)`
    case 'bool':
      return 'bool (a boolean)'
    case 'string':
      return 'string'
    case 'bytes':
      return 'bytes (a Buffer or Uint8Array)'
    default:
      return `${type} (${int64Expected(int64, UNSIGNED.has(type))})`
  }
}

function scalarFromWire(type: string, int64: Int64Mode): FromWire {
  if (type === 'bytes')
    return (v) =>
      Buffer.isBuffer(v)
        ? v
        : v instanceof Uint8Array
          ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
          : Buffer.alloc(0)
  if (!LONG_TYPES.has(type)) return (v) => v
  const unsigned = UNSIGNED.has(type)
  const big = (v: unknown): bigint =>
    typeof v === 'number' ? BigInt(v) : typeof v === 'string' ? BigInt(v) : longToBigInt(v as LongLike, unsigned)
  if (int64 === 'number') {
    return (v, path) => {
      if (typeof v === 'number') return v
      const x = v as LongLike
      const n = unsigned ? (x.high >>> 0) * 4294967296 + (x.low >>> 0) : (x.high | 0) * 4294967296 + (x.low >>> 0)
      if (Number.isSafeInteger(n)) return n
      throw new SerdeError('INVALID_PAYLOAD', `${path}: ${unsafeRead(big(v))}`)
    }
  }
  return (v) => fromBigInt64(big(v), int64)
}

// google.protobuf.Struct / Value / ListValue: plain JSON.

function structToWire(v: unknown, path: string, what: string, at: string): unknown {
  if (!isPlainObject(v) || v instanceof protobuf.Message)
    throw wrongType(what, path, 'google.protobuf.Struct (a plain JSON object)', v, at)
  const fields: Record<string, unknown> = {}
  for (const k of Object.keys(v)) setKey(fields, k, valueToWire(v[k], childPath(path, k), what, at))
  return { fields }
}

function listToWire(v: unknown, path: string, what: string, at: string): unknown {
  if (!Array.isArray(v)) throw wrongType(what, path, 'google.protobuf.ListValue (an array of JSON values)', v, at)
  return { values: v.map((x, i) => valueToWire(x, childPath(path, i), what, at)) }
}

function valueToWire(v: unknown, path: string, what: string, at: string): unknown {
  if (v === null) return { null_value: 0 }
  switch (typeof v) {
    case 'number':
      if (!Number.isFinite(v)) break
      return { number_value: v }
    case 'string':
      return { string_value: v }
    case 'boolean':
      return { bool_value: v }
    case 'object':
      return Array.isArray(v)
        ? { list_value: listToWire(v, path, what, at) }
        : { struct_value: structToWire(v, path, what, at) }
  }
  throw wrongType(what, path, 'a JSON value (null, a finite number, string, boolean, array or plain object)', v, at)
}

/** Sets a key of a decoded object; '__proto__' becomes an own property, not the prototype. */
function setKey(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true })
  else out[k] = v
}

function structFromWire(v: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const fields = (v as { fields?: Record<string, unknown> }).fields ?? {}
  for (const k of Object.keys(fields)) setKey(out, k, valueFromWire(fields[k]))
  return out
}

function listFromWire(v: unknown): unknown[] {
  return ((v as { values?: unknown[] }).values ?? []).map(valueFromWire)
}

function valueFromWire(v: unknown): unknown {
  const x = v as Record<string, unknown>
  const has = (k: string) => Object.hasOwn(x, k) && x[k] != null
  if (has('number_value')) return x.number_value
  if (has('string_value')) return x.string_value
  if (has('bool_value')) return x.bool_value
  if (has('struct_value')) return structFromWire(x.struct_value)
  if (has('list_value')) return listFromWire(x.list_value)
  return null
}

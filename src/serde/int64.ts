/**
 * 64-bit integers (Avro `long`, Protobuf `int64`/`uint64`/`sint64`/`fixed64`/`sfixed64`) in
 * JavaScript, the same for every format: serializers take a safe-integer `number`, a `bigint` or
 * a decimal `string`; deserializers return the type the `int64` option names.
 */

/**
 * How 64-bit integers read back. `'number'` (default): a number, and every value must be a safe
 * integer (|n| ≤ 2^53 - 1) both ways, so nothing is rounded; `'bigint'`: a bigint, full range;
 * `'string'`: a decimal string, full range.
 */
export type Int64Mode = 'number' | 'bigint' | 'string'

export const DEFAULT_INT64: Int64Mode = 'number'

const MIN_I64 = -(1n << 63n)
const MAX_I64 = (1n << 63n) - 1n
const MAX_U64 = (1n << 64n) - 1n
const DECIMAL = /^-?(0|[1-9]\d{0,19})$/

export function checkInt64Mode(mode: unknown): Int64Mode {
  if (mode === undefined) return DEFAULT_INT64
  if (mode === 'number' || mode === 'bigint' || mode === 'string') return mode
  throw new TypeError(`int64 must be 'number', 'bigint' or 'string', not ${String(mode)}.`)
}

/** The bigint a value stands for, or undefined when it is no 64-bit integer (or out of range). */
export function toBigInt64(v: unknown, unsigned = false): bigint | undefined {
  let b: bigint
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) return undefined
    b = BigInt(v)
  } else if (typeof v === 'bigint') {
    b = v
  } else if (typeof v === 'string' && DECIMAL.test(v)) {
    b = BigInt(v)
  } else {
    return undefined
  }
  return (unsigned ? b < 0n || b > MAX_U64 : b < MIN_I64 || b > MAX_I64) ? undefined : b
}

/** What a reader of `mode` gets for `b`, or undefined when `mode` is 'number' and `b` is not safe. */
export function fromBigInt64(b: bigint, mode: Int64Mode): number | bigint | string | undefined {
  if (mode === 'bigint') return b
  if (mode === 'string') return b.toString()
  const n = Number(b)
  return Number.isSafeInteger(n) ? n : undefined
}

/** The expected-type phrase for error messages. */
export function int64Expected(mode: Int64Mode, unsigned = false): string {
  const kind = unsigned ? 'unsigned 64-bit integer' : '64-bit integer'
  return mode === 'number'
    ? `a ${kind} as a safe-integer number, bigint or decimal string (beyond 2^53 set int64: 'bigint' or 'string')`
    : `a ${kind} as a number, bigint or decimal string`
}

/** An int64 mode's unsafe-number complaint when reading. */
export function unsafeRead(b: bigint): string {
  return `64-bit integer ${b} is beyond Number.MAX_SAFE_INTEGER; read it with int64: 'bigint' or 'string'`
}

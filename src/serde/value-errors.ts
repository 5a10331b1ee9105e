/**
 * The INVALID_VALUE errors every format's value mapping raises: a key that names no field (with
 * the closest field name), a value of the wrong type (expected and actual), each with the path of
 * the value and the schema element it was checked against.
 */
import { SerdeError } from './errors.js'

/** What the caller may do with a value key that names no field of its record or message. */
export type UnknownFields = 'reject' | 'ignore'

/** A short, printable form of a value for error messages. */
export function preview(v: unknown): string {
  if (v === undefined) return 'undefined'
  if (typeof v === 'bigint') return `${v}n`
  if (typeof v === 'function') return 'a function'
  if (typeof v === 'symbol') return 'a symbol'
  if (v instanceof Uint8Array) return `<${v.length} bytes>`
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'Invalid Date' : `Date ${v.toISOString()}`
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v)
  let s: string
  try {
    s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x)) ?? String(v)
  } catch {
    s = Object.prototype.toString.call(v)
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

/** The name among `names` closest to `key` (Levenshtein, case-insensitive), if it is close enough to suggest. */
export function closestName(key: string, names: Iterable<string>): string | undefined {
  let best: string | undefined
  let bestDist = Infinity
  const k = key.toLowerCase()
  for (const name of names) {
    const d = distance(k, name.toLowerCase())
    if (d < bestDist) {
      best = name
      bestDist = d
    }
  }
  return best !== undefined && bestDist <= Math.max(2, Math.floor(Math.max(key.length, best.length) / 3))
    ? best
    : undefined
}

function distance(a: string, b: string): number {
  if (a === b) return 0
  if (a.length > 64 || b.length > 64) return Math.abs(a.length - b.length) + 64
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return prev[b.length]!
}

/** `$.lines[2].sku`-style path of a value. */
export function childPath(path: string, key: string | number): string {
  return typeof key === 'number'
    ? `${path}[${key}]`
    : /^[A-Za-z_$][\w$]*$/.test(key)
      ? `${path}.${key}`
      : `${path}[${JSON.stringify(key)}]`
}

/**
 * A key of `value` at `path` that names no field of `schemaName` (the record or message full
 * name, with its fields `names`).
 */
export function unknownKey(
  what: string,
  path: string,
  key: string,
  schemaName: string,
  names: Iterable<string>,
  hint = '',
): SerdeError {
  const near = closestName(key, names)
  const mean = near === undefined ? '' : `; did you mean '${near}'?`
  return new SerdeError(
    'INVALID_VALUE',
    `${what}: key '${key}' at ${path} is not a field of ${schemaName}${mean}${hint}` +
      " (unknownFields: 'ignore' drops such keys instead)",
  )
}

/** A value of the wrong type at `path`: what the schema element `at` expects and what came. */
export function wrongType(what: string, path: string, expected: string, actual: unknown, at?: string): SerdeError {
  const where = at === undefined ? '' : ` (${at})`
  return new SerdeError('INVALID_VALUE', `${what}: ${path}${where}: expected ${expected}, got ${preview(actual)}`)
}

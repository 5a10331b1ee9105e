import { invalidVersion, unprocessable } from './errors.js'

/** The largest schema id and version: the wire format carries ids as signed 32-bit integers. */
export const MAX_ID = 2 ** 31 - 1
export const MAX_VERSION = 2 ** 31 - 1

/**
 * Deepest nesting accepted in a request body (objects and arrays). Metadata and rule sets are a few
 * levels deep; beyond this, hashing and comparing them would recurse past the stack.
 */
export const MAX_BODY_DEPTH = 32

/** True when `value` nests objects/arrays more than `max` levels deep; never recurses itself. */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!
    if (typeof v !== 'object' || v === null) continue
    if (depth + 1 > max) return true
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1])
    }
  }
  return false
}

/** Refuses (422) a body nested deeper than MAX_BODY_DEPTH. */
export function assertBodyDepth(value: unknown, what: string): void {
  if (nestedDeeperThan(value, MAX_BODY_DEPTH)) {
    throw unprocessable(
      `The ${what} is nested too deeply: at most ${MAX_BODY_DEPTH} levels of objects and arrays are accepted`,
    )
  }
}

/**
 * A requested schema id: absent, or -1 (Confluent's "no id"), is none; anything else must be a JSON
 * integer in [1, MAX_ID] (422 otherwise: strings, fractions and out-of-range numbers alike).
 */
export function requestedId(raw: unknown): number | undefined {
  if (raw === undefined || raw === null || raw === -1) return undefined
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > MAX_ID) {
    throw invalidId(JSON.stringify(raw))
  }
  return raw
}

/**
 * A requested version: absent is none; 0 and -1 keep their meaning (next, latest); anything else
 * must be a JSON integer in [1, MAX_VERSION] (42202 otherwise).
 */
export function requestedVersion(raw: unknown): number | undefined {
  if (raw === undefined || raw === null) return undefined
  if (raw === 0 || raw === -1) return raw
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > MAX_VERSION) {
    throw invalidVersion(typeof raw === 'string' ? raw : JSON.stringify(raw))
  }
  return raw
}

/** `"id"` or `"version"` followed by a number written with a fraction or an exponent. */
const NON_INTEGER_LITERAL = /"(id|version)"\s*:\s*(-?\d+(?:\.\d+(?:[eE][+-]?\d+)?|[eE][+-]?\d+))/

/**
 * Refuses a body whose text writes an `id` or `version` as `1.0` or `1e0`: once parsed it is
 * indistinguishable from `1`, so the text is checked. Inside JSON strings (a schema's own text)
 * quotes are escaped, so only real keys match.
 */
export function assertIntegerLiterals(text: string): void {
  const m = NON_INTEGER_LITERAL.exec(text)
  if (!m) return
  if (m[1] === 'version') throw invalidVersion(m[2]!)
  throw invalidId(m[2]!)
}

const invalidId = (written: string) =>
  unprocessable(`Invalid schema id ${written}: an id is an integer between 1 and ${MAX_ID}`)

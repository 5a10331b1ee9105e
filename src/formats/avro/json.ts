/**
 * A small JSON reader and writer that keeps what `JSON.parse` loses and Avro Java keeps:
 * number lexemes (`1.0` stays a double, longs beyond 2^53 stay exact) and key order of objects
 * whose keys look like integers. The writer prints values the way Jackson does.
 */

/** A JSON number, kept as its source lexeme. */
export class JsonNumber {
  constructor(readonly lexeme: string) {}
  /** True for lexemes Jackson reads as an integer node (no fraction, no exponent). */
  get integral(): boolean {
    return !/[.eE]/.test(this.lexeme)
  }
  get value(): number {
    return Number(this.lexeme)
  }
}

export type JsonObject = Map<string, JsonValue>
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject

export class JsonSyntaxError extends Error {
  override readonly name = 'JsonSyntaxError'
}

export const isObject = (v: JsonValue | undefined): v is JsonObject => v instanceof Map
export const isNumber = (v: JsonValue | undefined): v is JsonNumber => v instanceof JsonNumber

const WORDS = [
  ['true', true],
  ['false', false],
  ['null', null],
] as const
const UNESCAPES = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
])
/** A JSON number at `lastIndex` (sticky: it matches there or not at all). */
const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y

/** Parses one JSON document; duplicate keys keep their first position and last value, as Jackson. */
export function parseJson(text: string): JsonValue {
  let i = 0
  const fail = (what: string): never => {
    const line = text.slice(0, i).split('\n').length
    throw new JsonSyntaxError(`${what} at line ${line}, offset ${i}`)
  }
  const ws = () => {
    let c = text.charCodeAt(i)
    while (c === 32 || c === 9 || c === 10 || c === 13) c = text.charCodeAt(++i)
  }
  const value = (): JsonValue => {
    ws()
    const c = text[i]
    if (c === undefined) return fail('Unexpected end of input')
    if (c === '{') return object()
    if (c === '[') return array()
    if (c === '"') return string()
    if (c === '-' || (c >= '0' && c <= '9')) return number()
    for (const [word, v] of WORDS) {
      if (text.startsWith(word, i)) {
        i += word.length
        return v
      }
    }
    return fail(`Unexpected character '${c}'`)
  }
  const object = (): JsonObject => {
    const out: JsonObject = new Map()
    i++
    ws()
    if (text[i] === '}') {
      i++
      return out
    }
    for (;;) {
      ws()
      if (text[i] !== '"') fail('Expected a field name')
      const key = string()
      ws()
      if (text[i] !== ':') fail("Expected ':'")
      i++
      out.set(key, value())
      ws()
      if (text[i] === ',') {
        i++
        continue
      }
      if (text[i] === '}') {
        i++
        return out
      }
      fail("Expected ',' or '}'")
    }
  }
  const array = (): JsonValue[] => {
    const out: JsonValue[] = []
    i++
    ws()
    if (text[i] === ']') {
      i++
      return out
    }
    for (;;) {
      out.push(value())
      ws()
      if (text[i] === ',') {
        i++
        continue
      }
      if (text[i] === ']') {
        i++
        return out
      }
      fail("Expected ',' or ']'")
    }
  }
  const string = (): string => {
    const start = ++i
    let out = ''
    let from = start
    for (;;) {
      const c = text.charCodeAt(i)
      if (Number.isNaN(c)) return fail('Unterminated string')
      if (c === 34) break // "
      if (c < 32) fail('Control character in string')
      if (c === 92) {
        out += text.slice(from, i)
        const e = text[i + 1]
        const simple = e === undefined ? undefined : UNESCAPES.get(e)
        if (simple !== undefined) {
          out += simple
          i += 2
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16))
          i += 6
        } else {
          fail('Invalid escape')
        }
        from = i
        continue
      }
      i++
    }
    out += text.slice(from, i)
    i++
    return out
  }
  const number = (): JsonNumber => {
    NUMBER.lastIndex = i
    const m = NUMBER.exec(text)
    if (!m) return fail('Invalid number')
    i += m[0].length
    return new JsonNumber(m[0])
  }
  const result = value()
  ws()
  if (i < text.length) fail('Unexpected content after the end of the document')
  return result
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
}

/** A JSON string literal as Jackson writes it: short escapes, `\u00XX` for other control characters. */
export function quote(s: string): string {
  // eslint-disable-next-line no-control-regex
  return `"${s.replace(/["\\\u0000-\u001f]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)}"`
}

/** Java's `Double.toString`, which Jackson uses for floating-point nodes. */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  const abs = Math.abs(x)
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x)
    return s.includes('.') ? s : `${s}.0`
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string]
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`
}

/** The number as Jackson re-prints it: integers verbatim (`-0` is `0`), others as Java doubles. */
export function formatNumber(n: JsonNumber): string {
  if (n.integral) return BigInt(n.lexeme).toString()
  return javaDouble(n.value)
}

/** Compact JSON. `sortKeys` orders object keys by UTF-16 code units, as Java's `TreeMap`. */
export function stringifyJson(v: JsonValue, sortKeys = false): string {
  if (v === null) return 'null'
  if (typeof v === 'boolean') return String(v)
  if (typeof v === 'string') return quote(v)
  if (v instanceof JsonNumber) return formatNumber(v)
  if (Array.isArray(v)) return `[${v.map((x) => stringifyJson(x, sortKeys)).join(',')}]`
  const keys = [...v.keys()]
  if (sortKeys) keys.sort(compareJava)
  return `{${keys.map((k) => `${quote(k)}:${stringifyJson(v.get(k)!, sortKeys)}`).join(',')}}`
}

/** Java `String.compareTo`: UTF-16 code unit order. */
export function compareJava(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Value equality as Jackson's `JsonNode.equals`: key order ignored, numbers by node kind and value. */
export function jsonEquals(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true
  if (a === undefined || b === undefined || a === null || b === null) return false
  if (a instanceof JsonNumber || b instanceof JsonNumber) {
    return a instanceof JsonNumber && b instanceof JsonNumber && formatNumber(a) === formatNumber(b)
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEquals(x, b[i]))
  }
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false
    for (const [k, x] of a) if (!b.has(k) || !jsonEquals(x, b.get(k))) return false
    return true
  }
  return false
}

/** Converts to plain JS values (for avsc); numbers become JS numbers. */
export function toPlain(v: JsonValue): unknown {
  if (v instanceof JsonNumber) return v.value
  if (Array.isArray(v)) return v.map(toPlain)
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toPlain(x)]))
  return v
}

/**
 * Best-effort pointers from a violation's path into schema text, for humans and annotations.
 * Nothing here judges compatibility: when a path cannot be followed the answer is undefined.
 */

const MAX_FRAGMENT = 400

function segments(path: string): string[] {
  return path
    .replace(/^#/, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function follow(root: unknown, path: string): { value: unknown; parent: unknown } | undefined {
  let value = root
  let parent: unknown = undefined
  for (const seg of segments(path)) {
    if (Array.isArray(value) && /^\d+$/.test(seg)) {
      parent = value
      value = value[Number(seg)]
    } else if (typeof value === 'object' && value !== null && Object.hasOwn(value, seg)) {
      parent = value
      value = (value as Record<string, unknown>)[seg]
    } else return undefined
    if (value === undefined) return undefined
  }
  return { value, parent }
}

const nameOf = (v: unknown) =>
  typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string' ? (v as { name: string }).name : undefined

function show(v: unknown): string {
  const s = JSON.stringify(v)
  return s.length > MAX_FRAGMENT ? `${s.slice(0, MAX_FRAGMENT)}…` : s
}

/**
 * The fragments at `path` in the old and new JSON-shaped schemas (Avro, JSON Schema). When the
 * path names an array element with a `name` (an Avro field), the old fragment is the element of
 * the same name, since indexes shift when fields are added or removed.
 */
export function fragments(oldText: string | undefined, newText: string, path: string): { old?: string; new?: string } {
  if (segments(path).length === 0) return {}
  const newHit = follow(parseJson(newText), path)
  const oldHit = oldText === undefined ? undefined : follow(parseJson(oldText), path)
  let oldValue = oldHit?.value
  const wanted = nameOf(newHit?.value)
  if (wanted !== undefined && nameOf(oldValue) !== wanted) {
    oldValue = Array.isArray(oldHit?.parent) ? (oldHit.parent as unknown[]).find((x) => nameOf(x) === wanted) : undefined
  }
  return {
    ...(oldValue !== undefined ? { old: show(oldValue) } : {}),
    ...(newHit ? { new: show(newHit.value) } : {}),
  }
}

function lineIndex(text: string, pattern: RegExp, from = 0): number | undefined {
  const lines = text.split('\n')
  for (let i = from; i < lines.length; i++) if (pattern.test(lines[i]!)) return i
  return undefined
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The 1-based line of `path` in `text`: the line naming the element (an Avro field's
 * `"name": "x"`, a JSON property key, a Protobuf message then its field number), else undefined.
 */
export function lineOf(text: string, path: string): number | undefined {
  const segs = segments(path)
  if (segs.length === 0) return undefined
  const hit = follow(parseJson(text), path)
  const name = nameOf(hit?.value)
  if (name !== undefined) {
    const i = lineIndex(text, new RegExp(`"name"\\s*:\\s*"${escape(name)}"`))
    if (i !== undefined) return i + 1
  }
  const named = [...segs].reverse().find((s) => !/^\d+$/.test(s))
  if (named === undefined) return undefined
  const last = segs.at(-1)!
  const looksJson = text.trimStart().startsWith('{') || text.trimStart().startsWith('"')
  if (looksJson) {
    const i = lineIndex(text, new RegExp(`"${escape(named)}"\\s*:`)) ?? lineIndex(text, new RegExp(`"${escape(named)}"`))
    return i === undefined ? undefined : i + 1
  }
  // Protobuf paths read `#/Message.Nested/2`: the message, then a field number within it.
  const simple = named.split('.').at(-1)!
  const decl = lineIndex(text, new RegExp(`\\b(message|enum|service)\\s+${escape(simple)}\\b`))
  if (decl !== undefined && /^\d+$/.test(last)) {
    const field = lineIndex(text, new RegExp(`=\\s*${last}\\s*[;\\[]`), decl)
    if (field !== undefined) return field + 1
  }
  if (decl !== undefined) return decl + 1
  const any = lineIndex(text, new RegExp(`\\b${escape(simple)}\\b`))
  return any === undefined ? undefined : any + 1
}

/**
 * The path patterns of `metadata.tags`: `*` matches within one dotted segment, `**` across
 * segments, `?` one character of a segment, `\` escapes the next character. Matching is linear:
 * patterns are compiled to a small matcher, never to a regular expression from user text.
 */

type Token = { readonly kind: 'star' | 'globstar' | 'one' } | { readonly kind: 'char'; readonly c: string }

const compiled = new Map<string, readonly Token[]>()
const MAX_CACHED = 1000

function tokenize(pattern: string): readonly Token[] {
  let hit = compiled.get(pattern)
  if (hit !== undefined) return hit
  const src = pattern.replaceAll('**.*', '**')
  const out: Token[] = []
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!
    if (c === '*') {
      if (src[i + 1] === '*') {
        out.push({ kind: 'globstar' })
        i++
      } else {
        out.push({ kind: 'star' })
      }
    } else if (c === '?') {
      out.push({ kind: 'one' })
    } else if (c === '\\') {
      out.push({ kind: 'char', c: src[i + 1] ?? '\\' })
      i++
    } else {
      out.push({ kind: 'char', c })
    }
  }
  if (compiled.size >= MAX_CACHED) compiled.clear()
  compiled.set(pattern, out)
  hit = out
  return hit
}

/** True when the whole of `path` matches `pattern`. */
export function matchesPath(path: string, pattern: string): boolean {
  const tokens = tokenize(pattern)
  // The set of token positions reachable after each character: a linear-time NFA walk.
  let states = closure(new Set([0]), tokens)
  for (const ch of path) {
    const next = new Set<number>()
    for (const s of states) {
      const t = tokens[s]
      if (t === undefined) continue
      switch (t.kind) {
        case 'globstar':
          next.add(s)
          break
        case 'star':
          if (ch !== '.') next.add(s)
          break
        case 'one':
          if (ch !== '.') next.add(s + 1)
          break
        case 'char':
          if (ch === t.c) next.add(s + 1)
          break
      }
    }
    if (next.size === 0) return false
    states = closure(next, tokens)
  }
  return states.has(tokens.length)
}

/** Stars match the empty string too: add the positions after them. */
function closure(states: Set<number>, tokens: readonly Token[]): Set<number> {
  for (const s of states) {
    const t = tokens[s]
    if (t !== undefined && (t.kind === 'star' || t.kind === 'globstar')) states.add(s + 1)
  }
  return states
}

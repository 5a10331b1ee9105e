/**
 * JSON text as a tree that remembers key order and number lexemes, so the canonical form keeps
 * `1.0` as written (Jackson keeps it too; `JSON.stringify` would print `1`).
 */
export type JsonTree =
  | { readonly t: 'object'; readonly entries: readonly (readonly [string, JsonTree])[] }
  | { readonly t: 'array'; readonly items: readonly JsonTree[] }
  | { readonly t: 'number'; readonly lexeme: string }
  | { readonly t: 'string'; readonly value: string }
  | { readonly t: 'literal'; readonly value: true | false | null }

/** Where a parse failed, as 1-based line and column. */
export interface JsonSyntaxError {
  readonly message: string
  readonly line: number
  readonly column: number
}

/** Parses `text`, returning the plain value and its tree, or the syntax error with its position. */
export function parseJsonText(text: string): { value: unknown; tree: JsonTree } | { error: JsonSyntaxError } {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e)
    const at = /position (\d+)/.exec(message)
    const offset = at ? Number(at[1]) : text.length
    const before = text.slice(0, offset).split('\n')
    return { error: { message, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 } }
  }
  return { value, tree: new TreeReader(text).read() }
}

/** Reads text that JSON.parse already accepted, so it never has to report errors itself. */
class TreeReader {
  #pos = 0
  constructor(readonly text: string) {}

  read(): JsonTree {
    this.#ws()
    const c = this.text[this.#pos]
    if (c === '{') return this.#object()
    if (c === '[') return this.#array()
    if (c === '"') return { t: 'string', value: this.#string() }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.#pos)) {
        this.#pos += word.length
        return { t: 'literal', value }
      }
    }
    const m = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y
    m.lastIndex = this.#pos
    const lexeme = m.exec(this.text)?.[0] ?? '0'
    this.#pos += lexeme.length
    return { t: 'number', lexeme }
  }

  #object(): JsonTree {
    this.#pos++
    const entries: [string, JsonTree][] = []
    this.#ws()
    if (this.text[this.#pos] === '}') {
      this.#pos++
      return { t: 'object', entries }
    }
    for (;;) {
      this.#ws()
      const key = this.#string()
      this.#ws()
      this.#pos++ // ':'
      const value = this.read()
      // JSON.parse keeps the last duplicate; so do we, at the first one's place.
      const dup = entries.findIndex(([k]) => k === key)
      if (dup >= 0) entries[dup] = [key, value]
      else entries.push([key, value])
      this.#ws()
      if (this.text[this.#pos++] === '}') return { t: 'object', entries }
    }
  }

  #array(): JsonTree {
    this.#pos++
    const items: JsonTree[] = []
    this.#ws()
    if (this.text[this.#pos] === ']') {
      this.#pos++
      return { t: 'array', items }
    }
    for (;;) {
      items.push(this.read())
      this.#ws()
      if (this.text[this.#pos++] === ']') return { t: 'array', items }
    }
  }

  #string(): string {
    const start = this.#pos
    this.#pos++
    while (this.text[this.#pos] !== '"') this.#pos += this.text[this.#pos] === '\\' ? 2 : 1
    this.#pos++
    return JSON.parse(this.text.slice(start, this.#pos)) as string
  }

  #ws() {
    while (/\s/.test(this.text[this.#pos] ?? '')) this.#pos++
  }
}

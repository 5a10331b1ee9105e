import { SchemaParseError } from '../format.js'
import type { Token } from './lexer.js'

/** Walks the tokens of a `.proto` file; every failure is a SchemaParseError with line and column. */
export class TokenCursor {
  #pos = 0
  constructor(readonly tokens: readonly Token[]) {}

  /** The token `ahead` places after the current one, without consuming anything. */
  peekAt(ahead: number): Token | undefined {
    return this.tokens[this.#pos + ahead]
  }

  typeName(): string {
    const t = this.next()
    if (t.kind !== 'ident') this.fail(t, `expected a type name, found '${t.text}'`)
    return t.text
  }

  simpleName(): string {
    const t = this.next()
    if (t.kind !== 'ident' || t.text.includes('.')) this.fail(t, `expected a name, found '${t.text}'`)
    return t.text
  }

  ident(): string {
    const t = this.next()
    if (t.kind !== 'ident' || t.text.startsWith('.')) this.fail(t, `expected an identifier, found '${t.text}'`)
    return t.text
  }

  string(): string {
    const t = this.next()
    if (t.kind !== 'string') this.fail(t, `expected a string, found '${t.text}'`)
    let value = t.text
    while (this.peek()?.kind === 'string') value += this.next().text
    return value
  }

  integer(): number {
    const neg = this.accept('-')
    const t = this.next()
    if (t.kind !== 'number' || !/^(0[xX][0-9a-fA-F]+|\d+)$/.test(t.text))
      this.fail(t, `expected an integer, found '${t.text}'`)
    const n = /^0[xX]/.test(t.text) ? parseInt(t.text, 16) : /^0\d/.test(t.text) ? parseInt(t.text, 8) : Number(t.text)
    if (!Number.isSafeInteger(n) || n > 0xffffffff) this.fail(t, `integer ${t.text} is out of range`)
    return neg ? -n : n
  }

  expect(text: string): void {
    const t = this.next()
    if (t.kind === 'string' || t.text !== text) this.fail(t, `expected '${text}', found '${t.text}'`)
  }

  accept(text: string): boolean {
    const t = this.tokens[this.#pos]
    if (t && t.kind === 'punct' && t.text === text) {
      this.#pos++
      return true
    }
    return false
  }

  peek(): Token | undefined {
    return this.tokens[this.#pos]
  }

  peekOrFail(where: string): Token {
    const t = this.tokens[this.#pos]
    if (!t) throw new SchemaParseError(`unexpected end of input in ${where}`)
    return t
  }

  next(): Token {
    const t = this.tokens[this.#pos]
    if (!t) throw new SchemaParseError('unexpected end of input')
    this.#pos++
    return t
  }

  atEnd(): boolean {
    return this.#pos >= this.tokens.length
  }

  fail(t: Token, message: string): never {
    throw new SchemaParseError(`line ${t.line}:${t.column}: ${message}`)
  }
}

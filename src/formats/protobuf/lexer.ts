import { SchemaParseError } from '../format.js'

export interface Token {
  readonly kind: 'ident' | 'string' | 'number' | 'punct'
  /** The source text; for strings the decoded value. */
  readonly text: string
  readonly line: number
  readonly column: number
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
}

/** Splits `.proto` text into tokens, dropping whitespace and comments. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  const fail = (message: string): never => {
    throw new SchemaParseError(`line ${line}:${i - lineStart + 1}: ${message}`)
  }
  while (i < text.length) {
    const c = text[i]!
    if (c === '\n') {
      line++
      i++
      lineStart = i
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\uFEFF') {
      i++
      continue
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      continue
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      if (end < 0) fail('unterminated comment')
      for (let j = i; j < end; j++) {
        if (text[j] === '\n') {
          line++
          lineStart = j + 1
        }
      }
      i = end + 2
      continue
    }
    const column = i - lineStart + 1
    if (c === '"' || c === "'") {
      let value = ''
      i++
      while (true) {
        if (i >= text.length || text[i] === '\n') fail('unterminated string')
        const ch = text[i]!
        if (ch === c) {
          i++
          break
        }
        if (ch !== '\\') {
          value += ch
          i++
          continue
        }
        const e = text[i + 1] ?? ''
        if (e in SIMPLE_ESCAPES) {
          value += SIMPLE_ESCAPES[e]
          i += 2
        } else if (e === 'x' || e === 'X') {
          const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 2, i + 4))
          if (!m) fail('bad \\x escape')
          value += String.fromCharCode(parseInt(m![0], 16))
          i += 2 + m![0].length
        } else if (e >= '0' && e <= '7') {
          const m = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4))!
          value += String.fromCharCode(parseInt(m[0], 8))
          i += 1 + m[0].length
        } else if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8
          const hex = text.slice(i + 2, i + 2 + len)
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) fail('bad unicode escape')
          value += String.fromCodePoint(parseInt(hex, 16))
          i += 2 + len
        } else {
          fail(`bad escape \\${e}`)
        }
      }
      tokens.push({ kind: 'string', text: value, line, column })
      continue
    }
    const rest = text.slice(i, i + 400)
    const num = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(rest)
    if (num && (c !== '.' || /\d/.test(text[i + 1] ?? ''))) {
      tokens.push({ kind: 'number', text: num[0], line, column })
      i += num[0].length
      continue
    }
    const ident = /^\.?[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest)
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], line, column })
      i += ident[0].length
      continue
    }
    if ('{}[]()<>;,=:-+./'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, line, column })
      i++
      continue
    }
    fail(`unexpected character '${c}'`)
  }
  return tokens
}

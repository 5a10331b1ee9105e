import type { Followed } from '../locate.js'
import { tokenize, type Token } from './lexer.js'

/** A declaration found in the tokens: a message, enum, oneof or service, or a field or constant. */
interface Declared {
  readonly name: string
  readonly token: Token
  /** The declaration's source, e.g. `string id = 1` or `message Order`. */
  readonly text: string
  /** Members by the path segment Confluent's diff uses: a type or oneof name, a field or constant number. */
  readonly children: Map<string, Declared>
  readonly kind: 'file' | 'message' | 'enum' | 'oneof' | 'service' | 'member' | 'other'
}

const SCOPES = new Set(['message', 'enum', 'oneof', 'service'])

function declared(kind: Declared['kind'], name: string, token: Token, text: string): Declared {
  return { kind, name, token, text, children: new Map() }
}

const join = (tokens: readonly Token[]) =>
  tokens
    .map((t) => (t.kind === 'string' ? JSON.stringify(t.text) : t.text))
    .join(' ')
    .replace(/ ?< ?/g, '<')
    .replace(/ ?, ?/g, ', ')
    .replace(/ >/g, '>')

/**
 * The declarations of a `.proto` file by the path segments of Confluent's diff (`#/Msg/Nested/3`,
 * `#/Msg/oneofName/3`, `#/Enum/1`), with the position of each from the lexer's tokens. Fields of
 * a oneof are also members of the enclosing message, as the diff names them both ways.
 */
function declarations(tokens: readonly Token[]): Declared {
  const file = declared('file', '', tokens[0] ?? { kind: 'punct', text: '', line: 1, column: 1 }, '')
  const stack: Declared[] = [file]
  let pending: Declared | undefined
  let brackets = 0
  let statementStart = 0
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!
    const scope = stack.at(-1)!
    if (t.kind === 'punct') {
      if (t.text === '[') brackets++
      else if (t.text === ']') brackets--
      else if (t.text === '{') {
        stack.push(pending ?? declared('other', '', t, ''))
        pending = undefined
        statementStart = i + 1
      } else if (t.text === '}') {
        if (stack.length > 1) stack.pop()
        statementStart = i + 1
      } else if (t.text === ';') statementStart = i + 1
      continue
    }
    if (brackets > 0) continue
    const next = tokens[i + 1]
    if (
      t.kind === 'ident' &&
      i === statementStart &&
      SCOPES.has(t.text) &&
      next?.kind === 'ident' &&
      tokens[i + 2]?.text === '{'
    ) {
      pending = declared(t.text as Declared['kind'], next.text, t, `${t.text} ${next.text}`)
      if (scope.kind !== 'other') scope.children.set(next.text, pending)
      i++
      continue
    }
    // NAME = NUMBER (a field, after its type) or NAME = [-]NUMBER (an enum constant, alone).
    if (t.kind !== 'ident' || next?.text !== '=') continue
    const numberAt = tokens[i + 2]?.text === '-' ? i + 3 : i + 2
    const number = tokens[numberAt]
    if (number?.kind !== 'number') continue
    const isConstant = scope.kind === 'enum' && i === statementStart
    const isField =
      (scope.kind === 'message' || scope.kind === 'oneof') && i > statementStart && tokens[i - 1]!.text !== 'option'
    if (!isConstant && !isField) continue
    const start = tokens[statementStart]!
    const text = join(tokens.slice(statementStart, numberAt + 1))
    const tag = tokens[numberAt - 1]!.text === '-' ? `-${number.text}` : number.text
    const d = declared('member', t.text, start, text)
    scope.children.set(tag, d)
    if (scope.kind === 'oneof') stack.at(-2)?.children.set(tag, d)
  }
  return file
}

/** Follows a Protobuf difference path (`#/Order/2`) to the declaration it names. */
export function locateProto(text: string, path: string): Followed | undefined {
  let tokens: Token[]
  try {
    tokens = tokenize(text)
  } catch {
    return undefined
  }
  let at = declarations(tokens)
  const chain: string[] = []
  let exact = true
  const segs = path
    .replace(/^#/, '')
    .split('/')
    .filter((s) => s !== '')
  for (const seg of segs) {
    const next = at.children.get(seg)
    if (!next) {
      exact = false
      break
    }
    at = next
    chain.push(next.name)
  }
  return {
    line: at.token.line,
    column: at.token.column,
    exact,
    ...(chain.length > 0 ? { element: chain.join('.') } : {}),
    ...(exact && at.text !== '' ? { text: at.text } : {}),
    names: [],
  }
}

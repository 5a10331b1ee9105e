import type { OptionElement, OptionValue } from './model.js'
import type { TokenCursor } from './token-cursor.js'

// Option statements and their values, including text-format aggregates with lists, which
// protobufjs cannot parse.

/** `name = value` where name is `ident`, `(ext.name)` or `(ext.name).sub.path`. */
export function parseOption(c: TokenCursor): OptionElement {
  const t = c.peekOrFail('option')
  let name: string
  let parenthesized = false
  let subPath: string[] = []
  if (c.accept('(')) {
    name = c.typeName()
    parenthesized = true
    c.expect(')')
    const sub = c.peek()
    if (sub?.kind === 'ident' && sub.text.startsWith('.')) {
      c.next()
      subPath = sub.text.slice(1).split('.')
    }
  } else {
    name = c.ident()
  }
  if (!name) c.fail(t, 'expected an option name')
  c.expect('=')
  const value = c.peek()?.text === '{' ? parseAggregate(c) : parseScalar(c)
  let nested: OptionValue = value
  for (let i = subPath.length - 1; i >= 1; i--)
    nested = { kind: 'OPTION', value: { name: subPath[i]!, parenthesized: false, value: nested } }
  if (subPath.length > 0)
    return {
      name,
      parenthesized,
      value: { kind: 'OPTION', value: { name: subPath[0]!, parenthesized: false, value: nested } },
    }
  return { name, parenthesized, value }
}

export function parseScalar(c: TokenCursor): OptionValue {
  const t = c.next()
  if (t.kind === 'string') {
    let value = t.text
    while (c.peek()?.kind === 'string') value += c.next().text
    return { kind: 'STRING', value }
  }
  if (t.text === '-' || t.text === '+') {
    const n = c.next()
    if (n.kind !== 'number' && n.text !== 'inf' && n.text !== 'nan') c.fail(n, 'expected a number')
    return { kind: 'NUMBER', value: (t.text === '-' ? '-' : '') + n.text }
  }
  if (t.kind === 'number') return { kind: 'NUMBER', value: t.text }
  if (t.kind === 'ident') {
    if (t.text === 'true' || t.text === 'false') return { kind: 'BOOLEAN', value: t.text }
    if (t.text === 'inf' || t.text === 'nan') return { kind: 'NUMBER', value: t.text }
    return { kind: 'ENUM', value: t.text }
  }
  return c.fail(t, `unexpected '${t.text}' in option value`)
}

/** A text-format message literal `{ a: 1, b { … }, c: [ … ], [ext.x]: 2 }`. */
export function parseAggregate(c: TokenCursor): OptionValue {
  const open = c.next()
  const close = open.text === '<' ? '>' : '}'
  const map = new Map<string, OptionValue>()
  while (!c.accept(close)) {
    let key: string
    if (c.accept('[')) {
      key = `[${c.typeName()}]`
      c.expect(']')
    } else {
      key = c.ident()
    }
    const hasColon = c.accept(':')
    const next = c.peekOrFail('option value')
    let value: OptionValue
    if (next.text === '{' || next.text === '<') value = parseAggregate(c)
    else if (next.text === '[') value = parseList(c)
    else if (hasColon) value = parseScalar(c)
    else return c.fail(next, `expected ':' after '${key}'`)
    const prior = map.get(key)
    if (prior === undefined) map.set(key, value)
    else {
      const items = (v: OptionValue) => (v.kind === 'LIST' ? v.value : [v])
      map.set(key, { kind: 'LIST', value: [...items(prior), ...items(value)] })
    }
    if (!c.accept(',')) c.accept(';')
  }
  return { kind: 'MAP', value: map }
}

export function parseList(c: TokenCursor): OptionValue {
  c.expect('[')
  const items: OptionValue[] = []
  while (!c.accept(']')) {
    const t = c.peekOrFail('list')
    items.push(t.text === '{' || t.text === '<' ? parseAggregate(c) : parseScalar(c))
    c.accept(',')
  }
  return { kind: 'LIST', value: items }
}

/**
 * Where a compatibility violation's path lands in schema text: line and column of the field,
 * element or keyword, plus its name and source text. Avro and JSON Schema are read with momoa, a
 * JSON parser that keeps the source range of every node; Protobuf with the .proto lexer's tokens
 * (`protobuf/locate.ts`). Nothing here judges compatibility: a path that cannot be followed to
 * the end answers the deepest place it reached, marked not exact.
 */
import {
  evaluate,
  parse as parseJsonAst,
  type DocumentNode,
  type MemberNode,
  type ValueNode,
} from '@humanwhocodes/momoa'
import type { SchemaType } from './format.js'
import { locateProto } from './protobuf/locate.js'

export interface SchemaLocation {
  /** 1-based line. */
  readonly line: number
  /** 1-based column. */
  readonly column: number
  /** True when the whole path was followed; false when this is the deepest enclosing place. */
  readonly exact: boolean
  /** The field, property or element the path is about, dotted from the outermost (`customer.zip`). */
  readonly element?: string
  /** The source text at the path (whitespace collapsed, shortened), for old/new comparisons. */
  readonly text?: string
}

export interface LocateOptions {
  /**
   * Element names to prefer over array indexes, step by step (from locating the same path in the
   * other version). Avro paths count fields by position, which shifts when fields are added or
   * removed, so a path found in the old schema is followed by name in the new one.
   */
  readonly names?: readonly (string | undefined)[]
}

export interface Followed extends SchemaLocation {
  /** The element name met at each step, for {@link LocateOptions.names}. */
  readonly names: readonly (string | undefined)[]
}

const MAX_TEXT = 200

function segments(path: string): string[] {
  return path
    .replace(/^#/, '')
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
}

const shorten = (s: string) => (s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s)

function member(node: ValueNode, key: string): MemberNode | undefined {
  return node.type === 'Object' ? node.members.find((m) => m.name.type === 'String' && m.name.value === key) : undefined
}

function stringMember(node: ValueNode, key: string): string | undefined {
  const v = member(node, key)?.value
  return v?.type === 'String' ? v.value : undefined
}

const NAMED = new Set(['record', 'error', 'enum', 'fixed'])

/** Avro named types by full and by simple name, so a path can pass through a type reference. */
function avroNamedTypes(root: ValueNode): Map<string, ValueNode> {
  const out = new Map<string, ValueNode>()
  const visit = (node: ValueNode, namespace: string) => {
    if (node.type === 'Array') {
      for (const e of node.elements) visit(e.value, namespace)
      return
    }
    if (node.type !== 'Object') return
    let ns = namespace
    const name = stringMember(node, 'name')
    const type = stringMember(node, 'type')
    if (name !== undefined && type !== undefined && NAMED.has(type)) {
      const own = stringMember(node, 'namespace')
      const full = name.includes('.') ? name : own ? `${own}.${name}` : ns ? `${ns}.${name}` : name
      ns = full.includes('.') ? full.slice(0, full.lastIndexOf('.')) : ''
      out.set(full, node)
      if (!out.has(name.split('.').at(-1)!)) out.set(name.split('.').at(-1)!, node)
    }
    for (const m of node.members) visit(m.value, ns)
  }
  visit(root, '')
  return out
}

function followJson(doc: DocumentNode, type: 'AVRO' | 'JSON', path: string, options: LocateOptions): Followed {
  const segs = segments(path)
  const named = type === 'AVRO' ? avroNamedTypes(doc.body) : undefined
  let node: ValueNode = doc.body
  let at = node.loc.start
  const chain: string[] = []
  const names: (string | undefined)[] = []
  let exact = true
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i]!
    // A string where the path goes deeper is a reference to a named Avro type: continue in it.
    if (node.type === 'String' && named?.has(node.value)) node = named.get(node.value)!
    if (node.type === 'Object') {
      const m = member(node, seg)
      if (!m) {
        exact = false
        break
      }
      at = m.name.loc.start
      if (type === 'JSON' && segs[i - 1] === 'properties') chain.push(seg)
      names.push(undefined)
      node = m.value
      continue
    }
    if (node.type === 'Array') {
      const hint = options.names?.[i]
      const byName = hint === undefined ? -1 : node.elements.findIndex((e) => stringMember(e.value, 'name') === hint)
      const index = byName >= 0 ? byName : /^\d+$/.test(seg) && hint === undefined ? Number(seg) : -1
      // JSON Schema `required/<name>` names an array element by value.
      const byValue =
        index < 0 ? node.elements.findIndex((e) => e.value.type === 'String' && e.value.value === seg) : -1
      const element = node.elements[index >= 0 ? index : byValue]
      if (!element) {
        exact = false
        break
      }
      node = element.value
      // An element with a name (an Avro field) is where its name is written.
      at = (member(node, 'name') ?? node).loc.start
      const name = stringMember(node, 'name')
      names.push(name)
      if (type === 'AVRO' && segs[i - 1] === 'fields' && name !== undefined) chain.push(name)
      if (byValue >= 0 && node.type === 'String') chain.push(node.value)
      continue
    }
    exact = false
    break
  }
  return {
    line: at.line,
    column: at.column,
    exact,
    ...(chain.length > 0 ? { element: chain.join('.') } : {}),
    ...(exact ? { text: shorten(JSON.stringify(evaluate(node))) } : {}),
    names,
  }
}

/**
 * Follows `path` (a violation's `additionalInfo`) into `text`. Undefined when the text does not
 * parse or the type is unknown.
 */
export function locate(
  type: SchemaType | string,
  text: string,
  path: string,
  options: LocateOptions = {},
): Followed | undefined {
  if (type === 'PROTOBUF') return locateProto(text, path)
  if (type !== 'AVRO' && type !== 'JSON') return undefined
  let doc: DocumentNode
  try {
    doc = parseJsonAst(text, { mode: 'json' })
  } catch {
    return undefined
  }
  return followJson(doc, type, path, options)
}

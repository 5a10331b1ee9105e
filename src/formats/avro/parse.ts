import { SchemaParseError, type ResolvedRefs } from '../format.js'
import { isValidDefault, namespaceProblem, nameProblem } from './defaults.js'
import {
  isNumber,
  isObject,
  JsonNumber,
  JsonSyntaxError,
  javaDouble,
  parseJson,
  stringifyJson,
  type JsonObject,
  type JsonValue,
} from './json.js'
import {
  isPrimitiveName,
  isNamed,
  type AvroNode,
  type EnumNode,
  type FieldNode,
  type FieldOrder,
  type FixedNode,
  type NamedNode,
  type RecordNode,
} from './model.js'

export type ParseMode = 'new' | 'stored'

/** Keys that are never custom props (Java `Schema.SCHEMA_RESERVED`, `ENUM_RESERVED`, `FIELD_RESERVED`). */
const SCHEMA_RESERVED = new Set([
  'doc',
  'fields',
  'items',
  'name',
  'namespace',
  'size',
  'symbols',
  'values',
  'type',
  'aliases',
])
const ENUM_RESERVED = new Set([...SCHEMA_RESERVED, 'default'])
const FIELD_RESERVED = new Set(['default', 'doc', 'name', 'order', 'type', 'aliases'])
const ORDERS: readonly FieldOrder[] = ['ascending', 'descending', 'ignore']

export const parseError = (detail: string) => new SchemaParseError(`Invalid schema of type AVRO, details: ${detail}`)

/** Splits a name into Java's `Schema.Name` parts: a dotted name carries its own namespace. */
export function qualify(name: string, space: string | null): { name: string; space: string | null; full: string } {
  const dot = name.lastIndexOf('.')
  const ns = dot >= 0 ? name.slice(0, dot) : space
  const simple = dot >= 0 ? name.slice(dot + 1) : name
  const s = ns === '' ? null : ns
  return { name: simple, space: s, full: s === null ? simple : `${s}.${simple}` }
}

/** The named types known while parsing, with the enclosing namespace (Java `Schema.Names`). */
export class Names {
  readonly types = new Map<string, NamedNode>()
  space: string | null = null

  /** A name reference: qualified with the enclosing namespace first, then as written. */
  lookup(ref: string): NamedNode | undefined {
    return this.types.get(qualify(ref, this.space).full) ?? this.types.get(ref)
  }
}

/**
 * Where in the schema's JSON a node is, as a chain of keys up to the root (null): cheap to build
 * for every node, turned into a JSON pointer only for an error.
 */
type Path = { readonly up: Path; readonly key: string | number } | null

/** `path` extended by one key, or two. */
const step = (path: Path, key: string | number, next?: string | number): Path => {
  const one = { up: path, key }
  return next === undefined ? one : { up: one, key: next }
}

function pointer(at: Path): string {
  const keys: (string | number)[] = []
  for (let p = at; p !== null; p = p.up) keys.push(p.key)
  return keys.length === 0 ? '/' : `/${keys.reverse().join('/')}`
}

/** The props of every node without custom props: one shared map, as nothing writes to a node's props. */
const NO_PROPS: ReadonlyMap<string, JsonValue> = new Map()

class Parser {
  constructor(
    readonly names: Names,
    readonly mode: ParseMode,
    readonly where: string,
  ) {}

  fail(detail: string, at: Path): never {
    throw parseError(`${detail} (at ${pointer(at)}${this.where})`)
  }

  strict(problem: string | undefined, at: Path) {
    if (problem !== undefined && this.mode === 'new') this.fail(problem, at)
  }

  node(v: JsonValue, at: Path): AvroNode {
    if (typeof v === 'string') return this.reference(v, at)
    if (Array.isArray(v)) return this.union(v, at)
    if (isObject(v)) return this.object(v, at)
    return this.fail(`Not a schema: ${stringifyJson(v)}`, at)
  }

  reference(ref: string, at: Path): AvroNode {
    if (isPrimitiveName(ref)) return { kind: ref, props: NO_PROPS }
    return this.names.lookup(ref) ?? this.fail(`Undefined name: "${ref}"`, at)
  }

  union(v: JsonValue[], at: Path): AvroNode {
    const branches = v.map((b, i) => this.node(b, step(at, i)))
    const seen = new Set<string>()
    branches.forEach((b, i) => {
      if (b.kind === 'union') this.fail('Nested union', step(at, i))
      const key = isNamed(b) ? b.fullName : b.kind
      if (seen.has(key)) this.fail(`Duplicate in union: ${key}`, step(at, i))
      seen.add(key)
    })
    return { kind: 'union', branches }
  }

  object(o: JsonObject, at: Path): AvroNode {
    const type = o.get('type')
    if (typeof type !== 'string') return this.fail(`No type: ${stringifyJson(o)}`, at)
    if (isPrimitiveName(type)) return { kind: type, props: props(o, SCHEMA_RESERVED) }
    switch (type) {
      case 'record':
      case 'error':
      case 'enum':
      case 'fixed':
        return this.named(o, type, at)
      case 'array':
        if (!o.has('items')) this.fail(`Array has no items type`, at)
        return { kind: 'array', items: this.node(o.get('items')!, step(at, 'items')), props: props(o, SCHEMA_RESERVED) }
      case 'map':
        if (!o.has('values')) this.fail(`Map has no values type`, at)
        return {
          kind: 'map',
          values: this.node(o.get('values')!, step(at, 'values')),
          props: props(o, SCHEMA_RESERVED),
        }
      default:
        return this.names.lookup(type) ?? this.fail(`Type not supported: ${type}`, at)
    }
  }

  named(o: JsonObject, type: 'record' | 'error' | 'enum' | 'fixed', at: Path): NamedNode {
    const rawName = o.get('name')
    if (typeof rawName !== 'string') return this.fail('No name in schema', at)
    const ns = o.get('namespace')
    const n = qualify(rawName, typeof ns === 'string' ? ns : this.names.space)
    this.strict(nameProblem(n.name), step(at, 'name'))
    this.strict(namespaceProblem(n.space), step(at, o.has('namespace') ? 'namespace' : 'name'))
    if (isPrimitiveName(n.full)) this.fail(`Schemas may not be named after primitives: ${n.full}`, step(at, 'name'))
    if (this.names.types.has(n.full)) this.fail(`Can't redefine: ${n.full}`, step(at, 'name'))
    const doc = o.get('doc')
    const base = {
      name: n.name,
      namespace: n.space,
      fullName: n.full,
      ...(typeof doc === 'string' ? { doc } : {}),
      aliases: this.aliases(o, at).map((a) => qualify(a, n.space).full),
    }
    const saved = this.names.space
    this.names.space = n.space
    try {
      if (type === 'enum') return this.enumNode(o, base, at)
      if (type === 'fixed') return this.fixedNode(o, base, at)
      const record: RecordNode = {
        kind: 'record',
        error: type === 'error',
        ...base,
        fields: [],
        props: props(o, SCHEMA_RESERVED),
      }
      // Registered before its fields so that a field can refer to the record itself.
      this.names.types.set(n.full, record)
      this.fields(o, record, at)
      return record
    } finally {
      this.names.space = saved
    }
  }

  enumNode(o: JsonObject, base: Omit<EnumNode, 'kind' | 'symbols' | 'props'>, at: Path): EnumNode {
    const symbols = o.get('symbols')
    if (!Array.isArray(symbols)) return this.fail('Enum has no symbols', at)
    const seen = new Set<string>()
    symbols.forEach((s, i) => {
      if (typeof s !== 'string') this.fail(`Enum symbol is not a string: ${stringifyJson(s)}`, step(at, 'symbols', i))
      this.strict(nameProblem(s), step(at, 'symbols', i))
      if (seen.has(s)) this.fail(`Duplicate enum symbol: ${s}`, step(at, 'symbols', i))
      seen.add(s)
    })
    const def = o.get('default')
    if (def !== undefined && typeof def !== 'string')
      this.fail(`Enum default is not a string: ${stringifyJson(def)}`, step(at, 'default'))
    if (typeof def === 'string' && !seen.has(def)) {
      this.strict(
        `The Enum Default: ${def} is not in the enum symbol set: [${[...seen].join(', ')}]`,
        step(at, 'default'),
      )
    }
    const node: EnumNode = {
      kind: 'enum',
      ...base,
      symbols: [...seen],
      ...(typeof def === 'string' ? { default: def } : {}),
      props: props(o, ENUM_RESERVED),
    }
    this.names.types.set(node.fullName, node)
    return node
  }

  fixedNode(o: JsonObject, base: Omit<FixedNode, 'kind' | 'size' | 'props'>, at: Path): FixedNode {
    const size = o.get('size')
    const n = isNumber(size) && size.integral ? Number(size.lexeme) : NaN
    if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 31 - 1) return this.fail('Invalid or no size', step(at, 'size'))
    const node: FixedNode = { kind: 'fixed', ...base, size: n, props: props(o, SCHEMA_RESERVED) }
    this.names.types.set(node.fullName, node)
    return node
  }

  fields(o: JsonObject, record: RecordNode, at: Path) {
    const list = o.get('fields')
    if (!Array.isArray(list)) this.fail('Record has no fields', at)
    const seen = new Set<string>()
    list.forEach((f, pos) => {
      const fat = step(at, 'fields', pos)
      const fo = isObject(f) ? f : new Map<string, JsonValue>()
      const name = fo.get('name')
      if (typeof name !== 'string') this.fail('No field name', fat)
      this.strict(nameProblem(name), step(fat, 'name'))
      if (seen.has(name)) this.fail(`Duplicate field ${name} in record ${record.fullName}`, fat)
      seen.add(name)
      const typeJson = fo.get('type')
      if (typeJson === undefined) this.fail(`No field type for '${name}'`, fat)
      const type = this.node(typeJson, step(fat, 'type'))
      const doc = fo.get('doc')
      const field: FieldNode = {
        name,
        pos,
        type,
        ...(typeof doc === 'string' ? { doc } : {}),
        ...this.fieldDefault(fo, name, type, fat),
        order: this.order(fo.get('order'), fat),
        aliases: this.aliases(fo, fat),
        props: props(fo, FIELD_RESERVED),
      }
      record.fields.push(field)
    })
  }

  fieldDefault(fo: JsonObject, name: string, type: AvroNode, at: Path): { default?: JsonValue } {
    if (!fo.has('default')) return {}
    let value = fo.get('default')!
    // Java reads a string default of a float or double field as a number ("NaN", "1.5").
    if ((type.kind === 'float' || type.kind === 'double') && typeof value === 'string') {
      const n = javaParseDouble(value)
      if (n === undefined)
        this.strict(`Invalid default for field ${name}: "${value}" is not a number`, step(at, 'default'))
      else if (Number.isFinite(n)) value = new JsonNumber(javaDouble(n))
    }
    if (!isValidDefault(type, value)) {
      this.strict(
        `Invalid default for field ${name}: ${stringifyJson(value)} not a ${describeType(type)}`,
        step(at, 'default'),
      )
    }
    return { default: value }
  }

  order(v: JsonValue | undefined, at: Path): FieldOrder {
    if (v === undefined) return 'ascending'
    const order = typeof v === 'string' ? ORDERS.find((o) => o === v.toLowerCase()) : undefined
    return order ?? this.fail(`Invalid field order: ${stringifyJson(v)}`, step(at, 'order'))
  }

  aliases(o: JsonObject, at: Path): string[] {
    const v = o.get('aliases')
    if (v === undefined) return []
    if (!Array.isArray(v)) return this.fail('aliases not an array', step(at, 'aliases'))
    const out = new Set<string>()
    v.forEach((a, i) => {
      if (typeof a !== 'string') this.fail(`alias not a string: ${stringifyJson(a)}`, step(at, 'aliases', i))
      out.add(a)
    })
    return [...out]
  }
}

function props(o: JsonObject, reserved: ReadonlySet<string>): ReadonlyMap<string, JsonValue> {
  let out: Map<string, JsonValue> | undefined
  o.forEach((v, k) => {
    if (!reserved.has(k)) (out ??= new Map()).set(k, v)
  })
  return out ?? NO_PROPS
}

function describeType(n: AvroNode): string {
  if (isNamed(n)) return `${n.kind} ${n.fullName}`
  if (n.kind === 'union')
    return `union (its default must match the first branch, ${n.branches[0] ? describeType(n.branches[0]) : 'none'})`
  return n.kind
}

/** Java `Double.valueOf` for the forms schemas use; undefined when Java would reject it. */
function javaParseDouble(s: string): number | undefined {
  const t = s.trim()
  if (/^[+-]?(NaN|Infinity)$/.test(t)) return Number(t.replace(/^\+/, ''))
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/.test(t)) return Number(t.replace(/[fFdD]$/, ''))
  return undefined
}

export interface ParsedTree {
  readonly root: AvroNode
  readonly refRoots: readonly AvroNode[]
  /** Named types defined by the references. */
  readonly refNames: ReadonlySet<string>
}

function readJson(text: string, where: string): JsonValue {
  if (text.trim() === '') throw parseError(`Empty schema${where}`)
  try {
    return parseJson(text)
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw parseError(`Malformed JSON${where}: ${e.message}`)
    throw e
  }
}

/**
 * Parses a schema after its references (dependencies first), all sharing one set of names, as
 * Confluent's `AvroSchema` does with one `Schema.Parser`. 'new' validates names and defaults;
 * 'stored' accepts them so that anything once stored loads again.
 */
export function parseTree(text: string, refs: ResolvedRefs, mode: ParseMode): ParsedTree {
  try {
    return parseAll(text, refs, mode)
  } catch (e) {
    if (e instanceof SchemaParseError) throw e
    // e.g. a stack overflow on absurdly deep nesting: still the caller's bad input.
    throw parseError(`Unreadable schema: ${(e as Error).message}`)
  }
}

function parseAll(text: string, refs: ResolvedRefs, mode: ParseMode): ParsedTree {
  const names = new Names()
  const refRoots = refs.map((ref) => {
    const where = ` in reference '${ref.name}' (subject '${ref.subject}', version ${ref.version})`
    return new Parser(names, mode, where).node(readJson(ref.schema, where), null)
  })
  const refNames = new Set(names.types.keys())
  const root = new Parser(names, mode, '').node(readJson(text, ''), null)
  return { root, refRoots, refNames }
}

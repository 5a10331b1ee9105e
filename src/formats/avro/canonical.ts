import { compareJava, isObject, JsonNumber, javaDouble, quote, stringifyJson, type JsonValue } from './json.js'
import { logicalTypeOf } from './logical.js'
import type { AvroNode, AvroSchema, FieldNode, NamedNode, Props } from './model.js'

/** Java's `Schema.Type` names: a type named like one is always written with its namespace. */
const TYPE_NAMES = new Set([
  'record',
  'enum',
  'array',
  'map',
  'union',
  'fixed',
  'string',
  'bytes',
  'int',
  'long',
  'float',
  'double',
  'boolean',
  'null',
])

/** Java `Schema.Name.getQualified`: the short name inside its own namespace, else the full name. */
function qualified(n: NamedNode, space: string | null): string {
  if (n.namespace !== null && n.namespace === space && !TYPE_NAMES.has(n.name)) return n.name
  return n.fullName
}

/** Java `Schema.Name.getQualified` for an alias, relative to the type's namespace. */
function qualifiedAlias(alias: string, space: string | null): string {
  const dot = alias.lastIndexOf('.')
  const ns = dot >= 0 ? alias.slice(0, dot) : null
  const name = alias.slice(dot + 1)
  return ns !== null && ns === space && !TYPE_NAMES.has(name) ? name : alias
}

/** `,"key":value` for each custom prop, in source order; empty for none. */
function propsTail(props: Props): string {
  let out = ''
  props.forEach((v, k) => {
    out += `,${quote(k)}:${stringifyJson(v)}`
  })
  return out
}

const obj = (parts: (string | undefined)[]) => `{${parts.filter((p) => p !== undefined).join(',')}}`

/**
 * Apache Avro Java's `Schema.toString()`: compact JSON in Java's key order, `namespace` only where
 * it differs from the enclosing one, and a named type already written (or known from the
 * references, unless `inlineRefs`) as its name. Written by concatenation: this runs for every
 * schema registered.
 */
export function printPlain(schema: AvroSchema, options: { inlineRefs?: boolean } = {}): string {
  const known = new Set<string>(options.inlineRefs ? [] : schema.refNames)
  const write = (n: AvroNode, space: string | null): string => {
    switch (n.kind) {
      case 'union': {
        let out = '['
        for (let i = 0; i < n.branches.length; i++) out += (i > 0 ? ',' : '') + write(n.branches[i]!, space)
        return `${out}]`
      }
      case 'array':
        return `{"type":"array","items":${write(n.items, space)}${propsTail(n.props)}}`
      case 'map':
        return `{"type":"map","values":${write(n.values, space)}${propsTail(n.props)}}`
      case 'record':
      case 'enum':
      case 'fixed':
        return named(n, space)
      default:
        // Primitive type names need no escaping.
        return n.props.size === 0 ? `"${n.kind}"` : `{"type":"${n.kind}"${propsTail(n.props)}}`
    }
  }
  const named = (n: NamedNode, space: string | null): string => {
    if (known.has(n.fullName)) return quote(qualified(n, space))
    known.add(n.fullName)
    let out = `{"type":"${n.kind === 'record' && n.error ? 'error' : n.kind}","name":${quote(n.name)}`
    if (n.namespace !== null && n.namespace !== space) out += `,"namespace":${quote(n.namespace)}`
    else if (n.namespace === null && space !== null) out += ',"namespace":""'
    if (n.doc !== undefined) out += `,"doc":${quote(n.doc)}`
    if (n.kind === 'record') {
      out += ',"fields":['
      for (let i = 0; i < n.fields.length; i++) out += (i > 0 ? ',' : '') + field(n.fields[i]!, n.namespace)
      out += ']'
    } else if (n.kind === 'enum') {
      out += `,"symbols":[${n.symbols.map(quote).join(',')}]`
      if (n.default !== undefined) out += `,"default":${quote(n.default)}`
    } else out += `,"size":${n.size}`
    out += propsTail(n.props)
    if (n.aliases.length > 0)
      out += `,"aliases":[${n.aliases.map((a) => quote(qualifiedAlias(a, n.namespace))).join(',')}]`
    return `${out}}`
  }
  const field = (f: FieldNode, space: string | null): string => {
    let out = `{"name":${quote(f.name)},"type":${write(f.type, space)}`
    if (f.doc !== undefined) out += `,"doc":${quote(f.doc)}`
    if (f.default !== undefined) out += `,"default":${stringifyJson(f.default)}`
    if (f.order !== 'ascending') out += `,"order":"${f.order}"`
    if (f.aliases.length > 0) out += `,"aliases":[${f.aliases.map(quote).join(',')}]`
    return `${out}${propsTail(f.props)}}`
  }
  return write(schema.root, null)
}

const sortedProps = (props: Props, skip: ReadonlySet<string> = new Set()) =>
  [...props.keys()]
    .filter((k) => !skip.has(k))
    .sort(compareJava)
    .map((k) => `${quote(k)}:${stringifyJson(props.get(k)!)}`)

const sortedStrings = (xs: readonly string[]) => `[${[...new Set(xs)].sort(compareJava).map(quote).join(',')}]`

/**
 * Confluent's normalized form (`AvroSchemaUtils.toNormalizedString`): full names, no `namespace`,
 * fields as name, type, order, doc, aliases, default, then sorted attributes.
 *
 * Two choices differ from a literal reading of that printer: `order` is written in lower case
 * (`"ascending"`, the spelling Avro parsers accept, avsc included), and attributes that belong to a
 * logical type are written once, after `type`, not repeated among the sorted attributes.
 */
export function printNormalized(schema: AvroSchema): string {
  const known = new Set<string>(schema.refNames)
  const write = (n: AvroNode): string => {
    const logical = logicalTypeOf(n)
    const logicalAttrs = logical ? logical.attrs.map(([k, v]) => `${quote(k)}:${stringifyJson(v)}`) : []
    const skip = new Set(logical ? logical.attrs.map(([k]) => k) : [])
    switch (n.kind) {
      case 'union':
        return `[${n.branches.map(write).join(',')}]`
      case 'array':
        return obj(['"type":"array"', `"items":${write(n.items)}`, ...sortedProps(n.props)])
      case 'map':
        return obj(['"type":"map"', `"values":${write(n.values)}`, ...sortedProps(n.props)])
      case 'record':
      case 'enum':
      case 'fixed': {
        if (known.has(n.fullName)) return quote(n.fullName)
        known.add(n.fullName)
        const parts = [`"name":${quote(n.fullName)}`, `"type":"${n.kind}"`]
        if (n.kind === 'enum') parts.push(`"symbols":[${n.symbols.map(quote).join(',')}]`)
        else if (n.kind === 'fixed') parts.push(`"size":${n.size}`, ...logicalAttrs)
        else parts.push(`"fields":[${n.fields.map(field).join(',')}]`)
        if (n.doc) parts.push(`"doc":${quote(n.doc)}`)
        if (n.aliases.length > 0) parts.push(`"aliases":${sortedStrings(n.aliases)}`)
        if (n.kind === 'enum' && n.default !== undefined) parts.push(`"default":${quote(n.default)}`)
        return obj([...parts, ...sortedProps(n.props, n.kind === 'fixed' ? skip : new Set())])
      }
      default:
        if (logical) return obj([`"type":"${n.kind}"`, ...logicalAttrs, ...sortedProps(n.props, skip)])
        return n.props.size === 0 ? quote(n.kind) : obj([`"type":"${n.kind}"`, ...sortedProps(n.props)])
    }
  }
  const field = (f: FieldNode): string =>
    obj([
      `"name":${quote(f.name)}`,
      `"type":${write(f.type)}`,
      `"order":"${f.order}"`,
      f.doc !== undefined ? `"doc":${quote(f.doc)}` : undefined,
      f.aliases.length > 0 ? `"aliases":${sortedStrings(f.aliases)}` : undefined,
      f.default !== undefined ? `"default":${stringifyJson(defaultAsTyped(f.type, f.default))}` : undefined,
      ...sortedProps(f.props),
    ])
  return write(schema.root)
}

/**
 * A default as Java re-reads it against its schema (`JacksonUtils.toObject`): numbers take the
 * field's type, so `1` for a double is written `1.0`; a union default follows its first branch.
 */
function defaultAsTyped(n: AvroNode, v: JsonValue): JsonValue {
  if (n.kind === 'union') return n.branches[0] ? defaultAsTyped(n.branches[0], v) : v
  if (v instanceof JsonNumber) {
    if ((n.kind === 'float' || n.kind === 'double') && v.integral) return new JsonNumber(javaDouble(v.value))
    return v
  }
  if (Array.isArray(v)) return n.kind === 'array' ? v.map((x) => defaultAsTyped(n.items, x)) : v
  if (isObject(v)) {
    if (n.kind === 'map') return new Map([...v].map(([k, x]) => [k, defaultAsTyped(n.values, x)]))
    if (n.kind === 'record') {
      const byName = new Map(n.fields.map((f) => [f.name, f.type]))
      return new Map([...v].map(([k, x]) => [k, byName.has(k) ? defaultAsTyped(byName.get(k)!, x) : x]))
    }
  }
  return v
}

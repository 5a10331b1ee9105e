import avsc from 'avsc'
import { isValidDefault } from './defaults.js'
import { toPlain } from './json.js'
import { isNamed, type AvroNode, type NamedNode } from './model.js'
import { parseError } from './parse.js'

/** Options passed through to avsc's `Type.forSchema` (e.g. `logicalTypes`, `wrapUnions`). */
export type AvscOptions = Omit<Parameters<typeof avsc.Type.forSchema>[1] & object, 'registry'>

/**
 * Writes a node as avsc input. Named types are written once and referred to by absolute name
 * afterwards (avsc reads a leading dot as "no namespace"); defaults that Avro would not accept are
 * left out, so a leniently stored schema still builds.
 */
function exporter(defined: Set<string>) {
  const ref = (n: NamedNode) => (n.namespace === null ? `.${n.name}` : n.fullName)
  const attrs = (n: AvroNode) =>
    n.kind === 'union' ? {} : Object.fromEntries([...n.props].map(([k, v]) => [k, toPlain(v)]))
  const write = (n: AvroNode): unknown => {
    if (n.kind === 'union') return n.branches.map(write)
    if (n.kind === 'array') return { ...attrs(n), type: 'array', items: write(n.items) }
    if (n.kind === 'map') return { ...attrs(n), type: 'map', values: write(n.values) }
    if (!isNamed(n)) return n.props.size === 0 ? n.kind : { ...attrs(n), type: n.kind }
    if (defined.has(n.fullName)) return ref(n)
    defined.add(n.fullName)
    const head = {
      ...attrs(n),
      type: n.kind,
      name: n.name,
      namespace: n.namespace ?? '',
      aliases: n.aliases.map((a) => (a.includes('.') ? a : `.${a}`)),
    }
    if (n.kind === 'enum')
      return { ...head, symbols: n.symbols, ...(n.default !== undefined ? { default: n.default } : {}) }
    if (n.kind === 'fixed') return { ...head, size: n.size }
    return {
      ...head,
      fields: n.fields.map((f) => ({
        name: f.name,
        type: write(f.type),
        aliases: f.aliases,
        order: f.order,
        ...(f.default !== undefined && isValidDefault(f.type, f.default) ? { default: toPlain(f.default) } : {}),
      })),
    }
  }
  return write
}

/**
 * Builds the avsc type for a schema whose references were parsed first: each reference's types go
 * into one shared avsc registry, in order, then the schema itself.
 */
export function buildAvscType(root: AvroNode, refRoots: readonly AvroNode[], options: AvscOptions = {}): avsc.Type {
  const registry: Record<string, avsc.Type> = {}
  const write = exporter(new Set())
  try {
    for (const ref of refRoots) avsc.Type.forSchema(write(ref) as avsc.Schema, { ...options, registry })
    return avsc.Type.forSchema(write(root) as avsc.Schema, { ...options, registry })
  } catch (e) {
    throw parseError(`avsc cannot build this schema: ${(e as Error).message}`)
  }
}

import { jsonEquals } from './json.js'
import { isNamed, type AvroNode, type FieldNode, type Props } from './model.js'

function propsEqual(a: Props, b: Props): boolean {
  if (a.size !== b.size) return false
  for (const [k, v] of a) if (!b.has(k) || !jsonEquals(v, b.get(k))) return false
  return true
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x))

/**
 * Structural equality of two schema trees, attributes included: Java's `Schema.equals` plus
 * Confluent's `AvroSchema.metaEqual` (docs, aliases, enum defaults). Key order never matters.
 */
export function nodesEqual(a: AvroNode, b: AvroNode, seen = new Map<AvroNode, Set<AvroNode>>()): boolean {
  if (a === b) return true
  if (a.kind !== b.kind) return false
  if (isNamed(a) && isNamed(b)) {
    if (a.fullName !== b.fullName || a.doc !== b.doc || !sameSet(a.aliases, b.aliases) || !propsEqual(a.props, b.props))
      return false
    // A pair already under comparison is assumed equal; the outer comparison decides.
    const pairs = seen.get(a) ?? new Set<AvroNode>()
    if (pairs.has(b)) return true
    seen.set(a, pairs.add(b))
  }
  switch (a.kind) {
    case 'record': {
      const fb = (b as typeof a).fields
      return a.fields.length === fb.length && a.fields.every((f, i) => fieldsEqual(f, fb[i]!, seen))
    }
    case 'enum': {
      const eb = b as typeof a
      return (
        a.default === eb.default &&
        a.symbols.length === eb.symbols.length &&
        a.symbols.every((s, i) => s === eb.symbols[i])
      )
    }
    case 'fixed':
      return a.size === (b as typeof a).size
    case 'array':
      return propsEqual(a.props, (b as typeof a).props) && nodesEqual(a.items, (b as typeof a).items, seen)
    case 'map':
      return propsEqual(a.props, (b as typeof a).props) && nodesEqual(a.values, (b as typeof a).values, seen)
    case 'union': {
      const bb = (b as typeof a).branches
      return a.branches.length === bb.length && a.branches.every((x, i) => nodesEqual(x, bb[i]!, seen))
    }
    default:
      return propsEqual(a.props, (b as typeof a).props)
  }
}

function fieldsEqual(a: FieldNode, b: FieldNode, seen: Map<AvroNode, Set<AvroNode>>): boolean {
  return (
    a.name === b.name &&
    a.order === b.order &&
    a.doc === b.doc &&
    sameSet(a.aliases, b.aliases) &&
    jsonEquals(a.default, b.default) &&
    propsEqual(a.props, b.props) &&
    nodesEqual(a.type, b.type, seen)
  )
}

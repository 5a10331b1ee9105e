import { type AvroNode, isPrimitiveNode } from '../model.js'

/**
 * Structural identity of schema nodes, so a pair of identical subtrees is known compatible without
 * walking it: a schema always reads data written with an identical schema. A check against many
 * stored versions meets the same field types in every version; with this, each costs one lookup.
 *
 * Each node gets a number, computed once and kept with the node: equal numbers mean the subtrees
 * are identical in everything the pair rules look at (kinds, full names, aliases, field names and
 * order, enum symbols, fixed sizes, union branches). 0 means "no number": recursive types and
 * records with field aliases (whose lookup may be ambiguous, which the walk must report) are
 * always walked.
 */
const shapes = new WeakMap<AvroNode, number>()

/** Interned shape keys. Cleared past its bound; numbers are never reused, so a clear only costs hits. */
const interned = new Map<string, number>()
const MAX_INTERNED = 100_000
let nextShape = 1
const IN_PROGRESS = -1

/** True when `a` and `b` are the same node or identical subtrees (so `a` reads `b`'s data). */
export function sameShape(a: AvroNode, b: AvroNode): boolean {
  if (a.kind !== b.kind) return false
  // Two primitives of one kind are always compatible, whatever their attributes.
  if (isPrimitiveNode(a)) return true
  const s = shapeOf(a)
  return s > 0 && (a === b || s === shapeOf(b))
}

/** Primitives are numbered by kind and kept out of the node map: they are most of a schema's nodes. */
const primitiveShapes = new Map<string, number>()

export function shapeOf(node: AvroNode): number {
  if (isPrimitiveNode(node)) {
    let shape = primitiveShapes.get(node.kind)
    if (shape === undefined) primitiveShapes.set(node.kind, (shape = nextShape++))
    return shape
  }
  const known = shapes.get(node)
  if (known !== undefined) return known === IN_PROGRESS ? 0 : known
  shapes.set(node, IN_PROGRESS)
  const key = keyOf(node)
  const shape = key === undefined ? 0 : intern(key)
  shapes.set(node, shape)
  return shape
}

function intern(key: string): number {
  let shape = interned.get(key)
  if (shape === undefined) {
    if (interned.size >= MAX_INTERNED) interned.clear()
    shape = nextShape++
    interned.set(key, shape)
  }
  return shape
}

/** The node's key from its children's numbers, or undefined when a child has none. */
function keyOf(node: AvroNode): string | undefined {
  switch (node.kind) {
    case 'record': {
      const fields: (string | number)[] = []
      for (const f of node.fields) {
        if (f.aliases.length > 0) return undefined
        const child = shapeOf(f.type)
        if (child === 0) return undefined
        fields.push(f.name, child)
      }
      return JSON.stringify(['record', node.fullName, node.aliases, fields])
    }
    case 'enum':
      return JSON.stringify(['enum', node.fullName, node.aliases, node.symbols, node.default ?? null])
    case 'fixed':
      return JSON.stringify(['fixed', node.fullName, node.aliases, node.size])
    case 'array':
    case 'map': {
      const child = shapeOf(node.kind === 'array' ? node.items : node.values)
      return child === 0 ? undefined : `${node.kind} ${child}`
    }
    case 'union': {
      const branches: number[] = []
      for (const b of node.branches) {
        const child = shapeOf(b)
        if (child === 0) return undefined
        branches.push(child)
      }
      return `union ${branches.join(',')}`
    }
    default:
      return node.kind
  }
}

import { isModern } from './drafts.js'
import { loadClassic } from './load-classic.js'
import { loadModern } from './load-modern.js'
import { isPlainObject, type Annotations, type Node, type RefNode } from './model.js'
import type { RefIndex, Scope } from './refs.js'

/** What the per-dialect loaders need: loading children and resolving `$ref`s. */
export interface LoadContext {
  child(raw: unknown, scope: Scope): Node
  ref(ref: string, raw: unknown, scope: Scope): RefNode
}

/**
 * Builds the diff model of a schema document. Nodes are cached by the JSON object they come from,
 * so a recursive `$ref` leads back to the very same node.
 */
export function loadModel(index: RefIndex): Node {
  const cache = new WeakMap<object, Node>()
  const ctx: LoadContext = {
    child(raw, outer) {
      if (typeof raw === 'object' && raw !== null) {
        const hit = cache.get(raw)
        if (hit) return hit
      }
      const scope = index.enter(raw, outer)
      const node = isModern(scope.doc.draft) ? loadModern(raw, scope, ctx) : loadClassic(raw, scope, ctx)
      if (typeof raw === 'object' && raw !== null) cache.set(raw, node)
      return node
    },
    ref(ref, raw, scope) {
      let target: Node | undefined
      return {
        kind: 'ref',
        src: raw,
        ref,
        target() {
          if (!target) {
            // A reference that does not resolve (only possible for stored schemas) accepts anything.
            const found = index.resolve(ref, scope)
            target = found ? ctx.child(found.raw, found.scope) : { kind: 'empty', src: {} }
          }
          return target
        },
      }
    },
  }
  return ctx.child(index.root.doc.raw, index.root)
}

/** Copies `$id`, `title`, `description` and `default` onto a node, as everit's loader does. */
export function annotate(node: Node, raw: unknown, idKey: string): Node {
  if (!isPlainObject(raw)) return node
  const a: Annotations = node
  if (idKey !== '' && typeof raw[idKey] === 'string') a.id = raw[idKey] as string
  if (typeof raw.title === 'string') a.title = raw.title
  if (typeof raw.description === 'string') a.description = raw.description
  if (Object.hasOwn(raw, 'default')) a.default = { value: raw.default }
  return node
}

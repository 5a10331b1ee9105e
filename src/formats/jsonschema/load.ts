import { isModern } from './drafts.js'
import { loadClassic } from './load-classic.js'
import { loadModern } from './load-modern.js'
import type { LoadContext } from './load-context.js'
import type { Node } from './model.js'
import type { RefIndex } from './refs.js'

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

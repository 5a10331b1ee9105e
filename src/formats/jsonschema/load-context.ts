import { isPlainObject, type Annotations, type Node, type RefNode } from './model.js'
import type { Scope } from './refs.js'

/** What the per-dialect loaders need: loading children and resolving `$ref`s. */
export interface LoadContext {
  child(raw: unknown, scope: Scope): Node
  ref(ref: string, raw: unknown, scope: Scope): RefNode
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

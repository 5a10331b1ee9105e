import type { Node, NumberNode } from '../model.js'
import type { DiffContext, RuleFamily } from './walk.js'

/**
 * Schemas of different kinds: a reader `{}`/`true` accepts anything and a writer `false` wrote
 * nothing, so both are fine; anything else is `TYPE_CHANGED` (string → object, enum → string...).
 */
export function kindChange(ctx: DiffContext, original: Node, update: Node): void {
  if (original.kind === 'false' || update.kind === 'empty' || update.kind === 'true') return
  if (isConnectDecimal(original, update)) return
  ctx.add('TYPE_CHANGED')
}

const connectBytes = (n: Node) =>
  typeof n.src === 'object' && n.src !== null && (n.src as Record<string, unknown>)['connect.type'] === 'bytes'

/**
 * Kafka Connect writes a Decimal declared `"connect.type": "bytes"` as a string or a number
 * depending on its converter settings, so Confluent does not report that switch.
 */
function isConnectDecimal(original: Node, update: Node): boolean {
  const kinds = new Set([original.kind, update.kind])
  return kinds.has('string') && kinds.has('number') && (connectBytes(original) || connectBytes(update))
}

/** `$id`, `title`, `description` and `default` changes: reported, always compatible. */
export function annotationChanges(ctx: DiffContext, original: Node, update: Node): void {
  if (original.id !== update.id) ctx.add('ID_CHANGED')
  if (original.title !== update.title) ctx.add('TITLE_CHANGED')
  if (original.description !== update.description) ctx.add('DESCRIPTION_CHANGED')
  if (!sameDefault(original.default?.value, update.default?.value, !!original.default, !!update.default))
    ctx.add('DEFAULT_CHANGED')
}

// Confluent compares defaults with Object.equals on org.json values, and JSONObject/JSONArray have
// no equals: object and array defaults always count as changed.
function sameDefault(a: unknown, b: unknown, hasA: boolean, hasB: boolean): boolean {
  if (!hasA || !hasB) return hasA === hasB
  if (typeof a === 'object' && a !== null) return false
  return a === b
}

/** `integer` → `number` widens; `number` → `integer` narrows. */
export const NUMBER_TYPE: RuleFamily<'number'> = {
  id: 'NUMBER_TYPE',
  purpose: 'An integer reader rejects the fractions a number writer wrote.',
  check(ctx, original: NumberNode, update: NumberNode) {
    if (original.requiresInteger === update.requiresInteger) return
    ctx.add(original.requiresInteger ? 'TYPE_EXTENDED' : 'TYPE_NARROWED')
  },
}

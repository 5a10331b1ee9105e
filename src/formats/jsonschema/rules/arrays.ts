import type { ArrayNode, Node } from '../model.js'
import { ARRAY_BOUND_ROWS, checkBounds } from './bounds.js'
import type { DiffContext, RuleFamily } from './walk.js'

const isOpen = (n: ArrayNode) => !n.additionalSchema && n.permitsAdditional

/** `items` as one schema for all items. */
export const ITEMS: RuleFamily<'array'> = {
  id: 'ITEMS',
  purpose: 'Every old item must fit the new item schema.',
  check: (ctx, original, update) => ctx.at('items', () => ctx.compare(original.allItems, update.allItems)),
}

function covered(ctx: DiffContext, from: Node, to: Node, yes: string, no: string): void {
  const trial = ctx.sub()
  trial.compare(from, to)
  ctx.addAll(trial.differences)
  ctx.add(trial.isCompatible() ? yes : no)
}

/**
 * Tuple positions (`items` arrays, or `prefixItems`), reported as `#/items/<i>` like Confluent:
 * common positions compare pairwise, the rest is judged by the other side's content model.
 */
export const TUPLE_ITEMS: RuleFamily<'array'> = {
  id: 'TUPLE_ITEMS',
  purpose: 'Positional items must still fit, and dropped or new positions must fit the open/closed model.',
  check(ctx, original, update) {
    const o = original.tuple ?? []
    const u = update.tuple ?? []
    for (let i = 0; i < Math.max(o.length, u.length); i++) {
      const was = o[i]
      const is = u[i]
      ctx.at(`items/${i}`, () => {
        if (was && is) ctx.compare(was, is)
        else if (was) {
          if (isOpen(update)) ctx.add('ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL')
          else if (update.additionalSchema)
            covered(
              ctx,
              was,
              update.additionalSchema,
              'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
              'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
            )
          else
            ctx.add(
              was.kind === 'false'
                ? 'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL'
                : 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL',
            )
        } else if (is) {
          if (isOpen(original))
            ctx.add(
              is.kind === 'empty' || is.kind === 'true'
                ? 'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL'
                : 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL',
            )
          else if (original.additionalSchema)
            covered(
              ctx,
              original.additionalSchema,
              is,
              'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
              'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
            )
          else ctx.add('ITEM_ADDED_TO_CLOSED_CONTENT_MODEL')
        }
      })
    }
  },
}

/** `additionalItems` (or 2020-12 `items` after `prefixItems`): closing or narrowing breaks old arrays. */
export const ADDITIONAL_ITEMS: RuleFamily<'array'> = {
  id: 'ADDITIONAL_ITEMS',
  purpose: 'A reader that closes or narrows additional items rejects longer arrays old data holds.',
  check(ctx, original, update) {
    ctx.at('additionalItems', () => {
      if (original.permitsAdditional !== update.permitsAdditional)
        ctx.add(original.permitsAdditional ? 'ADDITIONAL_ITEMS_REMOVED' : 'ADDITIONAL_ITEMS_ADDED')
      else if (!original.additionalSchema && update.additionalSchema) ctx.add('ADDITIONAL_ITEMS_NARROWED')
      else if (original.additionalSchema && !update.additionalSchema) ctx.add('ADDITIONAL_ITEMS_EXTENDED')
      else ctx.compare(original.additionalSchema, update.additionalSchema)
    })
  },
}

export const ARRAY_BOUNDS: RuleFamily<'array'> = {
  id: 'ARRAY_BOUNDS',
  purpose: 'A reader with tighter maxItems/minItems/uniqueItems/contains bounds rejects old arrays.',
  check: (ctx, o, u) => checkBounds(ctx, ARRAY_BOUND_ROWS, o, u),
}

/** Confluent's `ArraySchemaDiff` order. */
export const ARRAY_RULES: readonly RuleFamily<'array'>[] = [ITEMS, TUPLE_ITEMS, ADDITIONAL_ITEMS, ARRAY_BOUNDS]

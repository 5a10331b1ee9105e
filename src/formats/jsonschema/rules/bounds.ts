import type { ArrayNode, NumberNode, ObjectNode, StringNode } from '../model.js'
import { NUMBER_TYPE } from './types.js'
import type { DiffContext, RuleFamily } from './walk.js'

type Value = number | string | boolean

/**
 * One constraint keyword, as a table row: the difference reported when it is added, removed,
 * tightened, relaxed or changed in some other way. `tighter(update, original)` says whether the
 * new value accepts less than the old one.
 */
export interface BoundRow<N> {
  readonly keyword: string
  readonly get: (node: N) => Value | undefined
  readonly whenAdded: string
  readonly whenRemoved: string
  readonly whenTightened: string
  readonly whenRelaxed?: string
  readonly whenChanged?: string
  readonly tighter: (update: Value, original: Value) => boolean
}

const higher = (u: Value, o: Value) => (u as number) > (o as number)
const lower = (u: Value, o: Value) => (u as number) < (o as number)
const never = () => false
/** `multipleOf: 4` after `2` accepts fewer numbers; `2` after `4` accepts more. */
const multipleOfTighter = (u: Value, o: Value) => isMultiple(u as number, o as number)

function isMultiple(a: number, b: number): boolean {
  if (b === 0) return false
  const q = a / b
  return Math.abs(q - Math.round(q)) < 1e-9
}

function row<N>(
  keyword: string,
  prefix: string,
  get: (n: N) => Value | undefined,
  tighter: BoundRow<N>['tighter'],
  names: { tightened: string; relaxed?: string; changed?: string },
): BoundRow<N> {
  return {
    keyword,
    get,
    whenAdded: `${prefix}_ADDED`,
    whenRemoved: `${prefix}_REMOVED`,
    whenTightened: `${prefix}_${names.tightened}`,
    whenRelaxed: names.relaxed && `${prefix}_${names.relaxed}`,
    whenChanged: names.changed && `${prefix}_${names.changed}`,
    tighter,
  }
}

const MAX = { tightened: 'DECREASED', relaxed: 'INCREASED' }
const MIN = { tightened: 'INCREASED', relaxed: 'DECREASED' }

export const STRING_BOUND_ROWS: readonly BoundRow<StringNode>[] = [
  row('maxLength', 'MAX_LENGTH', (n) => n.maxLength, lower, MAX),
  row('minLength', 'MIN_LENGTH', (n) => n.minLength, higher, MIN),
  row('pattern', 'PATTERN', (n) => n.pattern, never, { tightened: 'CHANGED', changed: 'CHANGED' }),
]

export const NUMBER_BOUND_ROWS: readonly BoundRow<NumberNode>[] = [
  row('maximum', 'MAXIMUM', (n) => n.maximum, lower, MAX),
  row('minimum', 'MINIMUM', (n) => n.minimum, higher, MIN),
  row('exclusiveMaximum', 'EXCLUSIVE_MAXIMUM', (n) => n.exclusiveMaximum, lower, MAX),
  row('exclusiveMinimum', 'EXCLUSIVE_MINIMUM', (n) => n.exclusiveMinimum, higher, MIN),
  row('multipleOf', 'MULTIPLE_OF', (n) => n.multipleOf, multipleOfTighter, {
    tightened: 'EXPANDED',
    relaxed: 'REDUCED',
    changed: 'CHANGED',
  }),
]

export const OBJECT_BOUND_ROWS: readonly BoundRow<ObjectNode>[] = [
  row('maxProperties', 'MAX_PROPERTIES', (n) => n.maxProperties, lower, MAX),
  row('minProperties', 'MIN_PROPERTIES', (n) => n.minProperties, higher, MIN),
]

export const ARRAY_BOUND_ROWS: readonly BoundRow<ArrayNode>[] = [
  row('maxItems', 'MAX_ITEMS', (n) => n.maxItems, lower, MAX),
  row('minItems', 'MIN_ITEMS', (n) => n.minItems, higher, MIN),
  row('uniqueItems', 'UNIQUE_ITEMS', (n) => (n.uniqueItems ? true : undefined), never, MIN),
  row('maxContains', 'MAX_CONTAINS', (n) => n.maxContains, lower, MAX),
  // minContains defaults to 1, so dropping `minContains: 1` is no change at all.
  row('minContains', 'MIN_CONTAINS', (n) => n.minContains ?? 1, higher, MIN),
]

/** Applies the rows in order, each at its keyword's path. */
export function checkBounds<N>(ctx: DiffContext, rows: readonly BoundRow<N>[], original: N, update: N): void {
  for (const r of rows) {
    const o = r.get(original)
    const u = r.get(update)
    if (o === u) continue
    if (o === undefined) ctx.add(r.whenAdded, r.keyword)
    else if (u === undefined) ctx.add(r.whenRemoved, r.keyword)
    else if (r.tighter(u, o)) ctx.add(r.whenTightened, r.keyword)
    else if (r.whenRelaxed && r.tighter(o, u)) ctx.add(r.whenRelaxed, r.keyword)
    else if (r.whenChanged) ctx.add(r.whenChanged, r.keyword)
  }
}

export const STRING_BOUNDS: RuleFamily<'string'> = {
  id: 'STRING_BOUNDS',
  purpose: 'A reader with a tighter maxLength/minLength/pattern rejects strings old data holds.',
  check: (ctx, o, u) => checkBounds(ctx, STRING_BOUND_ROWS, o, u),
}

export const NUMBER_BOUNDS: RuleFamily<'number'> = {
  id: 'NUMBER_BOUNDS',
  purpose: 'A reader with a tighter maximum/minimum/multipleOf rejects numbers old data holds.',
  check: (ctx, o, u) => checkBounds(ctx, NUMBER_BOUND_ROWS, o, u),
}

export const STRING_RULES: readonly RuleFamily<'string'>[] = [STRING_BOUNDS]
export const NUMBER_RULES: readonly RuleFamily<'number'>[] = [NUMBER_BOUNDS, NUMBER_TYPE]

import type { CombinedNode, Node } from '../model.js'
import type { Difference } from './differences.js'
import { valueKey } from './enum.js'
import type { DiffContext, RuleFamily } from './walk.js'

const isSum = (n: CombinedNode) => n.criterion === 'anyOf' || n.criterion === 'oneOf'

/** Tries `from` against `to`; keeps the differences and returns true when compatible. */
function attempt(ctx: DiffContext, from: Node, to: Node, extra?: string): boolean {
  const trial = ctx.sub()
  trial.compare(from, to)
  if (!trial.isCompatible()) return false
  ctx.addAll(trial.differences)
  if (extra) ctx.add(extra)
  return true
}

/**
 * A plain schema against a combined one (Confluent's special cases in `SchemaDiff.compare`): a
 * singleton combiner stands for its only member; a plain writer fits an `anyOf`/`oneOf` reader
 * when it fits one branch (`SUM_TYPE_EXTENDED`); an `allOf` writer fits a plain reader when one of
 * its parts does (`PRODUCT_TYPE_NARROWED`). Returns true when that settled the comparison.
 */
export function matchCombinedAgainstSingle(ctx: DiffContext, original: Node, update: Node): boolean {
  if (original.kind !== 'combined' && update.kind === 'combined') {
    if (update.subschemas.length === 1) return attempt(ctx, original, update.subschemas[0]!)
    if (isSum(update)) return update.subschemas.some((s) => attempt(ctx, original, s, 'SUM_TYPE_EXTENDED'))
  } else if (original.kind === 'combined' && update.kind !== 'combined') {
    if (original.subschemas.length === 1) return attempt(ctx, original.subschemas[0]!, update)
    if (original.criterion === 'allOf')
      return original.subschemas.some((s) => attempt(ctx, s, update, 'PRODUCT_TYPE_NARROWED'))
  }
  return false
}

function criterionChange(original: CombinedNode, update: CombinedNode): string | undefined {
  if (original.criterion === update.criterion) return undefined
  const single = (n: CombinedNode) => n.subschemas.length === 1
  if (
    update.criterion === 'anyOf' ||
    (single(original) && single(update)) ||
    (single(original) && update.criterion === 'oneOf') ||
    (single(update) && original.criterion === 'allOf')
  )
    return 'COMBINED_TYPE_EXTENDED'
  return 'COMBINED_TYPE_CHANGED'
}

/** Equal subschemas collapse, as in Confluent's `LinkedHashSet` of subschemas. */
function distinct(nodes: readonly Node[]): Node[] {
  const seen = new Set<string>()
  return nodes.filter((n) => {
    const key = `${n.kind}:${valueKey(n.src)}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/** A maximum bipartite matching (augmenting paths), originals in order. */
function maximumMatching(edges: (Difference[] | undefined)[][], updates: number): [number, number][] {
  const matchOfUpdate = new Array<number>(updates).fill(-1)
  const tryAssign = (o: number, seen: boolean[]): boolean => {
    for (let u = 0; u < updates; u++) {
      if (!edges[o]![u] || seen[u]) continue
      seen[u] = true
      if (matchOfUpdate[u] === -1 || tryAssign(matchOfUpdate[u]!, seen)) {
        matchOfUpdate[u] = o
        return true
      }
    }
    return false
  }
  edges.forEach((_, o) => tryAssign(o, new Array<boolean>(updates).fill(false)))
  return matchOfUpdate.flatMap((o, u) => (o === -1 ? [] : [[o, u] as [number, number]])).sort((a, b) => a[0] - b[0])
}

/**
 * allOf/anyOf/oneOf against the same or another combiner: the criterion change, the size change
 * (more `anyOf` branches accept more; more `allOf` parts accept less), then every old subschema
 * must be matched to a distinct new one it is compatible with.
 */
export const COMBINED_SUBSCHEMAS: RuleFamily<'combined'> = {
  id: 'COMBINED_SUBSCHEMAS',
  purpose: 'Each old branch or part must still be covered by a compatible new one.',
  check(ctx, original, update) {
    const change = criterionChange(original, update)
    if (change) ctx.add(change)
    if (change === 'COMBINED_TYPE_CHANGED') return
    const o = distinct(original.subschemas)
    const u = distinct(update.subschemas)
    if (o.length < u.length) ctx.add(update.criterion === 'allOf' ? 'PRODUCT_TYPE_EXTENDED' : 'SUM_TYPE_EXTENDED')
    else if (o.length > u.length) ctx.add(isSum(original) ? 'SUM_TYPE_NARROWED' : 'PRODUCT_TYPE_NARROWED')
    const edges = o.map((from, i) => {
      const row: (Difference[] | undefined)[] = []
      ctx.at(`${original.criterion}/${i}`, () => {
        for (const to of u) {
          const trial = ctx.sub()
          trial.compare(from, to)
          row.push(trial.isCompatible() ? trial.differences : undefined)
        }
      })
      return row
    })
    const matching = maximumMatching(edges, u.length)
    for (const [i, j] of matching) ctx.addAll(edges[i]![j]!)
    if (matching.length < Math.min(o.length, u.length)) ctx.add('COMBINED_TYPE_SUBSCHEMAS_CHANGED')
  },
}

export const COMBINED_RULES: readonly RuleFamily<'combined'>[] = [COMBINED_SUBSCHEMAS]

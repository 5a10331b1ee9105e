import type { Violation } from '../../format.js'
import type { AvroNode } from '../model.js'

/**
 * The outcome of one reader/writer pair, as Java's `SchemaCompatibilityResult`: 'progress' marks a
 * pair whose check is under way, so a recursive schema meets itself as compatible.
 */
export interface PairResult {
  readonly state: 'compatible' | 'incompatible' | 'progress'
  readonly violations: readonly Violation[]
}

export const COMPATIBLE: PairResult = { state: 'compatible', violations: [] }

/** Java `SchemaCompatibilityResult.mergedWith`. */
export function merge(a: PairResult, b: PairResult): PairResult {
  if (b.violations.length === 0 && b.state !== 'incompatible') return a
  return {
    state: a.state === 'compatible' ? b.state : 'incompatible',
    violations: [...a.violations, ...b.violations],
  }
}

/**
 * `results` merged left to right from {@link COMPATIBLE}, as repeated {@link merge} would (pair
 * results are never 'progress' once returned), but
 * copying each violation once, so a record of n failing fields costs O(n), not O(n²).
 */
export function mergeAll(results: readonly PairResult[]): PairResult {
  let merged: { state: PairResult['state']; violations: Violation[] } | undefined
  for (const b of results) {
    if (b.violations.length === 0 && b.state !== 'incompatible') continue
    if (!merged) {
      merged = { state: b.state, violations: [...b.violations] }
      continue
    }
    merged.state = merged.state === 'compatible' ? b.state : 'incompatible'
    for (const v of b.violations) merged.violations.push(v)
  }
  return merged ?? COMPATIBLE
}

/** What a rule may do: read the location, recurse, and report. */
export interface RuleContext {
  /** Check a pair one level deeper, under `token` (`items`, `type`, a branch index...). */
  descend(token: string, reader: AvroNode, writer: AvroNode): PairResult
  /** Check a pair from a fresh root location, as Java does for union branches. */
  fresh(reader: AvroNode, writer: AvroNode): PairResult
  /** Run `fn` with `token` pushed onto the location. */
  within<T>(token: string, fn: () => T): T
  /** The JSON pointer of the current location, e.g. `/fields/1/type`. */
  path(): string
  /** An incompatibility at the current location. */
  report(rule: string, message: string): PairResult
}

/** Upper-case type name, as Java's `Schema.Type` prints. */
export const typeName = (n: AvroNode) => n.kind.toUpperCase()

import {
  UndecidedError,
  type CompatOptions,
  type ParsedSchema,
  type SchemaFormat,
  type Violation,
} from '../formats/format.js'

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number]

/** Parses a level case-insensitively, as Confluent does; undefined when it is not one. */
export function parseLevel(value: unknown): CompatibilityLevel | undefined {
  if (typeof value !== 'string') return undefined
  const upper = value.trim().toUpperCase()
  return (COMPATIBILITY_LEVELS as readonly string[]).includes(upper) ? (upper as CompatibilityLevel) : undefined
}

/** Which way a check reads: backward is `check(new, old)`, forward is `check(old, new)`. */
export type Direction = 'backward' | 'forward'

/** A violation with the direction it was found in, so messages can say new/old. */
export interface DirectedViolation extends Violation {
  readonly direction: Direction
}

/**
 * A wall-clock allowance for one check: `check()` throws {@link UndecidedError} once it is
 * spent, so a check over a long history ends with a clear answer instead of holding the server.
 */
export class TimeBudget {
  readonly #deadline: number
  constructor(
    readonly ms: number,
    now = performance.now(),
  ) {
    this.#deadline = now + ms
  }

  check(): void {
    if (performance.now() > this.#deadline) {
      throw new UndecidedError(`Cannot decide compatibility: the check took longer than its budget of ${this.ms} ms`)
    }
  }
}

/** A previous version of the subject, as the compatibility check sees it. */
export interface PriorVersion {
  readonly version: number
  readonly schema: ParsedSchema
  /** The stored (canonical) text, quoted in verbose messages. */
  readonly canonical: string
}

/**
 * A {@link PriorVersion} parsed only when a check first reads its `schema`. The getter is on the
 * prototype: a getter written into each object (`{ get schema() {...} }`) gives every object its
 * own hidden class in the old generation, which keeps everything the getter captures alive through
 * young collections, so each check's objects were promoted and died in the old generation.
 */
export class LazyPriorVersion implements PriorVersion {
  readonly #load: () => ParsedSchema
  constructor(
    readonly version: number,
    readonly canonical: string,
    load: () => ParsedSchema,
  ) {
    this.#load = load
  }

  get schema(): ParsedSchema {
    return this.#load()
  }
}

/** The outcome of checking a candidate against a level: the first failing version, if any. */
export interface LevelResult {
  readonly compatible: boolean
  /** The version whose check failed; undefined when compatible. */
  readonly failedVersion?: PriorVersion
  readonly violations: readonly DirectedViolation[]
}

export const DIFFERENT_SCHEMA_TYPE = 'DIFFERENT_SCHEMA_TYPE'

function directionsOf(level: CompatibilityLevel): Direction[] {
  if (level.startsWith('BACKWARD')) return ['backward']
  if (level.startsWith('FORWARD')) return ['forward']
  if (level.startsWith('FULL')) return ['backward', 'forward']
  return []
}

/**
 * Checks one candidate against one previous version in the directions of `level`
 * (ignoring transitivity). A change of schema type is one fixed violation.
 */
export function checkPair(
  format: SchemaFormat,
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  previous: ParsedSchema,
  options?: CompatOptions,
): DirectedViolation[] {
  const directions = directionsOf(level)
  if (directions.length === 0) return []
  if (candidate.type !== previous.type) {
    return [
      {
        rule: DIFFERENT_SCHEMA_TYPE,
        path: '',
        message: 'Incompatible because of different schema type',
        direction: directions[0]!,
      },
    ]
  }
  const found: DirectedViolation[] = []
  for (const direction of directions) {
    const [reader, writer] = direction === 'backward' ? [candidate, previous] : [previous, candidate]
    for (const v of format.checkCompatibility(reader, writer, { ...options, direction }))
      found.push({ ...v, direction })
  }
  return found
}

/**
 * Checks a candidate against a subject's live versions (oldest first) under `level`.
 * Non-transitive levels look at the latest version only; transitive ones walk newest first and
 * stop at the first failure, reporting only that version's violations (Confluent's
 * `CompatibilityChecker`).
 */
export function checkLevel(
  format: SchemaFormat,
  level: CompatibilityLevel,
  candidate: ParsedSchema,
  previous: readonly PriorVersion[],
  options?: CompatOptions,
  budget?: TimeBudget,
): LevelResult {
  const steps = levelSteps(format, level, candidate, previous, options, budget)
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
  }
}

/**
 * {@link checkLevel}, giving the event loop a turn whenever it has worked {@link SLICE_MS} without
 * one, so other requests, health probes and signals are served while a long check runs.
 */
export async function checkLevelYielding(...args: Parameters<typeof checkLevel>): Promise<LevelResult> {
  const steps = levelSteps(...args)
  let since = performance.now()
  for (;;) {
    const step = steps.next()
    if (step.done) return step.value
    if (performance.now() - since >= SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve))
      since = performance.now()
    }
  }
}

/** Work done without giving the event loop a turn, at most (one version pair may take longer). */
const SLICE_MS = 10

/** The check, one version pair per step. */
function* levelSteps(
  ...[format, level, candidate, previous, options, budget]: Parameters<typeof checkLevel>
): Generator<void, LevelResult> {
  if (level === 'NONE' || previous.length === 0) return { compatible: true, violations: [] }
  const transitive = level.endsWith('_TRANSITIVE')
  const against = transitive ? [...previous].reverse() : previous.slice(-1)
  for (const prior of against) {
    budget?.check()
    const violations = checkPair(format, level, candidate, prior.schema, options)
    if (violations.length > 0) return { compatible: false, failedVersion: prior, violations }
    yield
  }
  return { compatible: true, violations: [] }
}

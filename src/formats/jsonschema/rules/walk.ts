import type { Kind, Node, NodeOf } from '../model.js'
import { ARRAY_RULES } from './arrays.js'
import { COMBINED_RULES, matchCombinedAgainstSingle } from './combined.js'
import type { Difference } from './differences.js'
import { ENUM_RULES, CONST_RULES } from './enum.js'
import { NOT_RULES } from './not.js'
import { OBJECT_RULES } from './properties.js'
import { annotationChanges, kindChange } from './types.js'
import { NUMBER_RULES, STRING_RULES } from './bounds.js'

/**
 * A family of checks on two schemas of the same kind. `check` reports differences through the
 * context and recurses with `ctx.compare`; it never walks whole schemas itself.
 */
export interface RuleFamily<K extends Kind> {
  readonly id: string
  readonly purpose: string
  check(ctx: DiffContext, original: NodeOf<K>, update: NodeOf<K>): void
}

type RuleTable = { [K in Kind]?: readonly RuleFamily<K>[] }

const RULES: RuleTable = {
  string: STRING_RULES,
  number: NUMBER_RULES,
  enum: ENUM_RULES,
  const: CONST_RULES,
  combined: COMBINED_RULES,
  not: NOT_RULES,
  object: OBJECT_RULES,
  array: ARRAY_RULES,
}

/**
 * The state of one diff (Confluent's `json/diff/Context`): the JSON pointer being visited, the
 * schemas on the way down (to stop on recursive `$ref`s), and the differences found so far.
 */
export class DiffContext {
  readonly differences: Difference[] = []
  readonly #stack: Set<Node>
  readonly #path: string[]
  readonly #pairs: [Node, Node][]

  constructor(
    readonly compatibleChanges: ReadonlySet<string>,
    stack: Set<Node> = new Set(),
    path: string[] = [],
    pairs: [Node, Node][] = [],
  ) {
    this.#stack = stack
    this.#path = path
    this.#pairs = pairs
  }

  /** A context for a trial comparison whose differences may or may not be kept. */
  sub(): DiffContext {
    return new DiffContext(this.compatibleChanges, new Set(this.#stack), [...this.#path], [...this.#pairs])
  }

  /**
   * Runs `fn` unless this very pair is already being compared further up. Confluent only guards
   * the old side, so a recursive `$ref` inside a new `anyOf` would recurse forever there.
   */
  pair(original: Node, update: Node, fn: () => void): void {
    if (this.#pairs.some(([o, u]) => o === original && u === update)) return
    this.#pairs.push([original, update])
    try {
      fn()
    } finally {
      this.#pairs.pop()
    }
  }

  add(type: string, attribute?: string): void {
    const path = attribute === undefined ? this.#path : [...this.#path, attribute]
    this.differences.push({ type, path: `#/${path.join('/')}` })
  }

  addAll(differences: readonly Difference[]): void {
    this.differences.push(...differences)
  }

  at(segment: string, fn: () => void): void {
    this.#path.push(segment)
    try {
      fn()
    } finally {
      this.#path.pop()
    }
  }

  isCompatible(): boolean {
    return this.differences.every((d) => this.compatibleChanges.has(d.type))
  }

  compare(original: Node | undefined, update: Node | undefined): void {
    compare(this, original, update)
  }

  /** Runs `fn` unless `node` is already being compared further up (a recursive reference). */
  enter(node: Node, fn: () => void): void {
    if (this.#stack.has(node)) return
    this.#stack.add(node)
    try {
      fn()
    } finally {
      this.#stack.delete(node)
    }
  }
}

function deref(node: Node): Node {
  const seen = new Set<Node>()
  while (node.kind === 'ref' && !seen.has(node)) {
    seen.add(node)
    node = node.target()
  }
  return node
}

/** The pair walker: Confluent's `SchemaDiff.compare(ctx, original, update)`. */
function compare(ctx: DiffContext, originalIn: Node | undefined, updateIn: Node | undefined): void {
  if (!originalIn && !updateIn) return
  if (!originalIn) return ctx.add('SCHEMA_ADDED')
  if (!updateIn) return ctx.add('SCHEMA_REMOVED')
  const original = deref(originalIn)
  const update = deref(updateIn)
  ctx.pair(original, update, () => {
    if (matchCombinedAgainstSingle(ctx, original, update)) return
    if (original.kind !== update.kind) return kindChange(ctx, original, update)
    ctx.enter(original, () => {
      annotationChanges(ctx, original, update)
      const families = (RULES[original.kind] ?? []) as readonly RuleFamily<Kind>[]
      for (const family of families) family.check(ctx, original as never, update as never)
    })
  })
}

/** Every difference from `original` (the writer) to `update` (the reader), compatible ones included. */
export function diffSchemas(original: Node, update: Node, compatibleChanges: ReadonlySet<string>): Difference[] {
  const ctx = new DiffContext(compatibleChanges)
  ctx.compare(original, update)
  return ctx.differences
}

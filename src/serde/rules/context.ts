/**
 * What a rule executor sees while it runs: the rule, the schema versions involved, the topic, and
 * (for field rules) the field being visited with its tags.
 */
import type { FieldType, Rule, RuleMode, RuleSchema } from './model.js'
import { isPrimitiveFieldType } from './model.js'
import { matchesPath } from './wildcard.js'

/** One field a field rule visits. */
export interface FieldContext {
  /** The record, message or object holding the field. */
  readonly containingMessage: unknown
  /** `Record.field` (Avro, Protobuf: with namespace or package), `$.a.b` (JSON Schema). */
  readonly fullName: string
  readonly name: string
  type: FieldType
  /** Tags written on the field in the schema plus those `metadata.tags` gives its path. */
  readonly tags: ReadonlySet<string>
}

/**
 * Visits the fields of `message` under `schema`, depth first, and calls `visit` on every field whose
 * value is a primitive; its result replaces the field's value (TRANSFORM) or, when `false`, fails the
 * rule (CONDITION). Each format supplies one.
 */
export type FieldWalker = (ctx: RuleContext, message: unknown, visit: FieldVisitor) => Promise<unknown>
export type FieldVisitor = (field: FieldContext, value: unknown) => unknown

export class RuleContext {
  readonly #fields: FieldContext[] = []

  constructor(
    readonly rule: Rule,
    readonly mode: RuleMode,
    /** The version the message comes from on migrations; undefined otherwise. */
    readonly source: RuleSchema | undefined,
    /** The version whose rules run (the reader's on read, the writer's on write). */
    readonly target: RuleSchema,
    readonly subject: string,
    readonly topic: string,
    readonly isKey: boolean,
    /** The rules of the list being run, and this rule's index in it. */
    readonly rules: readonly Rule[],
    readonly index: number,
    readonly walkFields: FieldWalker | undefined,
  ) {}

  /** A rule parameter, else a property of the target version's metadata, else undefined. */
  parameter(name: string): string | undefined {
    return this.rule.params?.[name] ?? this.target.metadata?.properties?.[name]
  }

  currentField(): FieldContext | undefined {
    return this.#fields[this.#fields.length - 1]
  }

  enterField(
    containingMessage: unknown,
    fullName: string,
    name: string,
    type: FieldType,
    inlineTags: Iterable<string>,
  ): FieldContext {
    const tags = new Set(inlineTags)
    for (const [pattern, patternTags] of Object.entries(this.target.metadata?.tags ?? {})) {
      if (matchesPath(fullName, pattern)) for (const t of patternTags) tags.add(t)
    }
    const field: FieldContext = { containingMessage, fullName, name, type, tags }
    this.#fields.push(field)
    return field
  }

  leaveField(): void {
    this.#fields.pop()
  }

  /** Whether the rule applies to a field: it names no tags, or shares one with the field. */
  appliesTo(field: FieldContext): boolean {
    const tags = this.rule.tags
    if (tags === undefined || tags.length === 0) return true
    return tags.some((t) => field.tags.has(t))
  }
}

export const isPrimitiveField = (field: FieldContext): boolean => isPrimitiveFieldType(field.type)

/**
 * Of several field transforms of one type and mode on the same tags, only the first runs on write
 * (the last on read), as Confluent's `FieldRuleExecutor` does: they would undo each other.
 */
export function skippedForSameTag(ctx: RuleContext): boolean {
  const { rule, rules, index, mode } = ctx
  if (rule.kind !== 'TRANSFORM' || rule.tags === undefined || rule.tags.length === 0) return false
  const same = (other: (typeof rules)[number]): boolean =>
    other.kind === 'TRANSFORM' &&
    other.mode === rule.mode &&
    other.type === rule.type &&
    sameTags(other.tags, rule.tags)
  const forward = mode === 'WRITE' || mode === 'UPGRADE'
  const others = forward ? rules.slice(0, index) : rules.slice(index + 1)
  return others.some(same)
}

function sameTags(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((t, i) => t === b[i])
}

/**
 * Data contracts as the registry stores them (`metadata` and `ruleSet` on a schema version), in
 * Confluent's wire spelling, and the vocabulary the rule engine executes them with.
 */

/** When a rule runs: on write, on read, both, or when migrating between versions. */
export type RuleMode = 'WRITE' | 'READ' | 'WRITEREAD' | 'UPGRADE' | 'DOWNGRADE' | 'UPDOWN'

/** A CONDITION passes or fails a message; a TRANSFORM rewrites it. */
export type RuleKind = 'CONDITION' | 'TRANSFORM'

/** Which list of a rule set runs: migrations between versions, domain rules, or encoding rules on bytes. */
export type RulePhase = 'MIGRATION' | 'DOMAIN' | 'ENCODING'

export interface Rule {
  readonly name: string
  readonly doc?: string
  readonly kind: RuleKind
  readonly mode: RuleMode
  /** The executor: `CEL`, `CEL_FIELD`, `JSONATA`, or one the application registers. */
  readonly type: string
  /** For field rules: the tags of the fields the rule applies to (all fields when empty). */
  readonly tags?: readonly string[]
  readonly params?: Readonly<Record<string, string>>
  readonly expr?: string
  /** Action on success: `NONE` (default), `ERROR`, `DLQ` or a registered action; `write,read` for two-way modes. */
  readonly onSuccess?: string
  /** Action on failure: `ERROR` (default), `NONE`, `DLQ` or a registered action. */
  readonly onFailure?: string
  readonly disabled?: boolean
}

export interface RuleSet {
  readonly migrationRules?: readonly Rule[]
  readonly domainRules?: readonly Rule[]
  readonly encodingRules?: readonly Rule[]
  /** Where rules run: absent, `ALL` or `CLIENT` means in the serializers. */
  readonly enableAt?: string
}

export interface Metadata {
  /** Field paths (with `*`/`**` wildcards) to the tags they carry. */
  readonly tags?: Readonly<Record<string, readonly string[]>>
  readonly properties?: Readonly<Record<string, string>>
  readonly sensitive?: readonly string[]
}

/** A schema version as the rules see it. */
export interface RuleSchema {
  readonly schemaType: 'AVRO' | 'PROTOBUF' | 'JSON'
  readonly schema: string
  readonly version?: number
  readonly metadata?: Metadata
  readonly ruleSet?: RuleSet
}

/** The type of a field a field rule visits, in Confluent's names. */
export type FieldType =
  | 'RECORD'
  | 'ENUM'
  | 'ARRAY'
  | 'MAP'
  | 'COMBINED'
  | 'FIXED'
  | 'STRING'
  | 'BYTES'
  | 'INT'
  | 'LONG'
  | 'FLOAT'
  | 'DOUBLE'
  | 'BOOLEAN'
  | 'NULL'

const PRIMITIVE_FIELD_TYPES: ReadonlySet<FieldType> = new Set<FieldType>([
  'STRING',
  'BYTES',
  'INT',
  'LONG',
  'FLOAT',
  'DOUBLE',
  'BOOLEAN',
  'NULL',
])

export const isPrimitiveFieldType = (t: FieldType): boolean => PRIMITIVE_FIELD_TYPES.has(t)

/** True when the rule set has a rule of `phase` that runs in `mode`. */
export function hasRules(ruleSet: RuleSet | undefined, phase: RulePhase, mode: RuleMode): boolean {
  const rules = ruleSet === undefined ? undefined : rulesOf(ruleSet, phase)
  return rules?.some((r) => !r.disabled && runsIn(r.mode, mode)) === true
}

export function rulesOf(ruleSet: RuleSet, phase: RulePhase): readonly Rule[] | undefined {
  switch (phase) {
    case 'MIGRATION':
      return ruleSet.migrationRules
    case 'DOMAIN':
      return ruleSet.domainRules
    case 'ENCODING':
      return ruleSet.encodingRules
  }
}

/** Whether a rule declared with `declared` runs when the serde is in `mode`. */
export function runsIn(declared: RuleMode, mode: RuleMode): boolean {
  if (declared === mode) return true
  if (declared === 'WRITEREAD') return mode === 'WRITE' || mode === 'READ'
  if (declared === 'UPDOWN') return mode === 'UPGRADE' || mode === 'DOWNGRADE'
  return false
}

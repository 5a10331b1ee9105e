/**
 * The format seam: everything the registry knows about one schema language goes through
 * {@link SchemaFormat}. `formats/index.ts` is the only place that switches on `schemaType`.
 */

export type SchemaType = 'AVRO' | 'PROTOBUF' | 'JSON'

export const SCHEMA_TYPES: readonly SchemaType[] = ['AVRO', 'PROTOBUF', 'JSON']

/**
 * One referenced schema, already fetched by the registry. `name` is how the referencing schema
 * names it: an Avro full name, a Protobuf import path, a JSON Schema `$ref` URI.
 */
export interface ResolvedRef {
  readonly name: string
  readonly subject: string
  readonly version: number
  readonly schema: string
  readonly schemaType: SchemaType
}

/** The transitive closure of a schema's references, dependencies before their dependents. */
export type ResolvedRefs = readonly ResolvedRef[]

/** A parsed schema. Each format extends it with its own model; the registry treats it as opaque. */
export interface ParsedSchema {
  readonly type: SchemaType
  /** The text exactly as it was given. */
  readonly text: string
  readonly refs: ResolvedRefs
  /**
   * Confluent `metadata` of the version, when the registry attached it (`{...parsed, metadata}`).
   * Rules such as Protobuf's `confluent:reserved` read it; formats never set it.
   */
  readonly metadata?: Readonly<Record<string, unknown>>
}

/**
 * One incompatibility found by a single reader/writer check. `message` speaks of `{reader}` and
 * `{writer}`; `compat/render.ts` turns those into "new"/"old" for the direction being checked.
 */
export interface Violation {
  /** Confluent's difference name, e.g. `READER_FIELD_MISSING_DEFAULT_VALUE`. */
  readonly rule: string
  /** Where in the schema: `/fields/1/type` (Avro), `#/Message/2` (Protobuf), `#/properties/a` (JSON). */
  readonly path: string
  readonly message: string
}

/**
 * What a rule means and how to fix a change it refuses, for people: CLI reports, SARIF rule
 * metadata, the web UI. Kept beside each format's rules so both sides of the seam read one table.
 */
export interface RuleDoc {
  readonly id: string
  /** One line: what changed. */
  readonly summary: string
  /** Why the change breaks readers or writers. */
  readonly description: string
  /** What to do instead. */
  readonly hint: string
}

/** Per-subject options that change how strictly a format judges a change. */
export interface CompatOptions {
  /** Config `compatibilityPolicy`: STRICT (default) or LENIENT for JSON Schema; WIRE_JSON for Protobuf. */
  readonly policy?: string
  /**
   * Which check this is, set by `compat/levels.ts`: `backward` means the reader is the new schema.
   * Confluent's metadata rules (`confluent:reserved`) only look for removals in that direction.
   */
  readonly direction?: 'backward' | 'forward'
}

export interface CanonicalOptions {
  /** Confluent's `normalize=true`: the format's normalized printer instead of the plain one. */
  readonly normalize?: boolean
}

/** Thrown by `parse` for text that is not a valid schema; the registry answers 42201 with it. */
export class SchemaParseError extends Error {
  override readonly name = 'SchemaParseError'
}

/**
 * Thrown by `checkCompatibility` when it cannot reach a verdict within its limits (a pattern
 * that would need unbounded time, a check over its time budget). The registry answers 422 with
 * the message rather than guessing either way.
 */
export class UndecidedError extends Error {
  override readonly name = 'UndecidedError'
}

/**
 * A schema language. Implementations are stateless and never touch the store.
 *
 * @example
 * const avro = formatFor('AVRO')
 * const parsed = avro.parse('"string"', [], 'new')
 * avro.canonicalize(parsed) // '"string"'
 */
export interface SchemaFormat<P extends ParsedSchema = ParsedSchema> {
  readonly type: SchemaType
  /**
   * Parse `text` with its resolved references. 'new' validates strictly (a schema being
   * registered); 'stored' is lenient so that anything once stored always loads again. 'stored'
   * only ever accepts more: a text that parses as 'new' parses as 'stored' to the same schema,
   * which lets a caller that needs both parse once.
   * Throws {@link SchemaParseError} with a message that says what is wrong and where.
   */
  parse(text: string, refs: ResolvedRefs, mode: 'new' | 'stored'): P
  /** The text stored and served for this schema; drives dedup and the global id. */
  canonicalize(schema: P, options?: CanonicalOptions): string
  /**
   * How many elements the schema defines (named types, fields, enum symbols, union branches,
   * JSON values...): what the registry's element limit counts, in time linear in the schema.
   */
  elementCount(schema: P): number
  /** The reference names the schema needs (named types, imports, `$ref`s), for diagnostics. */
  references(schema: P): string[]
  /** True when two schemas are the same schema for lookup purposes (Confluent's `canLookup`). */
  equivalent(a: P, b: P): boolean
  /**
   * Render for a `format` query value (`resolved`, `serialized`, `ignore_extensions`...).
   * Returns undefined for values the format does not know; the caller then serves the canonical text.
   */
  render(schema: P, format: string): string | undefined
  /** One direction: can data written with `writer` be read with `reader`? Empty means yes. */
  checkCompatibility(reader: P, writer: P, options?: CompatOptions): Violation[]
  /** The documentation of a rule id this format reports; undefined for ids it does not know. */
  describeRule(rule: string): RuleDoc | undefined
}

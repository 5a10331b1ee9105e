import type { CompatibilityLevel, LevelResult } from '../compat/levels.js'
import type { ParsedSchema, ResolvedRef, SchemaFormat, SchemaType } from '../formats/format.js'
import { SchemaParseError } from '../formats/format.js'
import { GLOBAL_SCOPE, type JsonObject, type SchemaReference } from '../formats/model.js'
import type { ConfigRecord, SchemaRecord, StoreReader, VersionRecord } from '../store/store.js'
import { DEFAULT_MAX_ENCRYPTION_KEYS } from './encryption-keys.js'
import { accessDenied, invalidSchema, storeError } from './errors.js'
import { LruMap } from './lru.js'
import type { Offload } from './offload.js'
import { contextScope, DEFAULT_CONTEXT, GLOBAL_CONTEXT, qualify, referencedSubject } from './subjects.js'

/** Server-wide settings the domain needs. */
export interface RegistryOptions {
  /** The level when nothing is configured; BACKWARD unless set. */
  readonly defaultCompatibility: CompatibilityLevel
  /** Largest schema text accepted, in bytes (42209 beyond it). */
  readonly maxSchemaBytes: number
  /** Default and maximum page size of `/schemas` and `/referencedby` (Confluent: 1000). */
  readonly schemaSearchLimit: number
  /**
   * Most elements (named types, fields, enum symbols, union branches, JSON values...) a schema
   * in a request may have, its references included (42209 beyond it).
   */
  readonly maxSchemaElements: number
  /** Wall-clock budget of one compatibility check, parses of stored versions included (422 beyond it); 0 for none. */
  readonly compatibilityBudgetMs: number
  /** 409 responses carry this error_code: 40901 (current Confluent) or 409 (older servers). */
  readonly incompatibleErrorCode: number
  /** Most KEKs and DEKs stored together (40972 beyond it); 0 for no limit. */
  readonly maxEncryptionKeys: number
}

export const DEFAULT_OPTIONS: RegistryOptions = {
  defaultCompatibility: 'BACKWARD',
  maxSchemaBytes: 8 * 1024 * 1024,
  schemaSearchLimit: 1000,
  maxSchemaElements: 100_000,
  compatibilityBudgetMs: 10_000,
  incompatibleErrorCode: 40901,
  maxEncryptionKeys: DEFAULT_MAX_ENCRYPTION_KEYS,
}

export interface RegistryDeps {
  readonly store: StoreReader
  readonly formatFor: (type: string) => SchemaFormat | undefined
  readonly now: () => number
  readonly options: RegistryOptions
  /** Threads that take parsing and compatibility checks off the event loop; inline when absent. */
  readonly offload?: Offload | undefined
}

/**
 * May the caller read this qualified subject? Absent when access control is off or the caller
 * reads everything.
 */
export type CanRead = (subject: string) => boolean

const GLOBAL_DEFAULT_SCOPE = contextScope(GLOBAL_CONTEXT)

/**
 * Shared machinery of the use cases: config and mode resolution, reference resolution and a
 * bounded cache of parsed stored schemas (stored records never change, so it never goes stale).
 */
/** Parsed stored schemas kept at most; beyond it the least recently used are parsed again. */
export const PARSED_CACHE_ENTRIES = 10_000

export class RegistryCore {
  readonly #parsed: LruMap<string, ParsedSchema>
  /**
   * Compatibility verdicts reached before a registration's write transaction (`prejudge`),
   * keyed by everything the verdict depends on (the schema, its data contract, the live
   * versions, level and policy), so one is only reused for exactly the check it answers.
   */
  readonly verdicts: Map<string, { readonly result: LevelResult } | { readonly error: unknown }>
  constructor(
    readonly deps: RegistryDeps,
    parsed = new LruMap<string, ParsedSchema>(PARSED_CACHE_ENTRIES),
    verdicts = new Map<string, { readonly result: LevelResult } | { readonly error: unknown }>(),
  ) {
    this.#parsed = parsed
    this.verdicts = verdicts
  }

  /**
   * The same registry reading `reader` instead of the store, sharing the parse cache and the
   * verdicts: a write runs over its transaction, which sees writes of earlier transactions not
   * yet durable.
   */
  over(reader: StoreReader): RegistryCore {
    return new RegistryCore({ ...this.deps, store: reader }, this.#parsed, this.verdicts)
  }

  get store(): StoreReader {
    return this.deps.store
  }

  format(type: string): SchemaFormat {
    const format = this.deps.formatFor(type)
    if (!format) throw invalidSchema(`Invalid schema type ${type}`)
    return format
  }

  /** Config scopes for a subject, most specific first (Confluent `getConfigInScope`). */
  #scopes(subject: string): string[] {
    const { context } = qualify(subject)
    const scopes: string[] = []
    if (subject !== GLOBAL_SCOPE && subject !== contextScope(context)) scopes.push(subject)
    scopes.push(context === DEFAULT_CONTEXT ? GLOBAL_SCOPE : contextScope(context))
    scopes.push(GLOBAL_DEFAULT_SCOPE)
    return [...new Set(scopes)]
  }

  /**
   * The effective config: the subject's own fields over the context (or global) config, over
   * `:.__GLOBAL:`, with the server default level underneath.
   */
  effectiveConfig(subject: string): ConfigRecord & { compatibilityLevel: CompatibilityLevel } {
    const merged: Record<string, unknown> = {}
    for (const scope of this.#scopes(subject).reverse()) {
      const stored = this.store.config(scope)
      if (stored) for (const [k, v] of Object.entries(stored)) if (v !== undefined && v !== null) merged[k] = v
    }
    merged.compatibilityLevel ??= this.deps.options.defaultCompatibility
    return merged as ConfigRecord & { compatibilityLevel: CompatibilityLevel }
  }

  /** The effective mode: the first scope with a mode set, else READWRITE. */
  effectiveMode(subject: string): string {
    for (const scope of this.#scopes(subject)) {
      const mode = this.store.mode(scope)
      if (mode) return mode === 'READONLY_OVERRIDE' ? 'READONLY' : mode
    }
    return 'READWRITE'
  }

  /** The stored schema of a version; a missing row means the store is inconsistent. */
  schemaOf(v: VersionRecord): SchemaRecord {
    const record = this.store.schemaById(v.context, v.id)
    if (!record) throw storeError(`Schema ${v.id} of ${v.subject} version ${v.version} is missing from the store`)
    return record
  }

  /**
   * Parses a stored schema once; later calls hit the cache. The key holds the content hash too:
   * an id seen by a write that then failed may later name other content.
   */
  parseStored(record: SchemaRecord): ParsedSchema {
    const key = `${record.context}\u0000${record.id}\u0000${record.guid}`
    let parsed = this.#parsed.get(key)
    if (!parsed) {
      const refs = this.resolveReferences(record.references, record.context, { includeDeleted: true }).resolved
      parsed = this.parseStoredText(record.schemaType, record.schema, refs, record.metadata)
      this.#parsed.set(key, parsed)
    }
    return parsed
  }

  /** A stored schema's text parsed as checks read it, its metadata riding along (uncached). */
  parseStoredText(
    type: SchemaType,
    text: string,
    refs: readonly ResolvedRef[],
    metadata: JsonObject | undefined,
  ): ParsedSchema {
    const parsed = this.parse(type, text, refs, 'stored')
    return metadata ? { ...parsed, metadata } : parsed
  }

  /** Parses with the format, turning its errors into 42201. */
  parse(type: SchemaType, text: string, refs: readonly ResolvedRef[], mode: 'new' | 'stored'): ParsedSchema {
    const format = this.format(type)
    try {
      return format.parse(text, refs, mode)
    } catch (e) {
      if (e instanceof SchemaParseError) throw invalidSchema(e.message, { cause: e })
      throw invalidSchema(`Invalid schema of type ${type}, details: ${(e as Error)?.message ?? String(e)}`, {
        cause: e,
      })
    }
  }

  /**
   * Resolves `{name, subject, version}` references to the transitive closure of schema texts,
   * dependencies first, the first binding of a name winning (Confluent
   * `AbstractSchemaProvider.resolveReferences`). `version: -1` becomes the latest version.
   * With `canRead`, every referenced subject, transitively, must be readable, and is checked
   * before it is looked up, so a denial says nothing about whether it exists.
   */
  resolveReferences(
    refs: readonly SchemaReference[],
    context: string,
    { includeDeleted, canRead }: { includeDeleted: boolean; canRead?: CanRead | undefined },
  ): { concrete: SchemaReference[]; resolved: ResolvedRef[] } {
    const resolved: ResolvedRef[] = []
    const seen = new Set<string>()
    const concrete: SchemaReference[] = []
    const visit = (list: readonly SchemaReference[], ctx: string, top: boolean) => {
      for (const ref of list) {
        const subject = referencedSubject(ref.subject, ctx)
        if (canRead && !canRead(qualify(subject).qualified)) throw accessDenied(qualify(subject).qualified)
        const version = this.#findReferenced(subject, ref.version, includeDeleted)
        if (!version) {
          throw invalidSchema(`No schema reference found for subject "${ref.subject}" and version ${ref.version}`)
        }
        if (top) concrete.push({ name: ref.name, subject: ref.subject, version: version.version })
        if (seen.has(ref.name)) continue
        seen.add(ref.name)
        const record = this.schemaOf(version)
        visit(record.references, version.context, false)
        resolved.push({
          name: ref.name,
          subject,
          version: version.version,
          schema: record.schema,
          schemaType: record.schemaType,
        })
      }
    }
    visit(refs, context, true)
    return { concrete, resolved }
  }

  #findReferenced(subject: string, version: number, includeDeleted: boolean): VersionRecord | undefined {
    const versions = this.store.versionsOf(subject)
    if (version === -1) return versions.filter((v) => !v.deleted).at(-1)
    const found = versions.find((v) => v.version === version)
    return found && (includeDeleted || !found.deleted) ? found : undefined
  }
}

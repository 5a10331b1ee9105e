import type { ParsedSchema, ResolvedRef, SchemaFormat, SchemaType } from '../formats/format.js'
import { formatFor } from '../formats/index.js'
import { type JsonObject, schemaGuid, type SchemaReference } from '../formats/model.js'
import type { SchemaRecord, StoreReader, VersionRecord } from '../store/store.js'
import { DEFAULT_OPTIONS, RegistryCore, type CanRead } from './core.js'
import { invalidSchema, schemaTooLarge } from './errors.js'
import type { QualifiedSubject } from './subjects.js'
import type { SchemaRequest } from './types.js'

/** A request schema parsed, canonicalized and hashed: what register, lookup and compat share. */
export interface PreparedSchema {
  readonly type: SchemaType
  readonly format: SchemaFormat
  readonly parsed: ParsedSchema
  readonly canonical: string
  readonly references: SchemaReference[]
  readonly metadata?: JsonObject
  readonly ruleSet?: JsonObject
  readonly guid: string
  /** What was parsed: the text, its resolved references, how (so another thread can parse it again). */
  readonly source: SchemaSource
}

/** A schema text as parsed for a request: its references resolved, the parse mode and normalization. */
export interface SchemaSource {
  readonly type: SchemaType
  readonly text: string
  readonly refs: readonly ResolvedRef[]
  readonly mode: 'new' | 'stored'
  readonly normalize: boolean
  readonly metadata?: JsonObject | undefined
}

/**
 * The canonical text of a source, computed ahead (on a parse thread): {@link prepareSchema} uses
 * it instead of parsing when its own source is exactly this one, and parses only if something
 * asks for the parsed schema.
 */
export interface PrecomputedForm {
  readonly source: SchemaSource
  readonly canonical: string
}

export interface PrepareOptions {
  readonly normalize: boolean
  /** 'new' validates strictly (registrations outside IMPORT); lookups parse leniently. */
  readonly mode: 'new' | 'stored'
  /** Soft-deleted referenced versions resolve only for stored schemas and lookups. */
  readonly includeDeletedRefs: boolean
  /** Used when the request has no schema text (a new version that only changes metadata). */
  readonly previous?: VersionRecord
  /** The caller's read check, applied to every referenced subject before it is resolved. */
  readonly canRead?: CanRead | undefined
  /** Canonical forms computed ahead, used when one is of exactly this schema. */
  readonly precomputed?: readonly PrecomputedForm[] | undefined
}

export function prepareSchema(
  core: RegistryCore,
  subject: QualifiedSubject,
  req: SchemaRequest,
  opts: PrepareOptions,
): PreparedSchema {
  const { source, concrete } = sourceOf(core, subject, req, opts)
  const format = core.format(source.type)
  const known = opts.precomputed?.find((f) => sameSource(f.source, source))
  const parsed = known ? undefined : parseSource(core, source)
  const canonical = known ? known.canonical : canonicalize(format, parsed!, opts.normalize)
  const references = opts.normalize ? sortReferences(concrete) : concrete
  return new LazyPrepared(core, parsed, {
    type: format.type,
    format,
    canonical,
    references,
    ...(req.metadata ? { metadata: req.metadata } : {}),
    ...(req.ruleSet ? { ruleSet: req.ruleSet } : {}),
    guid: schemaGuid(canonical, references, req.metadata, req.ruleSet),
    source,
  })
}

/**
 * A {@link PreparedSchema} that parses its source only when something first reads `parsed`. The
 * getter is on the prototype: a getter written into each object (`{ get parsed() {...} }`) gives
 * every object its own hidden class in the old generation, which kept everything it captured
 * (the transaction, the request's schema) alive through young collections, so every
 * registration's objects were promoted and died in the old generation.
 */
class LazyPrepared implements PreparedSchema {
  declare readonly type: SchemaType
  declare readonly format: SchemaFormat
  declare readonly canonical: string
  declare readonly references: SchemaReference[]
  declare readonly metadata?: JsonObject
  declare readonly ruleSet?: JsonObject
  declare readonly guid: string
  declare readonly source: SchemaSource
  readonly #core: RegistryCore
  #parsed: ParsedSchema | undefined

  constructor(core: RegistryCore, parsed: ParsedSchema | undefined, fields: Omit<PreparedSchema, 'parsed'>) {
    this.#core = core
    this.#parsed = parsed
    Object.assign(this, fields)
  }

  get parsed(): ParsedSchema {
    return (this.#parsed ??= parseSource(this.#core, this.source))
  }
}

/** The schema a request names, as it will be parsed: its text, type and references resolved. */
function sourceOf(
  core: RegistryCore,
  subject: QualifiedSubject,
  req: SchemaRequest,
  opts: Omit<PrepareOptions, 'precomputed'>,
): { source: SchemaSource; concrete: SchemaReference[] } {
  let text = req.schema
  let type = req.schemaType ?? 'AVRO'
  let refs = req.references ?? []
  if (text === undefined || text === '') {
    // Confluent KafkaSchemaRegistry.register: an empty schema re-uses the previous version's, so a
    // new version can change only metadata or rules.
    if (!opts.previous) throw invalidSchema('Empty schema')
    const prev = core.schemaOf(opts.previous)
    text = prev.schema
    type = prev.schemaType
    refs = prev.references
  }
  if (Buffer.byteLength(text, 'utf8') > core.deps.options.maxSchemaBytes) throw schemaTooLarge()
  const format = core.format(type)
  const { concrete, resolved } = core.resolveReferences(refs, subject.context, {
    includeDeleted: opts.includeDeletedRefs,
    canRead: opts.canRead,
  })
  const source: SchemaSource = {
    type: format.type,
    text,
    refs: resolved,
    mode: opts.mode,
    normalize: opts.normalize,
    ...(req.metadata ? { metadata: req.metadata } : {}),
  }
  return { source, concrete }
}

/**
 * Has a parse thread compute the canonical forms {@link prepareSchema} will need for this request
 * in each mode, so the event loop does not parse. Resolves with none when there are no parse
 * threads or the request is unusual (anything wrong with it is reported by the use case itself).
 */
export async function precompute(
  core: RegistryCore,
  subject: QualifiedSubject,
  req: SchemaRequest,
  opts: Omit<PrepareOptions, 'precomputed' | 'mode'>,
  modes: readonly ('new' | 'stored')[],
): Promise<PrecomputedForm[]> {
  const offload = core.deps.offload
  if (!offload) return []
  let sources: SchemaSource[]
  try {
    sources = modes.map((mode) => sourceOf(core, subject, req, { ...opts, mode }).source)
  } catch {
    return []
  }
  const canonical = await offload.canonical(sources)
  return sources.flatMap((source, i) => {
    const text = canonical?.[i]
    return typeof text === 'string' ? [{ source, canonical: text }] : []
  })
}

/**
 * Parses a request's schema: 42201 when it is invalid, 42209 when it defines more elements than
 * the limit; the request's metadata rides along on the parsed schema.
 */
export function parseSource(core: RegistryCore, source: SchemaSource): ParsedSchema {
  const format = core.format(source.type)
  const parsed = core.parse(format.type, source.text, source.refs, source.mode)
  const elements = format.elementCount(parsed)
  const limit = core.deps.options.maxSchemaElements
  if (elements > limit) {
    throw schemaTooLarge(
      `Schema defines ${elements} elements (types, fields, symbols, branches or values); at most ${limit} are accepted`,
    )
  }
  return source.metadata ? { ...parsed, metadata: source.metadata } : parsed
}

/** The canonical text of a source: what {@link prepareSchema} computes, for a parse thread. */
function canonicalOf(core: RegistryCore, source: SchemaSource): string {
  return canonicalize(core.format(source.type), parseSource(core, source), source.normalize)
}

/**
 * The canonical text of each source, null where it does not parse. A source that parses in
 * 'new' mode answers for the same source in 'stored' mode too (see `SchemaFormat.parse`), so a
 * registration's lenient and strict forms cost one parse.
 */
export function canonicalForms(core: RegistryCore, sources: readonly SchemaSource[]): (string | null)[] {
  const strict = new Map<SchemaSource, string | null>()
  const canonical = (source: SchemaSource): string | null => {
    try {
      return canonicalOf(core, source)
    } catch {
      return null
    }
  }
  for (const s of sources) if (s.mode === 'new') strict.set(s, canonical(s))
  return sources.map((s) => {
    if (s.mode === 'new') return strict.get(s)!
    for (const [n, text] of strict) if (text !== null && sameSource(n, s, { anyMode: true })) return text
    return canonical(s)
  })
}

function sameSource(a: SchemaSource, b: SchemaSource, { anyMode = false } = {}): boolean {
  return (
    a.type === b.type &&
    (anyMode || a.mode === b.mode) &&
    a.normalize === b.normalize &&
    a.text === b.text &&
    a.refs.length === b.refs.length &&
    a.refs.every((r, i) => {
      const o = b.refs[i]!
      return (
        r.name === o.name &&
        r.subject === o.subject &&
        r.version === o.version &&
        r.schemaType === o.schemaType &&
        r.schema === o.schema
      )
    }) &&
    sameJson(a.metadata, b.metadata)
  )
}

/**
 * The content hash of a schema read from stored text the incumbent wrote (not necessarily in our
 * canonical form): hashed from the same canonical form {@link prepareSchema} hashes, so the same
 * schema registered again finds its id. Text that no longer parses keeps the hash of its text.
 */
export function storedSchemaGuid(store: StoreReader, record: Omit<SchemaRecord, 'id' | 'guid'>): string {
  let canonical = record.schema
  try {
    const core = new RegistryCore({ store, formatFor, now: Date.now, options: DEFAULT_OPTIONS })
    const { resolved } = core.resolveReferences(record.references, record.context, { includeDeleted: true })
    canonical = canonicalize(
      core.format(record.schemaType),
      core.parse(record.schemaType, record.schema, resolved, 'stored'),
      false,
    )
  } catch {
    // Served as stored; only an identical text dedups against it.
  }
  return schemaGuid(canonical, record.references, record.metadata, record.ruleSet)
}

function canonicalize(format: SchemaFormat, parsed: ParsedSchema, normalize: boolean): string {
  try {
    return format.canonicalize(parsed, { normalize })
  } catch (e) {
    throw invalidSchema(`Invalid schema of type ${format.type}, details: ${(e as Error).message}`, { cause: e })
  }
}

function sortReferences(refs: readonly SchemaReference[]): SchemaReference[] {
  const seen = new Map<string, SchemaReference>()
  for (const r of refs) seen.set(`${r.name}\u0000${r.subject}\u0000${r.version}`, r)
  return [...seen.values()].sort((a, b) =>
    a.name < b.name
      ? -1
      : a.name > b.name
        ? 1
        : a.subject < b.subject
          ? -1
          : a.subject > b.subject
            ? 1
            : a.version - b.version,
  )
}

/** Same metadata/ruleSet by value, whatever the key order. */
export function sameJson(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b)
}

function stableStringify(v: unknown): string {
  if (v === undefined || v === null) return 'null'
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(v)
}

/**
 * Finds a version of the subject holding this schema: first by hash, then by the format's
 * equivalence, newest first (Confluent `lookUpSchemaUnderSubject`).
 */
export function findMatchingVersion(
  core: RegistryCore,
  prepared: PreparedSchema,
  candidates: readonly VersionRecord[],
  { ignoreDataContract = false }: { ignoreDataContract?: boolean } = {},
): VersionRecord | undefined {
  const context = candidates[0]?.context
  if (context === undefined) return undefined
  const id = core.store.idByHash(context, prepared.type, prepared.guid)
  const byHash = id === undefined ? undefined : [...candidates].reverse().find((v) => v.id === id)
  if (byHash) return byHash
  for (const v of [...candidates].reverse()) {
    const record = core.schemaOf(v)
    if (record.schemaType !== prepared.type) continue
    if (!ignoreDataContract && prepared.metadata && !sameJson(prepared.metadata, record.metadata)) continue
    if (!ignoreDataContract && prepared.ruleSet && !sameJson(prepared.ruleSet, record.ruleSet)) continue
    // A request naming references must name the same ones (after -1 became a version); one with
    // none may match a stored version whose referenced types it inlines.
    if (prepared.references.length > 0 && !sameJson(prepared.references, record.references)) continue
    if (record.schema === prepared.canonical) return v
    if (prepared.format.equivalent(prepared.parsed, core.parseStored(record))) return v
  }
  return undefined
}

import type { SchemaType } from '../../formats/format.js'
import { GLOBAL_SCOPE, type JsonObject, schemaGuid, type SchemaReference } from '../../formats/model.js'
import type { ConfigRecord, Mutation, SchemaRecord, StoreReader, VersionRecord } from '../store.js'

/**
 * The record format of Confluent's `_schemas` topic (Karapace reads and writes the same): JSON
 * keys whose bytes are stable per logical key (so compaction keeps the latest), JSON values,
 * tombstones for hard deletes.
 */
export type SchemaKey = { keytype: 'SCHEMA'; subject: string; version: number }
export type ScopedKey = { keytype: 'CONFIG' | 'MODE'; scope: string }
export type RecordKey = SchemaKey | ScopedKey

/** A record as it travels: key and value bytes, `null` value for a tombstone. */
export interface LogRecord {
  readonly key: string
  readonly value: string | null
}

/** Confluent's key bytes: field order `keytype, subject, version, magic`, no spaces. */
export function encodeKey(k: RecordKey): string {
  if (k.keytype === 'SCHEMA') {
    return JSON.stringify({ keytype: 'SCHEMA', subject: k.subject, version: k.version, magic: 1 })
  }
  // Confluent's ConfigKey/ModeKey omit an empty subject: that is the global scope.
  const subject = toWireScope(k.scope)
  return JSON.stringify(
    subject === undefined ? { keytype: k.keytype, magic: 0 } : { keytype: k.keytype, subject, magic: 0 },
  )
}

export const NOOP_KEY = JSON.stringify({ keytype: 'NOOP', magic: 0 })

/** Our global scope `:.:` is Confluent's subject-less key; every other scope is its subject. */
function toWireScope(scope: string): string | undefined {
  return scope === GLOBAL_SCOPE ? undefined : scope
}

function fromWireScope(subject: unknown): string {
  return typeof subject === 'string' && subject !== '' ? subject : GLOBAL_SCOPE
}

/** The context of a qualified subject: `:.ctx:name` is in `.ctx`, anything else in `.`. */
export function contextOf(subject: string): string {
  const m = /^:(\.[^:]*):/.exec(subject)
  return m ? m[1]! : '.'
}

/**
 * The dedup hash of a schema read as stored text: the registry's canonical form of it
 * (`storedSchemaGuid`), given by whoever builds the store.
 */
export type StoredSchemaHash = (reader: StoreReader, schema: Omit<SchemaRecord, 'id' | 'guid'>) => string

/** Hashes the text as it is: right for text already in our canonical form. */
export const hashStoredText: StoredSchemaHash = (_reader, s) =>
  schemaGuid(s.schema, s.references, s.metadata, s.ruleSet)

export type TruthReader = Pick<StoreReader, 'config' | 'mode' | 'versionsOf' | 'schemaById'>

/** The state after `mutations`, for the reads {@link truthValue} needs. */
export function overlay(state: TruthReader, mutations: readonly Mutation[]): TruthReader {
  const configs = new Map<string, ConfigRecord | null>()
  const modes = new Map<string, string | null>()
  const versions = new Map<string, VersionRecord[]>()
  const schemas = new Map<string, SchemaRecord>()
  const listOf = (subject: string) => {
    let list = versions.get(subject)
    if (!list) versions.set(subject, (list = [...state.versionsOf(subject)]))
    return list
  }
  for (const m of mutations) {
    if (m.kind === 'config') configs.set(m.scope, m.config)
    else if (m.kind === 'mode') modes.set(m.scope, m.mode)
    else if (m.kind === 'schema') schemas.set(`${m.record.context}\u0000${m.record.id}`, m.record)
    else {
      const subject = m.kind === 'version' ? m.record.subject : m.subject
      const version = m.kind === 'version' ? m.record.version : m.version
      const list = listOf(subject).filter((v) => v.version !== version)
      if (m.kind === 'version') list.push(m.record)
      versions.set(
        subject,
        list.sort((a, b) => a.version - b.version),
      )
    }
  }
  return {
    config: (scope) => (configs.has(scope) ? (configs.get(scope) ?? undefined) : state.config(scope)),
    mode: (scope) => (modes.has(scope) ? (modes.get(scope) ?? undefined) : state.mode(scope)),
    versionsOf: (subject) => versions.get(subject) ?? state.versionsOf(subject),
    schemaById: (context, id) => schemas.get(`${context}\u0000${id}`) ?? state.schemaById(context, id),
  }
}

/** The value the state holds for a key, as Confluent would write it; `null` when absent. */
export function truthValue(state: TruthReader, k: RecordKey): string | null {
  if (k.keytype !== 'SCHEMA') {
    if (k.keytype === 'CONFIG') {
      const c = state.config(k.scope)
      return c ? configValue(k.scope, c) : null
    }
    const m = state.mode(k.scope)
    return m ? modeValue(k.scope, m) : null
  }
  const v = state.versionsOf(k.subject).find((x) => x.version === k.version)
  const s = v ? state.schemaById(v.context, v.id) : undefined
  if (!v || !s) return null
  return schemaValue({
    ...v,
    schemaType: s.schemaType,
    schema: s.schema,
    references: s.references,
    metadata: s.metadata,
    ruleSet: s.ruleSet,
  })
}

interface SchemaValueFields {
  subject: string
  version: number
  id: number
  schemaType: SchemaType
  schema: string
  references: readonly SchemaReference[]
  metadata?: JsonObject | undefined
  ruleSet?: JsonObject | undefined
  deleted: boolean
  ts: number
}

/** Confluent's SchemaValue: `schemaType` omitted for AVRO, empty references omitted. */
function schemaValue(f: SchemaValueFields): string {
  return JSON.stringify({
    subject: f.subject,
    version: f.version,
    id: f.id,
    ...(f.schemaType !== 'AVRO' ? { schemaType: f.schemaType } : {}),
    ...(f.references.length > 0 ? { references: f.references } : {}),
    ...(f.metadata ? { metadata: f.metadata } : {}),
    ...(f.ruleSet ? { ruleSet: f.ruleSet } : {}),
    schema: f.schema,
    deleted: f.deleted,
    ts: f.ts,
  })
}

function configValue(scope: string, c: ConfigRecord): string {
  const subject = toWireScope(scope)
  return JSON.stringify({ ...(subject !== undefined ? { subject } : {}), ...c })
}

function modeValue(scope: string, mode: string): string {
  const subject = toWireScope(scope)
  return JSON.stringify({ ...(subject !== undefined ? { subject } : {}), mode })
}

/** The keys a batch of mutations touches, in first-touch order. */
export function touchedKeys(mutations: readonly Mutation[]): RecordKey[] {
  const seen = new Map<string, RecordKey>()
  const add = (k: RecordKey) => seen.set(encodeKey(k), k)
  for (const m of mutations) {
    if (m.kind === 'version') add({ keytype: 'SCHEMA', subject: m.record.subject, version: m.record.version })
    else if (m.kind === 'deleteVersion') add({ keytype: 'SCHEMA', subject: m.subject, version: m.version })
    else if (m.kind === 'config') add({ keytype: 'CONFIG', scope: m.scope })
    else if (m.kind === 'mode') add({ keytype: 'MODE', scope: m.scope })
  }
  return [...seen.values()]
}

/** Decodes a key we understand; `undefined` for NOOP, unknown or unreadable keys. */
export function decodeKey(
  raw: string,
): (RecordKey & { raw: string }) | { keytype: 'DELETE_SUBJECT' | 'CLEAR_SUBJECT'; raw: string } | undefined {
  let k: Record<string, unknown>
  try {
    k = JSON.parse(raw) as Record<string, unknown>
  } catch {
    return undefined
  }
  if (!k || typeof k !== 'object') return undefined
  switch (k.keytype) {
    case 'SCHEMA':
      if (typeof k.subject !== 'string' || typeof k.version !== 'number') return undefined
      return { keytype: 'SCHEMA', subject: k.subject, version: k.version, raw }
    case 'CONFIG':
    case 'MODE':
      return { keytype: k.keytype, scope: fromWireScope(k.subject), raw }
    case 'DELETE_SUBJECT':
    case 'CLEAR_SUBJECT':
      return { keytype: k.keytype, raw }
    default:
      return undefined
  }
}

/**
 * What a record in the incumbent's format does to the state, last write wins per key, as
 * Confluent's and Karapace's readers apply it.
 */
export function recordMutations(
  state: StoreReader,
  rawKey: string,
  rawValue: string | null,
  timestamp: number,
  /** The dedup hash of a schema the incumbent wrote; undefined for our own records, whose text is canonical. */
  hashForeign?: StoredSchemaHash,
): Mutation[] {
  const key = decodeKey(rawKey)
  if (!key) return []
  let value: Record<string, unknown> | null = null
  if (rawValue !== null && rawValue !== '') {
    try {
      const parsed: unknown = JSON.parse(rawValue)
      value = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null
    } catch {
      return []
    }
  }
  switch (key.keytype) {
    case 'SCHEMA':
      return value
        ? schemaMutations(state, key, value, timestamp, hashForeign)
        : [{ kind: 'deleteVersion', subject: key.subject, version: key.version }]
    case 'CONFIG': {
      if (!value) return [{ kind: 'config', scope: key.scope, config: null }]
      const { subject: _s, ...config } = value
      return [{ kind: 'config', scope: key.scope, config }]
    }
    case 'MODE':
      return [{ kind: 'mode', scope: key.scope, mode: value && typeof value.mode === 'string' ? value.mode : null }]
    case 'DELETE_SUBJECT': {
      // Confluent writes per-version records too; this marks every version up to `version`.
      if (!value || typeof value.subject !== 'string' || typeof value.version !== 'number') return []
      const upTo = value.version
      return state
        .versionsOf(value.subject)
        .filter((v) => v.version <= upTo && !v.deleted)
        .map((v) => ({ kind: 'version' as const, record: { ...v, deleted: true } }))
    }
    case 'CLEAR_SUBJECT': {
      if (!value || typeof value.subject !== 'string') return []
      return state
        .versionsOf(value.subject)
        .filter((v) => v.deleted)
        .map((v) => ({ kind: 'deleteVersion' as const, subject: v.subject, version: v.version }))
    }
  }
}

function schemaMutations(
  state: StoreReader,
  key: SchemaKey,
  value: Record<string, unknown>,
  timestamp: number,
  hashForeign: StoredSchemaHash | undefined,
): Mutation[] {
  if (typeof value.id !== 'number' || typeof value.schema !== 'string') return []
  const context = contextOf(key.subject)
  const out: Mutation[] = []
  if (!state.schemaById(context, value.id)) {
    const references = (Array.isArray(value.references) ? value.references : []) as SchemaReference[]
    const metadata = isObject(value.metadata) ? value.metadata : undefined
    const ruleSet = isObject(value.ruleSet) ? value.ruleSet : undefined
    const schema = {
      context,
      schemaType: (typeof value.schemaType === 'string' ? value.schemaType : 'AVRO') as SchemaType,
      schema: value.schema,
      references,
      ...(metadata ? { metadata } : {}),
      ...(ruleSet ? { ruleSet } : {}),
    }
    // The incumbent stores the text it was sent; dedup hashes our canonical form of it. Ours is
    // stored canonical, so hashing its text gives the hash it was registered with.
    const guid = hashForeign ? hashForeign(state, schema) : schemaGuid(schema.schema, references, metadata, ruleSet)
    out.push({ kind: 'schema', record: { ...schema, id: value.id, guid } })
  }
  out.push({
    kind: 'version',
    record: {
      subject: key.subject,
      version: key.version,
      context,
      id: value.id,
      deleted: value.deleted === true,
      ts: typeof value.ts === 'number' ? value.ts : timestamp,
    },
  })
  return out
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

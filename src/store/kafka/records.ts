import type { SchemaType } from '../../formats/format.js'
import { GLOBAL_SCOPE, type JsonObject, schemaGuid, type SchemaReference } from '../../formats/model.js'
import { compareDeks, sameDek } from '../state.js'
import type {
  ConfigRecord,
  DekRecord,
  KekRecord,
  Mutation,
  SchemaRecord,
  StoreReader,
  VersionRecord,
} from '../store.js'

/**
 * The record format of Confluent's `_schemas` topic (Karapace reads and writes the same): JSON
 * keys whose bytes are stable per logical key (so compaction keeps the latest), JSON values,
 * tombstones for hard deletes.
 */
export type SchemaKey = { keytype: 'SCHEMA'; subject: string; version: number }
export type ScopedKey = { keytype: 'CONFIG' | 'MODE'; scope: string }
/**
 * Encryption keys travel in the same topic under key types of their own; Confluent keeps them
 * in another topic, so its readers of `_schemas` have no use for these records.
 */
export type KekKey = { keytype: 'KEK'; name: string }
export type DekKey = { keytype: 'DEK'; kekName: string; subject: string; algorithm: string; version: number }
export type RecordKey = SchemaKey | ScopedKey | KekKey | DekKey

/** A record as it travels: key and value bytes, `null` value for a tombstone. */
export interface LogRecord {
  readonly key: string
  readonly value: string | null
}

/** Confluent's key bytes: field order `keytype, subject, version, magic`, no spaces. */
export function encodeKey(k: RecordKey): string {
  if (k.keytype === 'KEK') return JSON.stringify({ keytype: 'KEK', name: k.name, magic: 0 })
  if (k.keytype === 'DEK') {
    const { kekName, subject, algorithm, version } = k
    return JSON.stringify({ keytype: 'DEK', kekName, subject, algorithm, version, magic: 0 })
  }
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

export type TruthReader = Pick<StoreReader, 'config' | 'mode' | 'versionsOf' | 'schemaById' | 'kek' | 'deksOf'>

/** The state after `mutations`, for the reads {@link truthValue} needs. */
export function overlay(state: TruthReader, mutations: readonly Mutation[]): TruthReader {
  const configs = new Map<string, ConfigRecord | null>()
  const modes = new Map<string, string | null>()
  const versions = new Map<string, VersionRecord[]>()
  const schemas = new Map<string, SchemaRecord>()
  const keks = new Map<string, KekRecord | null>()
  const deks = new Map<string, DekRecord[]>()
  const listOf = (subject: string) => {
    let list = versions.get(subject)
    if (!list) versions.set(subject, (list = [...state.versionsOf(subject)]))
    return list
  }
  for (const m of mutations) {
    if (m.kind === 'config') configs.set(m.scope, m.config)
    else if (m.kind === 'mode') modes.set(m.scope, m.mode)
    else if (m.kind === 'schema') schemas.set(`${m.record.context}\u0000${m.record.id}`, m.record)
    else if (m.kind === 'kek') keks.set(m.name, m.record)
    else if (m.kind === 'dek') {
      const list = (deks.get(m.key.kekName) ?? state.deksOf(m.key.kekName)).filter((d) => !sameDek(d, m.key))
      if (m.record) list.push(m.record)
      deks.set(m.key.kekName, list.sort(compareDeks))
    } else {
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
    kek: (name) => (keks.has(name) ? (keks.get(name) ?? undefined) : state.kek(name)),
    deksOf: (kekName) => deks.get(kekName) ?? state.deksOf(kekName),
  }
}

/** The value the state holds for a key, as Confluent would write it; `null` when absent. */
export function truthValue(state: TruthReader, k: RecordKey): string | null {
  if (k.keytype === 'KEK') {
    const kek = state.kek(k.name)
    return kek ? JSON.stringify(kek) : null
  }
  if (k.keytype === 'DEK') {
    const dek = state.deksOf(k.kekName).find((d) => sameDek(d, k))
    return dek ? JSON.stringify(dek) : null
  }
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
    else if (m.kind === 'kek') add({ keytype: 'KEK', name: m.name })
    else if (m.kind === 'dek') add({ keytype: 'DEK', ...m.key })
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
    case 'KEK':
      if (typeof k.name !== 'string') return undefined
      return { keytype: 'KEK', name: k.name, raw }
    case 'DEK':
      if (
        typeof k.kekName !== 'string' ||
        typeof k.subject !== 'string' ||
        typeof k.algorithm !== 'string' ||
        typeof k.version !== 'number'
      )
        return undefined
      return { keytype: 'DEK', kekName: k.kekName, subject: k.subject, algorithm: k.algorithm, version: k.version, raw }
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
    case 'KEK': {
      if (!value) return [{ kind: 'kek', name: key.name, record: null }]
      const record = kekFromValue(key.name, value, timestamp)
      return record ? [{ kind: 'kek', name: key.name, record }] : []
    }
    case 'DEK': {
      const { kekName, subject, algorithm, version } = key
      const k = { kekName, subject, algorithm, version }
      if (!value) return [{ kind: 'dek', key: k, record: null }]
      if (typeof value.encryptedKeyMaterial !== 'string') return []
      const record: DekRecord = {
        ...k,
        encryptedKeyMaterial: value.encryptedKeyMaterial,
        deleted: value.deleted === true,
        ts: typeof value.ts === 'number' ? value.ts : timestamp,
      }
      return [{ kind: 'dek', key: k, record }]
    }
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

/** A KEK record's value as we write it; undefined when it is not one. */
function kekFromValue(name: string, value: Record<string, unknown>, timestamp: number): KekRecord | undefined {
  const { kmsType, kmsKeyId, kmsProps, doc } = value
  if (typeof kmsType !== 'string' || typeof kmsKeyId !== 'string') return undefined
  const props = Object.fromEntries(
    isObject(kmsProps) ? Object.entries(kmsProps).filter((e): e is [string, string] => typeof e[1] === 'string') : [],
  )
  return {
    name,
    kmsType,
    kmsKeyId,
    kmsProps: props,
    ...(typeof doc === 'string' ? { doc } : {}),
    shared: value.shared === true,
    deleted: value.deleted === true,
    ts: typeof value.ts === 'number' ? value.ts : timestamp,
  }
}

/** Keys whose records set state (not markers or the incumbent's bulk-delete records). */
export function isStateKey(k: { keytype: string } | undefined): k is RecordKey & { raw: string } {
  return k !== undefined && ['SCHEMA', 'CONFIG', 'MODE', 'KEK', 'DEK'].includes(k.keytype)
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

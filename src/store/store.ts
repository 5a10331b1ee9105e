import type { SchemaType } from '../formats/format.js'
import type { JsonObject, SchemaReference } from '../formats/model.js'

/** A schema under a global id. Rows are never removed, so ids are never handed out twice. */
export interface SchemaRecord {
  /** `.` for the default context, `.name` for a named one. */
  readonly context: string
  readonly id: number
  readonly schemaType: SchemaType
  /** Canonical text, as served. */
  readonly schema: string
  readonly references: readonly SchemaReference[]
  readonly metadata?: JsonObject
  readonly ruleSet?: JsonObject
  /** Content hash (Confluent's GUID recipe); (context, schemaType, guid) is the dedup key. */
  readonly guid: string
}

/** One version of one subject. */
export interface VersionRecord {
  /** Qualified subject, e.g. `orders-value` or `:.staging:orders-value`. */
  readonly subject: string
  readonly version: number
  readonly context: string
  readonly id: number
  readonly deleted: boolean
  /** When the version was stored, epoch milliseconds. */
  readonly ts: number
}

/**
 * A key encryption key: a reference to a key held in a KMS, by which clients wrap the data
 * encryption keys they register. The registry never holds the KMS key itself.
 */
export interface KekRecord {
  readonly name: string
  readonly kmsType: string
  readonly kmsKeyId: string
  /** String-valued KMS settings, sorted by key. */
  readonly kmsProps: Readonly<Record<string, string>>
  readonly doc?: string
  readonly shared: boolean
  readonly deleted: boolean
  /** When the key was last written, epoch milliseconds. */
  readonly ts: number
}

/** What identifies a data encryption key: one version of one algorithm under a KEK and subject. */
export interface DekKey {
  readonly kekName: string
  /** The subject as the client named it (qualified subjects included). */
  readonly subject: string
  readonly algorithm: string
  readonly version: number
}

/** A data encryption key: key material wrapped by its KEK, as the client sent it (base64). */
export interface DekRecord extends DekKey {
  readonly encryptedKeyMaterial: string
  readonly deleted: boolean
  /** When the key was last written, epoch milliseconds. */
  readonly ts: number
}

/** A config row as stored; field names are the wire names of Confluent's `Config` entity. */
export type ConfigRecord = JsonObject

/** A change to the store. Transactions collect these and apply them all or none. */
export type Mutation =
  | { readonly kind: 'schema'; readonly record: SchemaRecord }
  | { readonly kind: 'version'; readonly record: VersionRecord }
  | { readonly kind: 'deleteVersion'; readonly subject: string; readonly version: number }
  | { readonly kind: 'config'; readonly scope: string; readonly config: ConfigRecord | null }
  | { readonly kind: 'mode'; readonly scope: string; readonly mode: string | null }
  | { readonly kind: 'kek'; readonly name: string; readonly record: KekRecord | null }
  | { readonly kind: 'dek'; readonly key: DekKey; readonly record: DekRecord | null }

/** Synchronous reads, served from memory by every store. */
export interface StoreReader {
  schemaById(context: string, id: number): SchemaRecord | undefined
  /** The id stored for this content in the context, if any. */
  idByHash(context: string, schemaType: SchemaType, guid: string): number | undefined
  /** All versions of a subject, soft-deleted included, ascending. Empty when unknown. */
  versionsOf(subject: string): readonly VersionRecord[]
  /** Every subject that has at least one stored version (live or soft-deleted), unsorted. */
  subjects(): Iterable<string>
  /** Every subject-version that uses this id, soft-deleted included. */
  usesOf(context: string, id: number): readonly VersionRecord[]
  /** Ids of schemas whose references point at this subject-version. */
  referrersOf(subject: string, version: number): readonly { context: string; id: number }[]
  /** Highest id ever stored in the context, 0 when none. */
  maxId(context: string): number
  config(scope: string): ConfigRecord | undefined
  mode(scope: string): string | undefined
  /** Contexts that hold at least one version, `.` always included. */
  contexts(): string[]
  /** A number that changes whenever the state changes: lets readers cache derived answers. */
  generation(): number
  /**
   * A number that changes whenever the part of the state `topic` names changes, and never goes
   * down (see {@link Topic}): lets readers keep a derived answer while other parts change.
   */
  stamp(topic: string): number
  /** A KEK by name, soft-deleted included. */
  kek(name: string): KekRecord | undefined
  /** Every KEK, soft-deleted included, unsorted. */
  keks(): Iterable<KekRecord>
  /** Every DEK under a KEK, soft-deleted included, by subject, algorithm, then version. */
  deksOf(kekName: string): readonly DekRecord[]
}

/**
 * Parts of the state a derived answer can depend on, each with its own {@link StoreReader.stamp}.
 * A write changes only the stamps of the parts it touches.
 */
export const Topic = {
  /** The versions of one (qualified) subject. */
  subject: (subject: string): string => `subject\u0000${subject}`,
  /** The uses of a global id, in any context, and its stored schema. */
  id: (id: number): string => `id\u0000${id}`,
  /** Any version of any subject: the subject list and which subjects have a live version. */
  subjects: 'subjects',
  /** The named contexts holding versions. */
  contexts: 'contexts',
  /** The schemas stored under ids: the highest id of each context. */
  schemas: 'schemas',
  /** Configs and modes, and so aliases. */
  settings: 'settings',
} as const

/** A transaction: reads see the state before the transaction; writes are buffered. */
export interface StoreTx extends StoreReader {
  putSchema(record: SchemaRecord): void
  putVersion(record: VersionRecord): void
  deleteVersion(subject: string, version: number): void
  putConfig(scope: string, config: ConfigRecord | null): void
  putMode(scope: string, mode: string | null): void
  /** Stores a KEK, or removes it for good with `null`. */
  putKek(name: string, record: KekRecord | null): void
  /** Stores a DEK, or removes it for good with `null`. */
  putDek(key: DekKey, record: DekRecord | null): void
}

/**
 * Where registry state lives. Reads are synchronous and served from memory; writes go through
 * {@link Store.transaction}, which resolves once they are durable.
 *
 * @example
 * await store.transaction((tx) => tx.putMode(GLOBAL_SCOPE, 'READONLY'))
 */
export interface Store extends StoreReader {
  /**
   * Runs `fn` against the current state and applies the writes it buffered, all or none. `fn`
   * must have no effects besides its writes: a store may run it again if another writer got in
   * first (the Kafka store does). Resolves with `fn`'s result once the writes are durable.
   */
  transaction<T>(fn: (tx: StoreTx) => T): Promise<T>
  /** Resolves when the store has caught up and can serve (immediately for local stores). */
  ready(): Promise<void>
  close(): Promise<void>
}

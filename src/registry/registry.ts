import type { CompatibilityLevel } from '../compat/levels.js'
import type { ParsedSchema, SchemaFormat, SchemaType } from '../formats/format.js'
import { formatFor as defaultFormatFor, supportedTypes } from '../formats/index.js'
import type { ConfigRecord, DekRecord, KekRecord, SchemaRecord, Store, StoreTx, VersionRecord } from '../store/store.js'
import { idsOfGuid, schemaByGuid } from './by-guid.js'
import {
  type CandidateVerdict,
  checkCandidate,
  type CompatibilityOptions,
  prejudge,
  testCompatibility,
  testCompatibilityYielding,
} from './compatibility.js'
import { aliasTarget, deleteConfig, getConfig, putConfig } from './config.js'
import { type CanRead, DEFAULT_OPTIONS, RegistryCore, type RegistryOptions } from './core.js'
import { deleteContext, deleteSubject, deleteVersion } from './delete.js'
import * as keys from './encryption-keys.js'
import { storeError } from './errors.js'
import { listSchemas, listVersions, type ListSchemasOptions, type ListVersionsOptions } from './listings.js'
import { lookup } from './lookup.js'
import { metadataMatch } from './metadata-match.js'
import { deleteMode, getMode, putMode } from './mode.js'
import * as reads from './reads.js'
import { type Offload, OffloadThreads } from './offload.js'
import { precomputeRegistration, register, type RegisterOptions } from './register.js'
import { qualify } from './subjects.js'
import type { CompatibilityView, SchemaByIdView, SchemaRequest, SchemaView, VersionSpec } from './types.js'

export type { CanRead, RegistryOptions } from './core.js'
export { Topic } from '../store/store.js'
export type { ListSchemasOptions, ListVersionsOptions } from './listings.js'
export type { CandidateVerdict, CompatibilityOptions } from './compatibility.js'
export type { RegisterOptions } from './register.js'

export interface CreateRegistryOptions {
  readonly store: Store
  readonly formatFor?: (type: string) => SchemaFormat | undefined
  readonly now?: () => number
  readonly options?: Partial<RegistryOptions>
  /**
   * Worker threads that parse schemas and run compatibility checks for registrations and the
   * compatibility endpoints, so the event loop keeps serving reads meanwhile (0, the default:
   * all on the calling thread). {@link Registry.close} ends them.
   */
  readonly parseThreads?: number
  /** Where to send that work instead of starting `parseThreads` threads (closed by the caller). */
  readonly offload?: Offload
}

/** How `POST /subjects/{s}` looks a schema up. */
export interface LookupOptions {
  readonly normalize?: boolean
  /** Soft-deleted versions match too. */
  readonly deleted?: boolean
  readonly format?: string
  /** The caller's read check for referenced subjects (access control). */
  readonly canRead?: CanRead | undefined
}

/**
 * The registry's use cases over a store: what the HTTP routes, the web UI, the CLI and embedders
 * call. No HTTP and no SQL here: callers parse, call one of these and shape the answer. Subjects
 * may be given unqualified (`orders-value`, the default context) or qualified
 * (`:.staging:orders-value`); failures throw `RegistryError`.
 *
 * @example
 * const registry = createRegistry({ store: new MemoryStore() })
 * const { id } = await registry.register('orders-value', { schema: '"string"' }, {})
 */
export interface Registry {
  /** The server-wide settings the registry runs with. */
  readonly options: RegistryOptions
  /** The schema types this build supports, for `GET /schemas/types`. */
  supportedTypes(): SchemaType[]

  /** `POST /subjects/{s}/versions`: registers a schema (or finds it registered) under a subject. */
  register(subject: string, req: SchemaRequest, opts: RegisterOptions): Promise<SchemaView>
  /**
   * Many registrations at once, for bulk imports: each exactly as {@link register} makes it, in
   * its own transaction, in the given order (a version may reference one earlier in the list),
   * all sharing the store's group commit. Schemas are parsed on the calling thread, since for a
   * batch a hop to a parse thread per schema costs more than the parse. One outcome per request.
   */
  registerAll(
    requests: readonly { readonly subject: string; readonly req: SchemaRequest; readonly opts: RegisterOptions }[],
  ): Promise<PromiseSettledResult<SchemaView>[]>
  /** `POST /subjects/{s}`: the version of the subject holding this schema (40403 when none does). */
  lookup(subject: string, req: SchemaRequest, opts: LookupOptions): SchemaView
  /**
   * `POST /compatibility/subjects/{s}/versions[/{v}]`. With a version, only that version and only
   * the level's direction; without, exactly the check registration would make.
   */
  testCompatibility(
    subject: string,
    version: VersionSpec | undefined,
    req: SchemaRequest,
    opts: CompatibilityOptions,
  ): CompatibilityView
  /** The same check, letting other requests be served while a long one runs (the HTTP route). */
  testCompatibilityYielding(
    subject: string,
    version: VersionSpec | undefined,
    req: SchemaRequest,
    opts: CompatibilityOptions,
  ): Promise<CompatibilityView>
  /** The same check as `testCompatibility`, structured: the level and each violation. */
  checkCandidate(
    subject: string,
    req: SchemaRequest,
    opts?: { normalize?: boolean; canRead?: CanRead | undefined },
  ): CandidateVerdict

  /** `GET /schemas/ids/{id}`: the schema under an id, in the subject's context when one is given. */
  schemaById(
    id: number,
    opts: { subject?: string; format?: string; fetchMaxId?: boolean; canRead?: CanRead | undefined },
  ): SchemaByIdView
  /** `GET /schemas/guids/{guid}`: the schema with this content hash. */
  schemaByGuid(guid: string, format?: string, canRead?: CanRead): SchemaByIdView
  /** `GET /schemas/guids/{guid}/ids`: every id in use with this content hash, by context. */
  idsOfGuid(guid: string): { context: string; id: number }[]
  /** Subject-versions using an id, live only unless `deleted`; 40403 for an unknown id. */
  usesOfId(id: number, opts: { subject?: string; deleted: boolean }): VersionRecord[]
  /** Subjects matching a prefix, with Confluent's deleted/deletedOnly semantics, sorted. */
  listSubjects(opts: { prefix?: string; deleted?: boolean; deletedOnly?: boolean }): string[]
  /** `GET /subjects/{s}/versions`: the version numbers of a subject, ascending. */
  listVersions(subject: string, opts?: ListVersionsOptions): number[]
  /** One version of a subject (`latest` is the newest visible one); 40401/40402 when absent. */
  getVersion(subject: string, spec: VersionSpec, deleted: boolean): VersionRecord
  /** A version as the API shows it, its schema rendered in `format`. */
  versionView(v: VersionRecord, format?: string): SchemaView
  /**
   * A `format` other than the default may inline referenced schemas (`resolved`, `serialized`):
   * the caller must then be able to read every referenced subject, transitively (403 otherwise).
   */
  assertRenderable(v: VersionRecord, format: string | undefined, canRead: CanRead | undefined): void
  /** The schema text of a version, rendered in `format`. */
  renderVersionSchema(v: VersionRecord, format?: string): string
  /** Ids of schemas referencing a subject-version whose uses are visible under `deleted`. */
  referencedBy(v: VersionRecord, deleted: boolean, canRead?: CanRead): number[]
  /** `GET /schemas`: versions of the subjects matching the prefix, by subject then version. */
  listSchemas(opts: ListSchemasOptions): SchemaView[]
  /** `GET /subjects/{s}/metadata`: the newest visible version whose metadata holds every pair. */
  metadataMatch(
    subject: string,
    pairs: readonly (readonly [string, string])[],
    deleted: boolean,
    format?: string,
  ): SchemaView

  /** `DELETE /subjects/{s}`: the versions deleted. */
  deleteSubject(subject: string, permanent: boolean, canRead?: CanRead): Promise<number[]>
  /** `DELETE /subjects/{s}/versions/{v}`: the version deleted. */
  deleteVersion(subject: string, spec: VersionSpec, permanent: boolean, canRead?: CanRead): Promise<number>

  /** The subject an alias stands for, undefined when the subject is no alias. */
  aliasTarget(subject: string): string | undefined
  /** `GET /config[/{s}]`. */
  getConfig(scope: string, opts: { defaultToGlobal?: boolean }): ConfigRecord
  /** `PUT /config[/{s}]`: a partial update; answers the stored result. */
  putConfig(scope: string, body: Record<string, unknown>): Promise<ConfigRecord>
  /** `DELETE /config[/{s}]`: answers the config removed. */
  deleteConfig(scope: string): Promise<ConfigRecord>
  /** `GET /mode[/{s}]`. */
  getMode(scope: string, opts: { defaultToGlobal?: boolean }): string
  /** `PUT /mode[/{s}]`; `null` removes the scope's own mode. */
  putMode(scope: string, mode: unknown, force: boolean): Promise<void>
  /** `DELETE /mode[/{s}]`: answers the mode removed. */
  deleteMode(scope: string, recursive: boolean): Promise<string | undefined>

  /** Contexts that hold at least one version, `.` always included. */
  contexts(): string[]
  /** `DELETE /contexts/{c}`: refused while the context holds a version. */
  deleteContext(context: string): Promise<void>

  // Reads for caches, metrics and the web UI: stored state as it is, no API semantics on top.

  /** A number that changes whenever the stored state changes: lets callers cache answers. */
  generation(): number
  /**
   * A number that changes whenever one of these parts of the stored state changes (`Topic`),
   * and never goes down: lets callers keep an answer while writes touch other parts.
   */
  stamp(topics: readonly string[]): number
  /** Schemas stored under a global id, all contexts: the highest id of each context, summed. */
  schemaCount(): number
  /** Every subject with at least one version (live or soft-deleted), unsorted. */
  storedSubjects(): Iterable<string>
  /** All versions of a subject, soft-deleted included, ascending; empty when unknown. */
  storedVersions(subject: string): readonly VersionRecord[]
  /** The stored schema of a version (50001 when the store lacks it). */
  storedSchema(v: VersionRecord): SchemaRecord
  /** The schema type of a version; AVRO when the store lacks its schema. */
  schemaTypeOf(v: VersionRecord): SchemaType
  /** The config set at exactly this scope, undefined when it inherits. */
  storedConfig(scope: string): ConfigRecord | undefined
  /** The mode set at exactly this scope, undefined when it inherits. */
  storedMode(scope: string): string | undefined
  /** The config a subject runs under: its own fields over its context's (or the global) config. */
  effectiveConfig(subject: string): ConfigRecord & { compatibilityLevel: CompatibilityLevel }
  /** The mode a subject runs under: the first scope with a mode set, else READWRITE. */
  effectiveMode(subject: string): string
  /** Subject-versions whose schemas reference this version, soft-deleted included. */
  referrersOf(v: VersionRecord): VersionRecord[]
  /** The format of a schema type (42201 for an unknown one). */
  format(type: string): SchemaFormat
  /** A stored schema parsed as compatibility checks read it (leniently, cached). */
  parsedSchema(record: SchemaRecord): ParsedSchema
  /** Ends the parse threads, if any. */
  close(): Promise<void>

  /** The DEK registry's keys. */
  readonly encryptionKeys: EncryptionKeys
}

/**
 * The DEK registry (`/dek-registry/v1`) over the same store: KEKs, and the DEKs clients wrapped
 * with them. Reads throw 40470 for an absent key; writes resolve once durable.
 */
export interface EncryptionKeys {
  kekNames(opts: { deleted: boolean; subjectPrefixes?: readonly string[]; canRead?: CanRead | undefined }): string[]
  getKek(name: string, deleted: boolean): KekRecord
  createKek(req: keys.CreateKekRequest): Promise<KekRecord>
  updateKek(name: string, req: keys.UpdateKekRequest): Promise<KekRecord>
  deleteKek(name: string, permanent: boolean): Promise<void>
  undeleteKek(name: string): Promise<void>
  dekSubjects(kekName: string, deleted: boolean): string[]
  dekVersions(kekName: string, subject: string, algorithm: string | undefined, deleted: boolean): number[]
  getDek(
    kekName: string,
    subject: string,
    version: VersionSpec,
    algorithm: string | undefined,
    deleted: boolean,
  ): DekRecord
  createDek(kekName: string, req: keys.CreateDekRequest): Promise<DekRecord>
  deleteDeks(sel: keys.DekSelector, permanent: boolean): Promise<void>
  undeleteDeks(sel: keys.DekSelector): Promise<void>
}

/**
 * The registry over a store.
 *
 * @example
 * const registry = createRegistry({ store: new MemoryStore() })
 * const { id } = await registry.register('orders-value', { schema: '"string"' }, {})
 */
export function createRegistry({
  store,
  formatFor = defaultFormatFor,
  now = Date.now,
  options = {},
  parseThreads = 0,
  offload: given,
}: CreateRegistryOptions): Registry {
  const settings = { ...DEFAULT_OPTIONS, ...options }
  const owned = !given && parseThreads > 0 ? new OffloadThreads(parseThreads, settings) : undefined
  const offload = given ?? owned
  const core = new RegistryCore({ store, formatFor, now, options: settings, offload })
  // A write reads through its transaction, never the store directly: the transaction also sees
  // earlier writes that are still being made durable, as serial execution would.
  const write = <T>(fn: (core: RegistryCore, tx: StoreTx) => T): Promise<T> =>
    store.transaction((tx) => fn(core.over(tx), tx)).catch((e: unknown) => Promise.reject(writeFailure(e)))

  return {
    options: core.deps.options,
    supportedTypes,

    register: async (subject, req, opts) => {
      const precomputed = await precomputeRegistration(core, subject, req, opts)
      const withForms = precomputed.length > 0 ? { ...opts, precomputed } : opts
      await prejudge(core, subject, req, withForms)
      return write((core, tx) => register(core, tx, subject, req, withForms))
    },
    registerAll: (requests) =>
      Promise.allSettled(
        requests.map(({ subject, req, opts }) => write((core, tx) => register(core, tx, subject, req, opts))),
      ),
    lookup: (subject, req, opts) => lookup(core, subject, req, opts),
    testCompatibility: (subject, version, req, opts) => testCompatibility(core, subject, version, req, opts),
    testCompatibilityYielding: (subject, version, req, opts) =>
      testCompatibilityYielding(core, subject, version, req, opts),
    checkCandidate: (subject, req, opts = {}) => checkCandidate(core, subject, undefined, req, opts),

    schemaById: (id, opts) => reads.schemaById(core, id, opts),
    schemaByGuid: (guid, format, canRead) => schemaByGuid(core, guid, format, canRead),
    idsOfGuid: (guid) => idsOfGuid(core, guid),
    usesOfId: (id, opts) => reads.usesOfId(core, id, opts),
    listSubjects: (opts) => reads.listSubjects(core, opts),
    listVersions: (subject, opts) => listVersions(core, subject, opts),
    getVersion: (subject, spec, deleted) => reads.getVersion(core, qualify(subject).qualified, spec, deleted),
    versionView: (v, format) => reads.versionView(core, v, format),
    assertRenderable: (v, format, canRead) => reads.assertRenderable(core, v, format, canRead),
    renderVersionSchema: (v, format) => reads.renderSchema(core, core.schemaOf(v), format),
    referencedBy: (v, deleted, canRead) => reads.referencedBy(core, v, deleted, canRead),
    listSchemas: (opts) => listSchemas(core, opts),
    metadataMatch: (subject, pairs, deleted, format) => metadataMatch(core, subject, pairs, deleted, format),

    deleteSubject: (subject, permanent, canRead) =>
      write((core, tx) => deleteSubject(core, tx, subject, permanent, canRead)),
    deleteVersion: (subject, spec, permanent, canRead) =>
      write((core, tx) => deleteVersion(core, tx, subject, spec, permanent, canRead)),

    aliasTarget: (subject) => aliasTarget(core, subject),
    getConfig: (scope, opts) => getConfig(core, scope, opts),
    putConfig: (scope, body) => write((core, tx) => putConfig(core, tx, scope, body)),
    deleteConfig: (scope) => write((core, tx) => deleteConfig(core, tx, scope)),
    getMode: (scope, opts) => getMode(core, scope, opts),
    putMode: (scope, mode, force) => write((core, tx) => putMode(core, tx, scope, mode, force)),
    deleteMode: (scope, recursive) => write((core, tx) => deleteMode(core, tx, scope, recursive)),

    contexts: () => store.contexts(),
    deleteContext: (context) => write((_core, tx) => deleteContext(tx, context)),

    generation: () => store.generation(),
    stamp: (topics) => {
      let sum = 0
      for (const t of topics) sum += store.stamp(t)
      return sum
    },
    schemaCount: () => store.contexts().reduce((n, c) => n + store.maxId(c), 0),
    storedSubjects: () => store.subjects(),
    storedVersions: (subject) => store.versionsOf(subject),
    storedSchema: (v) => core.schemaOf(v),
    schemaTypeOf: (v) => store.schemaById(v.context, v.id)?.schemaType ?? 'AVRO',
    storedConfig: (scope) => store.config(scope),
    storedMode: (scope) => store.mode(scope),
    effectiveConfig: (subject) => core.effectiveConfig(subject),
    effectiveMode: (subject) => core.effectiveMode(subject),
    referrersOf: (v) => store.referrersOf(v.subject, v.version).flatMap(({ context, id }) => store.usesOf(context, id)),
    format: (type) => core.format(type),
    parsedSchema: (record) => core.parseStored(record),
    close: async () => {
      await owned?.close()
    },

    encryptionKeys: {
      kekNames: (opts) => keys.kekNames(store, opts),
      getKek: (name, deleted) => keys.getKek(store, name, deleted),
      createKek: (req) => write((core, tx) => keys.createKek(core, tx, req)),
      updateKek: (name, req) => write((core, tx) => keys.updateKek(core, tx, name, req)),
      deleteKek: (name, permanent) => write((core, tx) => keys.deleteKek(core, tx, name, permanent)),
      undeleteKek: (name) => write((core, tx) => keys.undeleteKek(core, tx, name)),
      dekSubjects: (kekName, deleted) => keys.dekSubjects(store, kekName, deleted),
      dekVersions: (kekName, subject, algorithm, deleted) =>
        keys.dekVersions(store, kekName, subject, algorithm, deleted),
      getDek: (kekName, subject, version, algorithm, deleted) =>
        keys.getDek(store, kekName, subject, version, algorithm, deleted),
      createDek: (kekName, req) => write((core, tx) => keys.createDek(core, tx, kekName, req)),
      deleteDeks: (sel, permanent) => write((core, tx) => keys.deleteDeks(core, tx, sel, permanent)),
      undeleteDeks: (sel) => write((core, tx) => keys.undeleteDeks(core, tx, sel)),
    },
  }
}

/** Storage codes that mean the disk holding the store is full. */
const DISK_FULL = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT'])

/**
 * A write the store could not make, as the error the client gets: a full disk is named as such
 * (500/50001: nothing was written, reads still work); other failures pass through unchanged.
 */
function writeFailure(e: unknown): unknown {
  const code = (e as { code?: unknown } | null)?.code
  if (typeof code === 'string' && DISK_FULL.has(code)) {
    return storeError(
      'The registry is out of disk space: the write was not made. Reads still work; free space and retry.',
      { cause: e },
    )
  }
  return e
}

import { formatFor as defaultFormatFor, supportedTypes } from '../formats/index.js'
import type { SchemaFormat } from '../formats/format.js'
import type { ConfigRecord, Store, StoreTx, VersionRecord } from '../store/store.js'
import {
  checkCandidate,
  prejudge,
  testCompatibility,
  testCompatibilityYielding,
  type CompatibilityOptions,
} from './compatibility.js'
import { aliasTarget, deleteConfig, getConfig, putConfig } from './config.js'
import { type CanRead, DEFAULT_OPTIONS, RegistryCore, type RegistryOptions } from './core.js'
import { deleteSubject, deleteVersion } from './delete.js'
import { contextNotEmpty, schemaNotFound, storeError, subjectNotFound } from './errors.js'
import { lookup } from './lookup.js'
import { deleteMode, getMode, putMode } from './mode.js'
import * as reads from './reads.js'
import { register, type RegisterOptions } from './register.js'
import { DEFAULT_CONTEXT, qualify } from './subjects.js'
import type { SchemaByIdView, SchemaRequest, SchemaView, VersionSpec } from './types.js'

export interface CreateRegistryOptions {
  readonly store: Store
  readonly formatFor?: (type: string) => SchemaFormat | undefined
  readonly now?: () => number
  readonly options?: Partial<RegistryOptions>
}

/**
 * The registry's use cases over a store. No HTTP and no SQL here: routes parse, call one of
 * these and shape the answer.
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
}: CreateRegistryOptions) {
  const core = new RegistryCore({ store, formatFor, now, options: { ...DEFAULT_OPTIONS, ...options } })
  // A write reads through its transaction, never the store directly: the transaction also sees
  // earlier writes that are still being made durable, as serial execution would.
  const write = <T>(fn: (core: RegistryCore, tx: StoreTx) => T): Promise<T> =>
    store.transaction((tx) => fn(core.over(tx), tx)).catch((e: unknown) => Promise.reject(writeFailure(e)))
  /**
   * The ids in use (by a version, soft-deleted included) whose schema has this guid, ascending per
   * context. It walks versions, not the id range: imported ids may be sparse up to 2^31-1.
   */
  const idsWithGuid = (guid: string): Map<string, number[]> => {
    const found = new Map<string, Set<number>>()
    for (const subject of store.subjects()) {
      for (const v of store.versionsOf(subject)) {
        if (found.get(v.context)?.has(v.id) || store.schemaById(v.context, v.id)?.guid !== guid) continue
        found.set(v.context, (found.get(v.context) ?? new Set()).add(v.id))
      }
    }
    return new Map([...found].map(([context, ids]) => [context, [...ids].sort((a, b) => a - b)]))
  }

  return {
    core,
    options: core.deps.options,
    supportedTypes,

    register: async (subject: string, req: SchemaRequest, opts: RegisterOptions): Promise<SchemaView> => {
      await prejudge(core, subject, req, opts)
      return write((core, tx) => register(core, tx, subject, req, opts))
    },
    lookup: (
      subject: string,
      req: SchemaRequest,
      opts: { normalize?: boolean; deleted?: boolean; format?: string; canRead?: CanRead | undefined },
    ) => lookup(core, subject, req, opts),
    testCompatibility: (
      subject: string,
      version: VersionSpec | undefined,
      req: SchemaRequest,
      opts: CompatibilityOptions,
    ) => testCompatibility(core, subject, version, req, opts),
    /** The same check, letting other requests be served while a long one runs (the HTTP route). */
    testCompatibilityYielding: (
      subject: string,
      version: VersionSpec | undefined,
      req: SchemaRequest,
      opts: CompatibilityOptions,
    ) => testCompatibilityYielding(core, subject, version, req, opts),
    /** The same check as `testCompatibility`, structured: the level and each violation. */
    checkCandidate: (
      subject: string,
      req: SchemaRequest,
      opts: { normalize?: boolean; canRead?: CanRead | undefined } = {},
    ) => checkCandidate(core, subject, undefined, req, opts),

    schemaById: (
      id: number,
      opts: { subject?: string; format?: string; fetchMaxId?: boolean; canRead?: CanRead | undefined },
    ): SchemaByIdView => reads.schemaById(core, id, opts),
    schemaByGuid: (guid: string, format?: string, canRead?: CanRead): SchemaByIdView => {
      const byContext = idsWithGuid(guid)
      for (const context of store.contexts()) {
        const id = byContext.get(context)?.at(-1)
        if (id === undefined) continue
        const {
          subject: _s,
          version: _v,
          maxId: _m,
          ...view
        } = reads.schemaById(core, id, {
          ...(context === DEFAULT_CONTEXT ? {} : { subject: `:${context}:` }),
          ...(format ? { format } : {}),
          canRead,
        })
        return view
      }
      throw schemaNotFound(guid)
    },
    idsOfGuid: (guid: string) => {
      const byContext = idsWithGuid(guid)
      return store.contexts().flatMap((context) => (byContext.get(context) ?? []).map((id) => ({ context, id })))
    },
    usesOfId: (id: number, opts: { subject?: string; deleted: boolean }) => reads.usesOfId(core, id, opts),
    listSubjects: (opts: { prefix?: string; deleted?: boolean; deletedOnly?: boolean }) =>
      reads.listSubjects(core, opts),
    listVersions: (subject: string, { deleted = false, deletedOnly = false, deletedAsNegative = false } = {}) => {
      const all = store.versionsOf(qualify(subject).qualified)
      if ((deletedAsNegative || deletedOnly) && all.length === 0) throw subjectNotFound(qualify(subject).qualified)
      if (deletedAsNegative) return all.map((v) => (v.deleted ? -v.version : v.version))
      if (deletedOnly) return all.filter((v) => v.deleted).map((v) => v.version)
      return reads.visibleVersions(core, qualify(subject).qualified, deleted).map((v) => v.version)
    },
    getVersion: (subject: string, spec: VersionSpec, deleted: boolean): VersionRecord =>
      reads.getVersion(core, qualify(subject).qualified, spec, deleted),
    versionView: (v: VersionRecord, format?: string) => reads.versionView(core, v, format),
    /**
     * A `format` other than the default may inline referenced schemas (`resolved`, `serialized`):
     * the caller must then be able to read every referenced subject, transitively (403 otherwise).
     */
    assertRenderable: (v: VersionRecord, format: string | undefined, canRead: CanRead | undefined) => {
      if (!canRead || !format || format === 'default') return
      const record = core.schemaOf(v)
      if (record.references.length > 0)
        core.resolveReferences(record.references, record.context, { includeDeleted: true, canRead })
    },
    renderVersionSchema: (v: VersionRecord, format?: string) => reads.renderSchema(core, core.schemaOf(v), format),
    referencedBy: (v: VersionRecord, deleted: boolean, canRead?: CanRead) =>
      reads.referencedBy(core, v, deleted, canRead),
    listSchemas: (opts: {
      prefix?: string
      deleted?: boolean
      latestOnly?: boolean
      ruleType?: string
      format?: string
    }) => {
      const matches = reads.subjectPrefixMatcher(opts.prefix ?? '')
      const out: SchemaView[] = []
      for (const subject of [...store.subjects()].filter(matches).sort()) {
        let versions = store.versionsOf(subject).filter((v) => opts.deleted || !v.deleted)
        if (opts.latestOnly) versions = versions.slice(-1)
        for (const v of versions) {
          const view = reads.versionView(core, v, opts.format)
          if (opts.ruleType && !hasRuleType(view.ruleSet, opts.ruleType)) continue
          out.push(view)
        }
      }
      return out
    },
    metadataMatch: (subject: string, pairs: [string, string][], deleted: boolean, format?: string) => {
      const visible = reads.visibleVersions(core, qualify(subject).qualified, deleted)
      for (const v of [...visible].reverse()) {
        const props = (core.schemaOf(v).metadata?.properties ?? {}) as Record<string, unknown>
        if (pairs.every(([k, val]) => props[k] === val)) return reads.versionView(core, v, format)
      }
      throw schemaNotFound()
    },

    deleteSubject: (subject: string, permanent: boolean, canRead?: CanRead) =>
      write((core, tx) => deleteSubject(core, tx, subject, permanent, canRead)),
    deleteVersion: (subject: string, spec: VersionSpec, permanent: boolean, canRead?: CanRead) =>
      write((core, tx) => deleteVersion(core, tx, subject, spec, permanent, canRead)),

    aliasTarget: (subject: string) => aliasTarget(core, subject),
    getConfig: (scope: string, opts: { defaultToGlobal?: boolean }) => getConfig(core, scope, opts),
    putConfig: (scope: string, body: Record<string, unknown>): Promise<ConfigRecord> =>
      write((core, tx) => putConfig(core, tx, scope, body)),
    deleteConfig: (scope: string) => write((core, tx) => deleteConfig(core, tx, scope)),
    getMode: (scope: string, opts: { defaultToGlobal?: boolean }) => getMode(core, scope, opts),
    putMode: (scope: string, mode: unknown, force: boolean) =>
      write((core, tx) => putMode(core, tx, scope, mode, force)),
    deleteMode: (scope: string, recursive: boolean) => write((core, tx) => deleteMode(core, tx, scope, recursive)),

    contexts: () => store.contexts(),
    deleteContext: (context: string) =>
      write((_core, tx) => {
        if ([...tx.subjects()].some((s) => qualify(s).context === context)) throw contextNotEmpty(context)
      }),
  }
}

export type Registry = ReturnType<typeof createRegistry>

function hasRuleType(ruleSet: ConfigRecord | undefined, type: string): boolean {
  if (!ruleSet) return false
  return ['migrationRules', 'domainRules', 'encodingRules'].some((list) =>
    ((ruleSet[list] ?? []) as { type?: string }[]).some((r) => r.type === type),
  )
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

import type { StoreTx, VersionRecord } from '../store/store.js'
import type { CanRead, RegistryCore } from './core.js'
import {
  contextNotEmpty,
  operationNotPermitted,
  referenceExists,
  subjectNotFound,
  subjectNotSoftDeleted,
  subjectSoftDeleted,
  versionNotFound,
  versionNotSoftDeleted,
  versionSoftDeleted,
} from './errors.js'
import { qualify } from './subjects.js'
import type { VersionSpec } from './types.js'

function assertWritable(core: RegistryCore, subject: string): void {
  if (core.effectiveMode(subject) === 'READONLY') {
    const q = qualify(subject)
    throw operationNotPermitted(`Subject ${q.qualified} in context ${q.context} is in read-only mode`)
  }
}

/**
 * Blocks deleting a version that other schemas reference (soft: live referrers only). The error
 * names the referring versions the caller may read; the others are only said to exist.
 */
function assertUnreferenced(
  core: RegistryCore,
  v: VersionRecord,
  permanent: boolean,
  canRead: CanRead | undefined,
  exceptSubject?: string,
): void {
  const blocking = core.store
    .referrersOf(v.subject, v.version)
    .flatMap(({ context, id }) => core.store.usesOf(context, id))
    .filter((u) => u.subject !== exceptSubject && (permanent || !u.deleted))
  if (blocking.length === 0) return
  const visible = blocking.filter((u) => !canRead || canRead(u.subject))
  throw referenceExists(v.subject, v.version, visible, visible.length < blocking.length)
}

/** Removes the subject's config and mode once it has no version left. */
function forgetSubject(tx: StoreTx, subject: string): void {
  if (tx.config(subject)) tx.putConfig(subject, null)
  if (tx.mode(subject)) tx.putMode(subject, null)
}

/** `DELETE /subjects/{s}`: soft marks live versions deleted; permanent removes them all. */
export function deleteSubject(
  core: RegistryCore,
  tx: StoreTx,
  rawSubject: string,
  permanent: boolean,
  canRead?: CanRead,
): number[] {
  const subject = qualify(rawSubject).qualified
  const all = tx.versionsOf(subject)
  if (all.length === 0) throw subjectNotFound(subject)
  const live = all.filter((v) => !v.deleted)
  if (!permanent && live.length === 0) throw subjectSoftDeleted(subject)
  assertWritable(core, subject)
  for (const v of all) assertUnreferenced(core, v, permanent, canRead, subject)
  if (permanent && live.length > 0) throw subjectNotSoftDeleted(subject)
  if (permanent) {
    for (const v of all) tx.deleteVersion(subject, v.version)
    forgetSubject(tx, subject)
    return all.map((v) => v.version)
  }
  const highestLive = live.at(-1)!.version
  const marked = all.filter((v) => !v.deleted && v.version <= highestLive)
  for (const v of marked) tx.putVersion({ ...v, deleted: true })
  return marked.map((v) => v.version)
}

/** `DELETE /subjects/{s}/versions/{v}`. */
export function deleteVersion(
  core: RegistryCore,
  tx: StoreTx,
  rawSubject: string,
  spec: VersionSpec,
  permanent: boolean,
  canRead?: CanRead,
): number {
  const subject = qualify(rawSubject).qualified
  const all = tx.versionsOf(subject)
  if (all.length === 0) throw subjectNotFound(subject)
  const target = spec === 'latest' ? all.filter((v) => !v.deleted).at(-1) : all.find((v) => v.version === spec)
  if (!target) throw versionNotFound(spec === 'latest' ? 'latest' : spec)
  if (!permanent && target.deleted) throw versionSoftDeleted(subject, target.version)
  if (permanent && !target.deleted) throw versionNotSoftDeleted(subject, target.version)
  assertWritable(core, subject)
  assertUnreferenced(core, target, permanent, canRead)
  if (permanent) {
    tx.deleteVersion(subject, target.version)
    if (all.length === 1) forgetSubject(tx, subject)
  } else {
    tx.putVersion({ ...target, deleted: true })
  }
  return target.version
}

/**
 * `DELETE /contexts/{c}`: a context exists only while it holds versions, so there is nothing to
 * remove; refused (42211) while any subject of the context has a version, soft-deleted included.
 */
export function deleteContext(tx: StoreTx, context: string): void {
  if ([...tx.subjects()].some((s) => qualify(s).context === context)) throw contextNotEmpty(context)
}

import type { SchemaRecord, VersionRecord } from '../store/store.js'
import type { CanRead, RegistryCore } from './core.js'
import { invalidVersion, schemaNotFound, subjectNotFound, versionNotFound } from './errors.js'
import { DEFAULT_CONTEXT, qualify } from './subjects.js'
import type { SchemaByIdView, SchemaView, VersionSpec } from './types.js'

const MAX_VERSION = 2 ** 31 - 1

/** Parses a `{version}` path value: `latest` (any case) or -1, else 1..2^31-1 (42202 otherwise). */
export function parseVersion(raw: string): VersionSpec {
  const trimmed = raw.trim()
  if (trimmed.toLowerCase() === 'latest') return 'latest'
  if (!/^-?\d+$/.test(trimmed)) throw invalidVersion(raw)
  const n = Number(trimmed)
  if (n === -1) return 'latest'
  if (n < 1 || n > MAX_VERSION) throw invalidVersion(raw)
  return n
}

/** Renders a stored schema for a `format` query value; unknown values give the canonical text. */
export function renderSchema(core: RegistryCore, record: SchemaRecord, format: string | undefined): string {
  if (!format || format === 'default') return record.schema
  const rendered = core.format(record.schemaType).render(core.parseStored(record), format)
  return rendered ?? record.schema
}

/**
 * A `format` other than the default may inline referenced schemas (`resolved`, `serialized`):
 * the caller must then be able to read every referenced subject, transitively (403 otherwise).
 */
export function assertRenderable(
  core: RegistryCore,
  v: VersionRecord,
  format: string | undefined,
  canRead: CanRead | undefined,
): void {
  if (!canRead || !format || format === 'default') return
  const record = core.schemaOf(v)
  if (record.references.length > 0)
    core.resolveReferences(record.references, record.context, { includeDeleted: true, canRead })
}

/** What every view of a stored schema carries, whichever way it was reached. */
function schemaFields(core: RegistryCore, record: SchemaRecord, format: string | undefined) {
  return {
    id: record.id,
    guid: record.guid,
    schemaType: record.schemaType,
    schema: renderSchema(core, record, format),
    references: record.references,
    ...(record.metadata ? { metadata: record.metadata } : {}),
    ...(record.ruleSet ? { ruleSet: record.ruleSet } : {}),
  }
}

export function versionView(core: RegistryCore, v: VersionRecord, format?: string): SchemaView {
  return {
    subject: v.subject,
    version: v.version,
    ...schemaFields(core, core.schemaOf(v), format),
    ts: v.ts,
    deleted: v.deleted,
  }
}

/** Subjects matching a prefix, with Confluent's deleted/deletedOnly semantics, sorted. */
export function listSubjects(
  core: RegistryCore,
  {
    prefix = ':*:',
    deleted = false,
    deletedOnly = false,
  }: { prefix?: string; deleted?: boolean; deletedOnly?: boolean },
): string[] {
  const matches = subjectPrefixMatcher(prefix)
  const out: string[] = []
  for (const subject of core.store.subjects()) {
    if (!matches(subject)) continue
    const anyLive = core.store.versionsOf(subject).some((v) => !v.deleted)
    if (deletedOnly ? !anyLive : deleted || anyLive) out.push(subject)
  }
  return out.sort()
}

/**
 * `subjectPrefix` semantics: `:*:` (or `:*:x`) matches every context; `""` the default context
 * only; `:.ctx:x` that context.
 */
export function subjectPrefixMatcher(prefix: string): (subject: string) => boolean {
  if (prefix.startsWith(':*:')) {
    const rest = prefix.slice(3)
    return (s) => qualify(s).name.startsWith(rest)
  }
  const q = qualify(prefix)
  return (s) => {
    const sq = qualify(s)
    return sq.context === q.context && sq.name.startsWith(q.name)
  }
}

/** The versions of a subject visible under `deleted`, 40401 when there are none. */
export function visibleVersions(core: RegistryCore, subject: string, deleted: boolean): readonly VersionRecord[] {
  const all = core.store.versionsOf(subject)
  const visible = deleted ? all : all.filter((v) => !v.deleted)
  if (visible.length === 0) throw subjectNotFound(subject)
  return visible
}

/** One version: `latest` is the highest live version, never a soft-deleted one. */
export function getVersion(core: RegistryCore, subject: string, spec: VersionSpec, deleted: boolean): VersionRecord {
  const visible = visibleVersions(core, subject, deleted)
  if (spec === 'latest') {
    const latest = visible.filter((v) => !v.deleted).at(-1)
    if (!latest) throw versionNotFound('latest')
    return latest
  }
  const found = visible.find((v) => v.version === spec)
  if (!found) throw versionNotFound(spec)
  return found
}

/**
 * Resolves `GET /schemas/ids/{id}`: the id in the subject's context (or the default one), with
 * subject/version reported when a subject was given (Confluent `SchemasResource.getSchema`).
 */
export function schemaById(
  core: RegistryCore,
  id: number,
  {
    subject,
    format,
    fetchMaxId,
    canRead,
  }: { subject?: string; format?: string; fetchMaxId?: boolean; canRead?: CanRead | undefined },
): SchemaByIdView {
  const contexts = subject ? candidateContexts(core, subject) : [DEFAULT_CONTEXT]
  // Confluent AbstractSchemaRegistry.getSchemaKeyUsingContexts: first the context in which the
  // subject itself uses the id, the default context before named ones; only then any use.
  if (subject && !subject.startsWith(':.')) {
    const name = qualify(subject).name
    const usedBySubject = (c: string) => core.store.usesOf(c, id).some((u) => qualify(u.subject).name === name)
    const own = [DEFAULT_CONTEXT, ...contexts.filter((c) => c !== DEFAULT_CONTEXT)].find(usedBySubject)
    if (own !== undefined) contexts.unshift(own)
  }
  for (const context of contexts) {
    const uses = core.store.usesOf(context, id)
    const record = core.store.schemaById(context, id)
    if (!record || uses.length === 0) continue
    const own = subject ? uses.filter((u) => qualify(u.subject).name === qualify(subject).name) : []
    const use = own.find((u) => !u.deleted) ?? own[0]
    // A format that inlines references (resolved, serialized) shows the referenced schemas: the
    // caller must be able to read every referenced subject, transitively, as for versions.
    if (canRead && format && format !== 'default' && record.references.length > 0) {
      core.resolveReferences(record.references, record.context, { includeDeleted: true, canRead })
    }
    return {
      ...(subject ? { subject: use?.subject ?? uses[0]!.subject, version: use?.version ?? uses[0]!.version } : {}),
      ...schemaFields(core, record, format),
      ...(fetchMaxId ? { maxId: core.store.maxId(context) } : {}),
      ts: Math.min(...uses.map((u) => u.ts)),
      deleted: uses.every((u) => u.deleted),
    }
  }
  throw schemaNotFound(id)
}

/** An unqualified subject tries every named context, then the default one; a qualified one its own. */
function candidateContexts(core: RegistryCore, subject: string): string[] {
  const q = qualify(subject)
  if (subject.startsWith(':.')) return [q.context]
  return [...core.store.contexts().filter((c) => c !== DEFAULT_CONTEXT), DEFAULT_CONTEXT]
}

/** Subject-versions using an id, live only unless `deleted`; 40403 for an unknown id. */
export function usesOfId(
  core: RegistryCore,
  id: number,
  { subject, deleted }: { subject?: string; deleted: boolean },
): VersionRecord[] {
  const context = subject ? qualify(subject).context : DEFAULT_CONTEXT
  const uses = core.store.usesOf(context, id)
  if (uses.length === 0) throw schemaNotFound(id)
  return uses
    .filter((u) => deleted || !u.deleted)
    .sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version))
}

/** Ids of schemas referencing a subject-version whose uses are visible under `deleted`. */
export function referencedBy(core: RegistryCore, target: VersionRecord, deleted: boolean, canRead?: CanRead): number[] {
  return core.store
    .referrersOf(target.subject, target.version)
    .filter(({ context, id }) =>
      core.store.usesOf(context, id).some((u) => (deleted || !u.deleted) && (!canRead || canRead(u.subject))),
    )
    .sort((a, b) => (a.context < b.context ? -1 : a.context > b.context ? 1 : a.id - b.id))
    .map((r) => r.id)
}

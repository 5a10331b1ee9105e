import type { SchemaType } from '../../formats/format.js'
import type { Registry } from '../../registry/registry.js'
import { contextScope, DEFAULT_CONTEXT, GLOBAL_CONTEXT, qualify, referencedSubject } from '../../registry/subjects.js'
import type { SchemaRecord, VersionRecord } from '../../store/store.js'
import { GLOBAL_SCOPE } from '../../formats/model.js'
import type { UiAccess } from './access.js'

export const PAGE_SIZE = 50

export interface SubjectFilter {
  /** Matched against the subject name (without its context), ignoring case. */
  readonly q: string
  readonly match: 'contains' | 'prefix'
  readonly type: SchemaType | ''
  /** `.` for the default context, `.name` for another; '' for any. */
  readonly context: string
  /** Also list subjects whose versions are all soft-deleted. */
  readonly deleted: boolean
  /** 1-based. */
  readonly page: number
}

export interface SubjectRow {
  readonly subject: string
  readonly context: string
  readonly name: string
  readonly type: SchemaType
  /** Live versions. */
  readonly versions: number
  /** The newest live version, or the newest soft-deleted one when none is live. */
  readonly latest: VersionRecord
  readonly allDeleted: boolean
}

export interface SubjectPage {
  readonly rows: readonly SubjectRow[]
  /** Subjects matching the filter. */
  readonly matched: number
  /** Subjects the caller may read, before filtering. */
  readonly readable: number
  readonly page: number
  readonly pages: number
}

/**
 * One page of the subject list. Matching reads only names and the in-memory version lists, so
 * ten thousand subjects cost a few milliseconds; only the page's rows are built in full.
 */
export function subjectPage(registry: Registry, access: UiAccess, filter: SubjectFilter): SubjectPage {
  const needle = filter.q.toLowerCase()
  let readable = 0
  const matched: { subject: string; name: string; context: string; versions: readonly VersionRecord[] }[] = []
  for (const subject of registry.storedSubjects()) {
    if (!access.canRead(subject)) continue
    const versions = registry.storedVersions(subject)
    if (versions.length === 0) continue
    const anyLive = versions.some((v) => !v.deleted)
    if (!anyLive && !filter.deleted) continue
    readable++
    const q = qualify(subject)
    if (filter.context !== '' && q.context !== filter.context) continue
    const name = q.name.toLowerCase()
    if (needle !== '' && (filter.match === 'prefix' ? !name.startsWith(needle) : !name.includes(needle))) continue
    if (filter.type !== '' && typeOf(registry, latestOf(versions)) !== filter.type) continue
    matched.push({ subject, name: q.name, context: q.context, versions })
  }
  matched.sort((a, b) => compareText(a.name, b.name) || compareText(a.context, b.context))
  const pages = Math.max(1, Math.ceil(matched.length / PAGE_SIZE))
  const page = Math.min(Math.max(1, filter.page), pages)
  const rows = matched.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map(({ subject, versions }): SubjectRow => {
    const latest = latestOf(versions)
    const q = qualify(subject)
    const live = versions.filter((v) => !v.deleted).length
    return {
      subject,
      context: q.context,
      name: q.name,
      type: typeOf(registry, latest),
      versions: live,
      latest,
      allDeleted: live === 0,
    }
  })
  return { rows, matched: matched.length, readable, page, pages }
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

const latestOf = (versions: readonly VersionRecord[]) => versions.filter((v) => !v.deleted).at(-1) ?? versions.at(-1)!

function typeOf(registry: Registry, v: VersionRecord): SchemaType {
  return registry.schemaTypeOf(v)
}

/** Contexts that hold at least one subject the caller may read. */
export function readableContexts(registry: Registry, access: UiAccess): string[] {
  const out = new Set<string>()
  for (const subject of registry.storedSubjects()) if (access.canRead(subject)) out.add(qualify(subject).context)
  return [...out].sort()
}

export interface Setting {
  readonly value: string
  /** `subject`, `context .x`, `global`, `global default` or `server default`. */
  readonly source: string
}

/** The scopes a subject's settings come from, most specific first, with how to name each. */
function scopesOf(subject: string): [scope: string, source: string][] {
  const { context } = qualify(subject)
  return [
    [subject, 'subject'],
    context === DEFAULT_CONTEXT ? [GLOBAL_SCOPE, 'global'] : [contextScope(context), `context ${context}`],
    [contextScope(GLOBAL_CONTEXT), 'global default'],
  ]
}

/** The effective compatibility level and the scope it comes from. */
export function effectiveLevel(registry: Registry, subject: string): Setting {
  const value = registry.effectiveConfig(subject).compatibilityLevel
  for (const [scope, source] of scopesOf(subject)) {
    if (typeof registry.storedConfig(scope)?.compatibilityLevel === 'string') return { value, source }
  }
  return { value, source: 'server default' }
}

/** The effective mode and the scope it comes from. */
export function effectiveMode(registry: Registry, subject: string): Setting {
  const value = registry.effectiveMode(subject)
  for (const [scope, source] of scopesOf(subject)) if (registry.storedMode(scope)) return { value, source }
  return { value, source: 'server default' }
}

/** The subject's own level and mode, as set on it (undefined when inherited). */
export function ownSettings(registry: Registry, subject: string): { level?: string; mode?: string } {
  const level = registry.storedConfig(subject)?.compatibilityLevel
  const mode = registry.storedMode(subject)
  return { ...(typeof level === 'string' ? { level } : {}), ...(mode ? { mode } : {}) }
}

export interface VersionLink {
  readonly subject: string
  readonly version: number
  readonly deleted: boolean
  /** The reference name, for references. */
  readonly name?: string
}

/** The stored record and its references resolved to subject-versions (in the record's context). */
export function referencesOf(registry: Registry, record: SchemaRecord): VersionLink[] {
  return record.references.map((r) => {
    const subject = referencedSubject(r.subject, record.context)
    const found = registry.storedVersions(subject).find((v) => v.version === r.version)
    return { name: r.name, subject, version: r.version, deleted: found?.deleted ?? true }
  })
}

/** Subject-versions whose schemas reference this version, limited to what the caller may read. */
export function referencedByOf(registry: Registry, access: UiAccess, v: VersionRecord): VersionLink[] {
  const out: VersionLink[] = []
  for (const use of registry.referrersOf(v)) {
    if (access.canRead(use.subject)) out.push({ subject: use.subject, version: use.version, deleted: use.deleted })
  }
  return out.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version))
}

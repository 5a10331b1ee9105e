import type { JsonObject } from '../formats/model.js'
import type { RegistryCore } from './core.js'
import { subjectNotFound } from './errors.js'
import { subjectPrefixMatcher, versionView, visibleVersions } from './reads.js'
import { qualify } from './subjects.js'
import type { SchemaView } from './types.js'

/** How `GET /subjects/{s}/versions` lists: live only by default. */
export interface ListVersionsOptions {
  /** Soft-deleted versions too. */
  readonly deleted?: boolean
  /** Only soft-deleted versions (40401 for an unknown subject). */
  readonly deletedOnly?: boolean
  /** Every version, soft-deleted ones as negative numbers (40401 for an unknown subject). */
  readonly deletedAsNegative?: boolean
}

/** `GET /subjects/{s}/versions`: the version numbers of a subject, ascending. */
export function listVersions(
  core: RegistryCore,
  subject: string,
  { deleted = false, deletedOnly = false, deletedAsNegative = false }: ListVersionsOptions = {},
): number[] {
  const all = core.store.versionsOf(qualify(subject).qualified)
  if ((deletedAsNegative || deletedOnly) && all.length === 0) throw subjectNotFound(qualify(subject).qualified)
  if (deletedAsNegative) return all.map((v) => (v.deleted ? -v.version : v.version))
  if (deletedOnly) return all.filter((v) => v.deleted).map((v) => v.version)
  return visibleVersions(core, qualify(subject).qualified, deleted).map((v) => v.version)
}

/** How `GET /schemas` lists. */
export interface ListSchemasOptions {
  readonly prefix?: string
  readonly deleted?: boolean
  readonly latestOnly?: boolean
  /** Only versions whose rule set has a rule of this type. */
  readonly ruleType?: string
  readonly format?: string
}

/** `GET /schemas`: versions of the subjects matching the prefix, by subject then version. */
export function listSchemas(core: RegistryCore, opts: ListSchemasOptions): SchemaView[] {
  const matches = subjectPrefixMatcher(opts.prefix ?? '')
  const out: SchemaView[] = []
  for (const subject of [...core.store.subjects()].filter(matches).sort()) {
    let versions = core.store.versionsOf(subject).filter((v) => opts.deleted || !v.deleted)
    if (opts.latestOnly) versions = versions.slice(-1)
    for (const v of versions) {
      const view = versionView(core, v, opts.format)
      if (opts.ruleType && !hasRuleType(view.ruleSet, opts.ruleType)) continue
      out.push(view)
    }
  }
  return out
}

function hasRuleType(ruleSet: JsonObject | undefined, type: string): boolean {
  if (!ruleSet) return false
  return ['migrationRules', 'domainRules', 'encodingRules'].some((list) =>
    ((ruleSet[list] ?? []) as { type?: string }[]).some((r) => r.type === type),
  )
}

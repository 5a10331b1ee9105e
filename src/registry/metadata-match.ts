import type { RegistryCore } from './core.js'
import { schemaNotFound } from './errors.js'
import { versionView, visibleVersions } from './reads.js'
import { qualify } from './subjects.js'
import type { SchemaView } from './types.js'

/**
 * `GET /subjects/{s}/metadata`: the newest visible version whose metadata properties hold every
 * `key=value` pair; 40403 when none does.
 */
export function metadataMatch(
  core: RegistryCore,
  subject: string,
  pairs: readonly (readonly [string, string])[],
  deleted: boolean,
  format?: string,
): SchemaView {
  const visible = visibleVersions(core, qualify(subject).qualified, deleted)
  for (const v of [...visible].reverse()) {
    const props = (core.schemaOf(v).metadata?.properties ?? {}) as Record<string, unknown>
    if (pairs.every(([k, val]) => props[k] === val)) return versionView(core, v, format)
  }
  throw schemaNotFound()
}

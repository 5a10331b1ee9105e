import type { CanRead, RegistryCore } from './core.js'
import { schemaNotFound, subjectNotFound } from './errors.js'
import { findMatchingVersion, prepareSchema } from './prepare.js'
import { versionView } from './reads.js'
import { qualify } from './subjects.js'
import type { SchemaRequest, SchemaView } from './types.js'

/** `POST /subjects/{s}`: is this schema registered under the subject? (Confluent §5.5.) */
export function lookup(
  core: RegistryCore,
  rawSubject: string,
  req: SchemaRequest,
  {
    normalize = false,
    deleted = false,
    format,
    canRead,
  }: { normalize?: boolean; deleted?: boolean; format?: string; canRead?: CanRead | undefined },
): SchemaView {
  const subject = qualify(rawSubject)
  const all = core.store.versionsOf(subject.qualified)
  const visible = deleted ? all : all.filter((v) => !v.deleted)
  if (visible.length === 0) throw subjectNotFound(subject.qualified)
  const config = core.effectiveConfig(subject.qualified)
  const prepared = prepareSchema(core, subject, req, {
    normalize: normalize || config.normalize === true,
    mode: 'stored',
    includeDeletedRefs: true,
    canRead,
  })
  const found = findMatchingVersion(core, prepared, visible, { ignoreDataContract: !req.metadata && !req.ruleSet })
  if (!found) throw schemaNotFound()
  return versionView(core, found, format)
}

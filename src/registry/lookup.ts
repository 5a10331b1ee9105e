import { checkLevel, type CompatibilityLevel, type LevelResult } from '../compat/levels.js'
import { renderMessages } from '../compat/render.js'
import type { RegistryCore } from './core.js'
import { RegistryError, schemaNotFound, subjectNotFound, versionNotFound } from './errors.js'
import { findMatchingVersion, prepareSchema } from './prepare.js'
import { versionView } from './reads.js'
import { priorVersions } from './register.js'
import { qualify } from './subjects.js'
import type { CompatibilityView, SchemaRequest, SchemaView, VersionSpec } from './types.js'

/** `POST /subjects/{s}`: is this schema registered under the subject? (Confluent §5.5.) */
export function lookup(
  core: RegistryCore,
  rawSubject: string,
  req: SchemaRequest,
  { normalize = false, deleted = false, format }: { normalize?: boolean; deleted?: boolean; format?: string },
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
  })
  const found = findMatchingVersion(core, prepared, visible, { ignoreDataContract: !req.metadata && !req.ruleSet })
  if (!found) throw schemaNotFound()
  return versionView(core, found, format)
}

/** A candidate's structured verdict: the level it was judged under and what was found. */
export interface CandidateVerdict {
  readonly level: CompatibilityLevel
  readonly result: LevelResult
}

/**
 * `POST /compatibility/subjects/{s}/versions[/{v}]`. With a version, only that version and only
 * the level's direction; without, exactly the check registration would make.
 */
export function testCompatibility(
  core: RegistryCore,
  rawSubject: string,
  spec: VersionSpec | undefined,
  req: SchemaRequest,
  { normalize = false, verbose = false }: { normalize?: boolean; verbose?: boolean },
): CompatibilityView {
  let verdict: CandidateVerdict
  try {
    verdict = checkCandidate(core, rawSubject, spec, req, { normalize })
  } catch (e) {
    if (verbose && e instanceof RegistryError && e.code === 'INVALID_SCHEMA') {
      return { isCompatible: false, messages: [e.message] }
    }
    throw e
  }
  return { isCompatible: verdict.result.compatible, messages: renderMessages(verdict.result, verdict.level) }
}

/** The check behind {@link testCompatibility}, before its result is rendered into messages. */
export function checkCandidate(
  core: RegistryCore,
  rawSubject: string,
  spec: VersionSpec | undefined,
  req: SchemaRequest,
  { normalize = false }: { normalize?: boolean },
): CandidateVerdict {
  const subject = qualify(rawSubject)
  const config = core.effectiveConfig(subject.qualified)
  const live = core.store.versionsOf(subject.qualified).filter((v) => !v.deleted)
  let against = live
  let level: CompatibilityLevel = config.compatibilityLevel
  if (spec !== undefined) {
    if (spec === 'latest') {
      if (live.length === 0) return { level, result: { compatible: true, violations: [] } }
      against = live.slice(-1)
    } else {
      // Confluent answers 40402 here even when the subject itself does not exist.
      const found = live.find((v) => v.version === spec)
      if (!found) throw versionNotFound(spec)
      against = [found]
    }
    level = level.replace('_TRANSITIVE', '') as CompatibilityLevel
  }
  const prepared = prepareSchema(core, subject, req, {
    normalize: normalize || config.normalize === true,
    mode: 'new',
    includeDeletedRefs: false,
    ...(live.at(-1) ? { previous: live.at(-1)! } : {}),
  })
  const result = checkLevel(
    prepared.format,
    level,
    prepared.parsed,
    priorVersions(core, against, prepared, config),
    typeof config.compatibilityPolicy === 'string' ? { policy: config.compatibilityPolicy } : {},
  )
  return { level, result }
}

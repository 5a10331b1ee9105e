import type { CompatibilityLevel, LevelResult } from '../compat/levels.js'
import type { JsonObject } from '../formats/model.js'
import type { VersionRecord } from '../store/store.js'
import { renderMessages } from '../compat/render.js'
import type { CanRead, RegistryCore } from './core.js'
import { RegistryError, schemaNotFound, subjectNotFound, versionNotFound } from './errors.js'
import { findMatchingVersion, prepareSchema, type PreparedSchema } from './prepare.js'
import { versionView } from './reads.js'
import { judge, judgeYielding } from './register.js'
import { qualify } from './subjects.js'
import type { CompatibilityView, SchemaRequest, SchemaView, VersionSpec } from './types.js'

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
  opts: CompatibilityOptions,
): CompatibilityView {
  const plan = planOrAnswer(core, rawSubject, spec, req, opts)
  if ('view' in plan) return plan.view
  return rendered(
    'result' in plan
      ? plan
      : { level: plan.level, result: judge(core, plan.prepared, plan.level, plan.against, plan.config) },
  )
}

/** {@link testCompatibility}, serving other requests while a long check runs. */
export async function testCompatibilityYielding(
  core: RegistryCore,
  rawSubject: string,
  spec: VersionSpec | undefined,
  req: SchemaRequest,
  opts: CompatibilityOptions,
): Promise<CompatibilityView> {
  const plan = planOrAnswer(core, rawSubject, spec, req, opts)
  if ('view' in plan) return plan.view
  if ('result' in plan) return rendered(plan)
  return rendered({
    level: plan.level,
    result: await judgeYielding(core, plan.prepared, plan.level, plan.against, plan.config),
  })
}

/** The check behind {@link testCompatibility}, before its result is rendered into messages. */
export function checkCandidate(
  core: RegistryCore,
  rawSubject: string,
  spec: VersionSpec | undefined,
  req: SchemaRequest,
  opts: { normalize?: boolean; canRead?: CanRead | undefined },
): CandidateVerdict {
  const plan = planCompatibility(core, rawSubject, spec, req, opts)
  if ('result' in plan) return plan
  return { level: plan.level, result: judge(core, plan.prepared, plan.level, plan.against, plan.config) }
}

export interface CompatibilityOptions {
  readonly normalize?: boolean
  readonly verbose?: boolean
  readonly canRead?: CanRead | undefined
}

const rendered = ({ level, result }: CandidateVerdict): CompatibilityView => ({
  isCompatible: result.compatible,
  messages: renderMessages(result, level),
})

/** A verdict known without checking, or what the check needs. */
type Plan =
  | CandidateVerdict
  | { level: CompatibilityLevel; prepared: PreparedSchema; against: VersionRecord[]; config: JsonObject }

/** {@link planCompatibility}; with `verbose`, an invalid schema is an answer, not an error. */
function planOrAnswer(
  core: RegistryCore,
  rawSubject: string,
  spec: VersionSpec | undefined,
  req: SchemaRequest,
  { verbose = false, ...opts }: CompatibilityOptions,
): Plan | { view: CompatibilityView } {
  try {
    return planCompatibility(core, rawSubject, spec, req, opts)
  } catch (e) {
    if (verbose && e instanceof RegistryError && e.code === 'INVALID_SCHEMA') {
      return { view: { isCompatible: false, messages: [e.message] } }
    }
    throw e
  }
}

/** Everything up to the check itself: the versions to check against, the level, the parsed candidate. */
function planCompatibility(
  core: RegistryCore,
  rawSubject: string,
  spec: VersionSpec | undefined,
  req: SchemaRequest,
  { normalize = false, canRead }: { normalize?: boolean; canRead?: CanRead | undefined },
): Plan {
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
    canRead,
    ...(live.at(-1) ? { previous: live.at(-1)! } : {}),
  })
  return { level, prepared, against, config }
}

import type { CompatibilityLevel, LevelResult } from '../compat/levels.js'
import type { JsonObject, VersionRecord } from '../store/store.js'
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
  const plan = planCompatibility(core, rawSubject, spec, req, opts)
  if ('view' in plan) return plan.view
  return verdict(judge(core, plan.prepared, plan.level, plan.against, plan.config), plan.level)
}

/** {@link testCompatibility}, serving other requests while a long check runs. */
export async function testCompatibilityYielding(
  core: RegistryCore,
  rawSubject: string,
  spec: VersionSpec | undefined,
  req: SchemaRequest,
  opts: CompatibilityOptions,
): Promise<CompatibilityView> {
  const plan = planCompatibility(core, rawSubject, spec, req, opts)
  if ('view' in plan) return plan.view
  return verdict(await judgeYielding(core, plan.prepared, plan.level, plan.against, plan.config), plan.level)
}

export interface CompatibilityOptions {
  readonly normalize?: boolean
  readonly verbose?: boolean
  readonly canRead?: CanRead | undefined
}

const verdict = (result: LevelResult, level: CompatibilityLevel): CompatibilityView => ({
  isCompatible: result.compatible,
  messages: renderMessages(result, level),
})

type Plan =
  | { view: CompatibilityView }
  | { prepared: PreparedSchema; level: CompatibilityLevel; against: VersionRecord[]; config: JsonObject }

/** Everything up to the check itself: the versions to check against, the level, the parsed candidate. */
function planCompatibility(
  core: RegistryCore,
  rawSubject: string,
  spec: VersionSpec | undefined,
  req: SchemaRequest,
  { normalize = false, verbose = false, canRead }: CompatibilityOptions,
): Plan {
  const subject = qualify(rawSubject)
  const config = core.effectiveConfig(subject.qualified)
  const live = core.store.versionsOf(subject.qualified).filter((v) => !v.deleted)
  let against = live
  let level: CompatibilityLevel = config.compatibilityLevel
  if (spec !== undefined) {
    if (spec === 'latest') {
      if (live.length === 0) return { view: { isCompatible: true, messages: [] } }
      against = live.slice(-1)
    } else {
      // Confluent answers 40402 here even when the subject itself does not exist.
      const found = live.find((v) => v.version === spec)
      if (!found) throw versionNotFound(spec)
      against = [found]
    }
    level = level.replace('_TRANSITIVE', '') as CompatibilityLevel
  }
  let prepared
  try {
    prepared = prepareSchema(core, subject, req, {
      normalize: normalize || config.normalize === true,
      mode: 'new',
      includeDeletedRefs: false,
      canRead,
      ...(live.at(-1) ? { previous: live.at(-1)! } : {}),
    })
  } catch (e) {
    if (verbose && e instanceof RegistryError && e.code === 'INVALID_SCHEMA') {
      return { view: { isCompatible: false, messages: [e.message] } }
    }
    throw e
  }
  return { prepared, level, against, config }
}

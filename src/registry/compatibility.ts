import {
  checkLevel,
  checkLevelYielding,
  LazyPriorVersion,
  TimeBudget,
  type CompatibilityLevel,
  type LevelResult,
  type PriorVersion,
} from '../compat/levels.js'
import { renderMessages } from '../compat/render.js'
import { UndecidedError } from '../formats/format.js'
import type { JsonObject } from '../formats/model.js'
import type { SchemaRecord, VersionRecord } from '../store/store.js'
import type { CanRead, RegistryCore } from './core.js'
import { dataContract } from './data-contract.js'
import type { PriorSource } from './offload.js'
import { incompatibleSchema, RegistryError, unprocessable, versionNotFound } from './errors.js'
import {
  findMatchingVersion,
  type PrecomputedForm,
  precompute,
  prepareSchema,
  sameJson,
  type PreparedSchema,
} from './prepare.js'
import { assertValidSubject, qualify, type QualifiedSubject } from './subjects.js'
import type { CompatibilityView, SchemaRequest, VersionSpec } from './types.js'

/**
 * What a compatibility check needs: the candidate, the level, the versions it is checked
 * against (oldest first, before `compatibilityGroup` narrows them) and the subject's config.
 */
export interface CompatibilityCheck {
  readonly level: CompatibilityLevel
  readonly prepared: PreparedSchema
  readonly against: readonly VersionRecord[]
  readonly config: JsonObject
}

/** A candidate's structured verdict: the level it was judged under and what was found. */
export interface CandidateVerdict {
  readonly level: CompatibilityLevel
  readonly result: LevelResult
}

export interface CompatibilityOptions {
  readonly normalize?: boolean
  readonly verbose?: boolean
  readonly canRead?: CanRead | undefined
}

/**
 * A schema to be checked (and registered) under a subject, parsed strictly as a new version:
 * normalized when asked or configured, its references resolved among live versions.
 */
export function prepareCandidate(
  core: RegistryCore,
  subject: QualifiedSubject,
  req: SchemaRequest,
  config: JsonObject,
  latest: VersionRecord | undefined,
  { normalize = false, canRead, precomputed }: CandidateOptions,
): PreparedSchema {
  return prepareSchema(core, subject, req, {
    normalize: normalize || config.normalize === true,
    mode: 'new',
    includeDeletedRefs: false,
    canRead,
    precomputed,
    ...(latest ? { previous: latest } : {}),
  })
}

/** How a candidate is prepared. */
export interface CandidateOptions {
  readonly normalize?: boolean | undefined
  readonly canRead?: CanRead | undefined
  /** Canonical forms computed ahead on a parse thread (`precompute`). */
  readonly precomputed?: readonly PrecomputedForm[] | undefined
}

/** {@link prepareCandidate}'s canonical form, computed ahead on a parse thread when there are any. */
export function precomputeCandidate(
  core: RegistryCore,
  subject: QualifiedSubject,
  req: SchemaRequest,
  config: JsonObject,
  latest: VersionRecord | undefined,
  { normalize = false, canRead }: CandidateOptions,
): Promise<PrecomputedForm[]> {
  return precompute(
    core,
    subject,
    req,
    {
      normalize: normalize || config.normalize === true,
      includeDeletedRefs: false,
      canRead,
      ...(latest ? { previous: latest } : {}),
    },
    ['new'],
  )
}

/**
 * The level's verdict on a prepared schema against prior versions, under the config's policy.
 * Stored versions are parsed only when the level looks at them, and the whole check, parses
 * included, runs within the compatibility time budget: a check that cannot decide within its
 * limits is refused (422) rather than guessed.
 */
export function judge(core: RegistryCore, check: CompatibilityCheck): LevelResult {
  if (nothingToCheck(check)) return COMPATIBLE
  try {
    return checkLevel(...judgement(core, check))
  } catch (e) {
    throw undecided(e)
  }
}

/** {@link judge}, letting the event loop serve other requests while a long check runs. */
export async function judgeYielding(core: RegistryCore, check: CompatibilityCheck): Promise<LevelResult> {
  if (nothingToCheck(check)) return COMPATIBLE
  const offloaded = await judgeOffloaded(core, check)
  if (offloaded) return offloaded
  try {
    return await checkLevelYielding(...judgement(core, check))
  } catch (e) {
    throw undecided(e)
  }
}

/** The one place the compatibility call is assembled, for registration and for the check routes. */
function judgement(
  core: RegistryCore,
  { prepared, level, against, config }: CompatibilityCheck,
): Parameters<typeof checkLevel> {
  const ms = core.deps.options.compatibilityBudgetMs
  const budget = ms > 0 ? new TimeBudget(ms) : undefined
  return [
    prepared.format,
    level,
    prepared.parsed,
    priorVersions(core, against, prepared, config, budget),
    compatOptions(config),
    budget,
  ]
}

/** No level or no prior version: compatible whatever the candidate, which then need not be parsed. */
const nothingToCheck = ({ level, against }: CompatibilityCheck) => level === 'NONE' || against.length === 0
const COMPATIBLE: LevelResult = { compatible: true, violations: [] }

/**
 * {@link judge} on a parse thread, the candidate and the prior versions sent as text; undefined
 * when there are no parse threads or the thread could not decide (the caller then checks).
 */
async function judgeOffloaded(core: RegistryCore, check: CompatibilityCheck): Promise<LevelResult | undefined> {
  const offload = core.deps.offload
  if (!offload) return undefined
  const { prepared, level, config } = check
  let priors: PriorSource[]
  try {
    priors = chosenPriors(core, check.against, prepared, config).map(({ v, record }) => ({
      key: `${record.context}\u0000${record.id}\u0000${record.guid}`,
      version: v.version,
      type: record.schemaType,
      text: record.schema,
      refs: core.resolveReferences(record.references, record.context, { includeDeleted: true }).resolved,
      ...(record.metadata ? { metadata: record.metadata } : {}),
    }))
  } catch {
    return undefined
  }
  const answer = await offload.judge({
    level,
    candidate: prepared.source,
    priors,
    options: compatOptions(config),
    budgetMs: core.deps.options.compatibilityBudgetMs,
  })
  if (!answer || 'failed' in answer) return undefined
  if ('undecided' in answer) throw unprocessable(answer.undecided)
  const { compatible, violations, failedVersion } = answer.result
  const failed =
    failedVersion === undefined
      ? undefined
      : priorVersions(core, check.against, prepared, config).find((p) => p.version === failedVersion)
  return { compatible, violations, ...(failed ? { failedVersion: failed } : {}) }
}

const compatOptions = (config: JsonObject) =>
  typeof config.compatibilityPolicy === 'string' ? { policy: config.compatibilityPolicy } : {}

const undecided = (e: unknown) => (e instanceof UndecidedError ? unprocessable(e.message) : e)

/**
 * The live versions a new schema is checked against, narrowed by `compatibilityGroup`. Each
 * is parsed (through the core's cache) the first time the check reads its `schema`.
 */
export function priorVersions(
  core: RegistryCore,
  live: readonly VersionRecord[],
  prepared: PreparedSchema,
  config: JsonObject,
  budget?: TimeBudget,
): PriorVersion[] {
  return chosenPriors(core, live, prepared, config).map(
    ({ v, record }) =>
      new LazyPriorVersion(v.version, record.schema, () => {
        budget?.check()
        return core.parseStored(record)
      }),
  )
}

/** The live versions a new schema is checked against, with their stored schemas. */
function chosenPriors(
  core: RegistryCore,
  live: readonly VersionRecord[],
  prepared: PreparedSchema,
  config: JsonObject,
): { v: VersionRecord; record: SchemaRecord }[] {
  const group = typeof config.compatibilityGroup === 'string' ? config.compatibilityGroup : undefined
  const groupOf = (m: JsonObject | undefined) =>
    group ? ((m?.properties as Record<string, unknown> | undefined)?.[group] ?? null) : null
  return live
    .map((v) => ({ v, record: core.schemaOf(v) }))
    .filter(({ record }) => !group || sameJson(groupOf(record.metadata), groupOf(prepared.metadata)))
}

/**
 * Registration's check: 409 with the level's messages unless compatible. A verdict reached by
 * {@link prejudge} is used when nothing it depends on changed since.
 */
export function assertCompatible(core: RegistryCore, subject: QualifiedSubject, check: CompatibilityCheck): void {
  const key = verdictKey(subject, check)
  const known = core.verdicts.get(key)
  core.verdicts.delete(key)
  if (known && 'error' in known) throw known.error
  const result = known?.result ?? judge(core, check)
  if (!result.compatible) {
    throw incompatibleSchema(subject.qualified, renderMessages(result, check.level))
  }
}

const VERDICTS_KEPT = 256

function verdictKey(subject: QualifiedSubject, { prepared, level, against, config }: CompatibilityCheck): string {
  const versions = against.map((v) => `${v.version}:${v.id}`).join(',')
  return JSON.stringify([
    subject.qualified,
    prepared.type,
    prepared.guid,
    level,
    config.compatibilityPolicy ?? null,
    config.compatibilityGroup ?? null,
    versions,
  ])
}

/**
 * Runs the compatibility check a registration will need before its write transaction, giving
 * the event loop a turn while it works, so a long check does not hold other requests. The
 * transaction then reuses the verdict if nothing it depends on changed, or checks again.
 * Anything unusual (an invalid schema, IMPORT mode, an identical version) is left to the
 * registration itself.
 */
export async function prejudge(
  core: RegistryCore,
  rawSubject: string,
  req: SchemaRequest,
  opts: CandidateOptions & { readonly force?: boolean },
): Promise<void> {
  if (opts.force === true) return
  let key: string
  let check: CompatibilityCheck
  try {
    const subject = assertValidSubject(rawSubject)
    const config = core.effectiveConfig(subject.qualified)
    const level = config.compatibilityLevel
    if (level === 'NONE' || core.effectiveMode(subject.qualified) !== 'READWRITE' || req.id !== undefined) return
    const live = core.store.versionsOf(subject.qualified).filter((v) => !v.deleted)
    const latest = live.at(-1)
    if (!latest) return
    const withDataContract = { ...req, ...dataContract(core, req, latest, false, config) }
    const prepared = prepareCandidate(core, subject, withDataContract, config, latest, opts)
    if (findMatchingVersion(core, prepared, live)) return
    check = { level, prepared, against: live, config }
    key = verdictKey(subject, check)
  } catch {
    return
  }
  let outcome: { result: LevelResult } | { error: unknown }
  try {
    outcome = { result: await judgeYielding(core, check) }
  } catch (error) {
    outcome = { error }
  }
  if (core.verdicts.size >= VERDICTS_KEPT) core.verdicts.delete(core.verdicts.keys().next().value!)
  core.verdicts.set(key, outcome)
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
  return rendered('result' in plan ? plan : { level: plan.level, result: judge(core, plan) })
}

/** {@link testCompatibility}, serving other requests while a long check runs. */
export async function testCompatibilityYielding(
  core: RegistryCore,
  rawSubject: string,
  spec: VersionSpec | undefined,
  req: SchemaRequest,
  opts: CompatibilityOptions,
): Promise<CompatibilityView> {
  const precomputed = await precomputeCheck(core, rawSubject, req, opts)
  const plan = planOrAnswer(core, rawSubject, spec, req, { ...opts, precomputed })
  if ('view' in plan) return plan.view
  if ('result' in plan) return rendered(plan)
  return rendered({ level: plan.level, result: await judgeYielding(core, plan) })
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
  return { level: plan.level, result: judge(core, plan) }
}

const rendered = ({ level, result }: CandidateVerdict): CompatibilityView => ({
  isCompatible: result.compatible,
  messages: renderMessages(result, level),
})

/** {@link planCompatibility}; with `verbose`, an invalid schema is an answer, not an error. */
function planOrAnswer(
  core: RegistryCore,
  rawSubject: string,
  spec: VersionSpec | undefined,
  req: SchemaRequest,
  { verbose = false, ...opts }: CompatibilityOptions & CandidateOptions,
): CandidateVerdict | CompatibilityCheck | { view: CompatibilityView } {
  try {
    return planCompatibility(core, rawSubject, spec, req, opts)
  } catch (e) {
    if (verbose && e instanceof RegistryError && e.code === 'INVALID_SCHEMA') {
      return { view: { isCompatible: false, messages: [e.message] } }
    }
    throw e
  }
}

/** A verdict known without checking, or the check to make: the versions, the level, the parsed candidate. */
function planCompatibility(
  core: RegistryCore,
  rawSubject: string,
  spec: VersionSpec | undefined,
  req: SchemaRequest,
  opts: CandidateOptions,
): CandidateVerdict | CompatibilityCheck {
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
  const prepared = prepareCandidate(core, subject, req, config, live.at(-1), opts)
  return { level, prepared, against, config }
}

/** The canonical form {@link planCompatibility} will need, computed ahead on a parse thread. */
async function precomputeCheck(
  core: RegistryCore,
  rawSubject: string,
  req: SchemaRequest,
  opts: CandidateOptions,
): Promise<PrecomputedForm[]> {
  if (!core.deps.offload) return []
  const subject = qualify(rawSubject)
  const config = core.effectiveConfig(subject.qualified)
  const latest = core.store
    .versionsOf(subject.qualified)
    .filter((v) => !v.deleted)
    .at(-1)
  return precomputeCandidate(core, subject, req, config, latest, opts)
}

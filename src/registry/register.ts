import {
  checkLevel,
  checkLevelYielding,
  TimeBudget,
  type CompatibilityLevel,
  type LevelResult,
  type PriorVersion,
} from '../compat/levels.js'
import { UndecidedError } from '../formats/format.js'
import { renderMessages } from '../compat/render.js'
import type { JsonObject } from '../formats/model.js'
import type { StoreTx, VersionRecord } from '../store/store.js'
import type { CanRead, RegistryCore } from './core.js'
import { incompatibleSchema, invalidSchema, operationNotPermitted, unprocessable } from './errors.js'
import { MAX_ID, MAX_VERSION, requestedId, requestedVersion } from './limits.js'
import { findMatchingVersion, prepareSchema, sameJson, type PreparedSchema } from './prepare.js'
import { validateRuleSet } from './rule-set.js'
import { assertValidSubject, type QualifiedSubject } from './subjects.js'
import type { SchemaRequest, SchemaView } from './types.js'
import { versionView } from './reads.js'

export interface RegisterOptions {
  readonly normalize?: boolean
  /** Skip the compatibility check. */
  readonly force?: boolean
  readonly format?: string
  /** The caller's read check for referenced subjects (access control). */
  readonly canRead?: CanRead | undefined
}

/**
 * `POST /subjects/{s}/versions`, following Confluent's `KafkaSchemaRegistry.register`: an
 * identical schema returns the existing version in any mode; otherwise the mode gate, strict
 * validation, dedup to an existing global id, the compatibility check and the write.
 */
export function register(
  core: RegistryCore,
  tx: StoreTx,
  rawSubject: string,
  req: SchemaRequest,
  opts: RegisterOptions,
): SchemaView {
  const subject = assertValidSubject(rawSubject)
  requestedId(req.id)
  requestedVersion(req.version)
  if (req.ruleSet) validateRuleSet(req.ruleSet)
  const config = core.effectiveConfig(subject.qualified)
  const normalize = opts.normalize === true || config.normalize === true
  const mode = core.effectiveMode(subject.qualified)
  const importing = mode === 'IMPORT'
  const all = tx.versionsOf(subject.qualified)
  const live = all.filter((v) => !v.deleted)
  const latest = live.at(-1)
  const withDataContract = { ...req, ...dataContract(core, req, latest, importing, config) }

  const lenient = prepareSchema(core, subject, withDataContract, {
    normalize,
    mode: 'stored',
    includeDeletedRefs: false,
    canRead: opts.canRead,
    ...(latest && !importing ? { previous: latest } : {}),
  })

  const explicitVersion = req.version !== undefined && req.version !== 0 && req.version !== -1
  const existing = findMatchingVersion(core, lenient, req.version === -1 && latest ? [latest] : live)
  if (existing && (req.id === undefined || req.id === existing.id)) {
    if (!explicitVersion || req.version === existing.version) return versionView(core, existing, opts.format)
  }

  const where = `Subject ${subject.qualified} in context ${subject.context}`
  if (mode === 'READONLY') throw operationNotPermitted(`${where} is in read-only mode`)
  if (req.id !== undefined && !importing) throw operationNotPermitted(`${where} is not in import mode`)
  if (req.id === undefined && importing) throw operationNotPermitted(`${where} is not in read-write mode`)

  const prepared = importing
    ? lenient
    : prepareSchema(core, subject, withDataContract, {
        normalize,
        mode: 'new',
        includeDeletedRefs: false,
        canRead: opts.canRead,
        ...(latest ? { previous: latest } : {}),
      })

  if (!importing && opts.force !== true) {
    assertCompatible(core, subject, prepared, live, config.compatibilityLevel, config)
  }

  const nextVersion = (all.at(-1)?.version ?? 0) + 1
  const version = chooseVersion(subject, req, all, nextVersion, importing)
  const id = chooseId(tx, subject, prepared, req.id)

  // Confluent: re-registering a soft-deleted schema purges the soft-deleted versions with its id.
  for (const old of all) {
    if (
      old.deleted &&
      old.id === id &&
      old.version < version &&
      core.store.referrersOf(old.subject, old.version).length === 0
    ) {
      tx.deleteVersion(old.subject, old.version)
    }
  }
  if (!tx.schemaById(subject.context, id)) {
    tx.putSchema({
      context: subject.context,
      id,
      schemaType: prepared.type,
      schema: prepared.canonical,
      references: prepared.references,
      ...(prepared.metadata ? { metadata: prepared.metadata } : {}),
      ...(prepared.ruleSet ? { ruleSet: prepared.ruleSet } : {}),
      guid: prepared.guid,
    })
  }
  const record: VersionRecord = {
    subject: subject.qualified,
    version,
    context: subject.context,
    id,
    deleted: false,
    ts: core.deps.now(),
  }
  tx.putVersion(record)
  return {
    subject: record.subject,
    version,
    id,
    guid: prepared.guid,
    schemaType: prepared.type,
    schema: prepared.canonical,
    references: prepared.references,
    ...(prepared.metadata ? { metadata: prepared.metadata } : {}),
    ...(prepared.ruleSet ? { ruleSet: prepared.ruleSet } : {}),
    ts: record.ts,
    deleted: false,
  }
}

/**
 * Metadata and rules a new version carries: the request's, else the previous version's, with
 * the config's defaults under and overrides over them (Confluent `maybeSetMetadataRuleSet`).
 */
function dataContract(
  core: RegistryCore,
  req: SchemaRequest,
  latest: VersionRecord | undefined,
  importing: boolean,
  config: JsonObject,
): { metadata?: JsonObject; ruleSet?: JsonObject } {
  if (importing) return {}
  const prev = latest ? core.schemaOf(latest) : undefined
  const metadata = mergeMetadata(
    mergeMetadata(config.defaultMetadata as JsonObject | undefined, req.metadata ?? prev?.metadata),
    config.overrideMetadata as JsonObject | undefined,
  )
  const ruleSet = mergeRuleSet(
    mergeRuleSet(config.defaultRuleSet as JsonObject | undefined, req.ruleSet ?? prev?.ruleSet),
    config.overrideRuleSet as JsonObject | undefined,
  )
  return { ...(metadata ? { metadata } : {}), ...(ruleSet ? { ruleSet } : {}) }
}

function mergeMetadata(left: JsonObject | undefined, right: JsonObject | undefined): JsonObject | undefined {
  if (!left) return right
  if (!right) return left
  const obj = (o: JsonObject, k: string) => (o[k] ?? {}) as Record<string, unknown>
  const sensitive = [
    ...new Set([...((left.sensitive as string[]) ?? []), ...((right.sensitive as string[]) ?? [])]),
  ].sort()
  return {
    tags: { ...obj(left, 'tags'), ...obj(right, 'tags') },
    properties: { ...obj(left, 'properties'), ...obj(right, 'properties') },
    ...(sensitive.length ? { sensitive } : {}),
  }
}

function mergeRuleSet(left: JsonObject | undefined, right: JsonObject | undefined): JsonObject | undefined {
  if (!left) return right
  if (!right) return left
  const merged: Record<string, unknown> = {}
  for (const list of ['migrationRules', 'domainRules', 'encodingRules']) {
    const r = (right[list] ?? []) as { name?: string }[]
    const names = new Set(r.map((x) => x.name))
    const l = ((left[list] ?? []) as { name?: string }[]).filter((x) => !names.has(x.name))
    if (l.length + r.length > 0) merged[list] = [...l, ...r]
  }
  const enableAt = right.enableAt ?? left.enableAt
  if (enableAt !== undefined) merged.enableAt = enableAt
  return merged
}

export function assertCompatible(
  core: RegistryCore,
  subject: QualifiedSubject,
  prepared: PreparedSchema,
  live: readonly VersionRecord[],
  level: CompatibilityLevel,
  config: JsonObject,
): void {
  const key = verdictKey(subject, prepared, live, level, config)
  const known = core.verdicts.get(key)
  core.verdicts.delete(key)
  if (known && 'error' in known) throw known.error
  const result = known?.result ?? judge(core, prepared, level, live, config)
  if (!result.compatible) {
    throw incompatibleSchema(subject.qualified, renderMessages(result, level))
  }
}

const VERDICTS_KEPT = 256

function verdictKey(
  subject: QualifiedSubject,
  prepared: PreparedSchema,
  live: readonly VersionRecord[],
  level: CompatibilityLevel,
  config: JsonObject,
): string {
  const versions = live.map((v) => `${v.version}:${v.id}`).join(',')
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
  opts: RegisterOptions,
): Promise<void> {
  if (opts.force === true) return
  let plan: {
    key: string
    prepared: PreparedSchema
    level: CompatibilityLevel
    live: VersionRecord[]
    config: JsonObject
  }
  try {
    const subject = assertValidSubject(rawSubject)
    const config = core.effectiveConfig(subject.qualified)
    const level = config.compatibilityLevel
    if (level === 'NONE' || core.effectiveMode(subject.qualified) !== 'READWRITE' || req.id !== undefined) return
    const live = core.store.versionsOf(subject.qualified).filter((v) => !v.deleted)
    const latest = live.at(-1)
    if (!latest) return
    const prepared = prepareSchema(
      core,
      subject,
      { ...req, ...dataContract(core, req, latest, false, config) },
      {
        normalize: opts.normalize === true || config.normalize === true,
        mode: 'new',
        includeDeletedRefs: false,
        canRead: opts.canRead,
        previous: latest,
      },
    )
    if (findMatchingVersion(core, prepared, live)) return
    plan = { key: verdictKey(subject, prepared, live, level, config), prepared, level, live, config }
  } catch {
    return
  }
  let outcome: { result: LevelResult } | { error: unknown }
  try {
    outcome = { result: await judgeYielding(core, plan.prepared, plan.level, plan.live, plan.config) }
  } catch (error) {
    outcome = { error }
  }
  if (core.verdicts.size >= VERDICTS_KEPT) core.verdicts.delete(core.verdicts.keys().next().value!)
  core.verdicts.set(plan.key, outcome)
}

/**
 * The level's verdict on a prepared schema against prior versions (oldest first), under the
 * config's policy. Stored versions are parsed only when the level looks at them, and the whole
 * check, parses included, runs within the compatibility time budget: a check that cannot
 * decide within its limits is refused (422) rather than guessed.
 */
export function judge(
  core: RegistryCore,
  prepared: PreparedSchema,
  level: CompatibilityLevel,
  versions: readonly VersionRecord[],
  config: JsonObject,
): LevelResult {
  try {
    return checkLevel(...judgement(core, prepared, level, versions, config))
  } catch (e) {
    throw undecided(e)
  }
}

/** {@link judge}, letting the event loop serve other requests while a long check runs. */
export async function judgeYielding(
  core: RegistryCore,
  prepared: PreparedSchema,
  level: CompatibilityLevel,
  versions: readonly VersionRecord[],
  config: JsonObject,
): Promise<LevelResult> {
  try {
    return await checkLevelYielding(...judgement(core, prepared, level, versions, config))
  } catch (e) {
    throw undecided(e)
  }
}

function judgement(
  core: RegistryCore,
  prepared: PreparedSchema,
  level: CompatibilityLevel,
  versions: readonly VersionRecord[],
  config: JsonObject,
): Parameters<typeof checkLevel> {
  const ms = core.deps.options.compatibilityBudgetMs
  const budget = ms > 0 ? new TimeBudget(ms) : undefined
  return [
    prepared.format,
    level,
    prepared.parsed,
    priorVersions(core, versions, prepared, config, budget),
    typeof config.compatibilityPolicy === 'string' ? { policy: config.compatibilityPolicy } : {},
    budget,
  ]
}

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
  const group = typeof config.compatibilityGroup === 'string' ? config.compatibilityGroup : undefined
  const groupOf = (m: JsonObject | undefined) =>
    group ? ((m?.properties as Record<string, unknown> | undefined)?.[group] ?? null) : null
  return live
    .map((v) => ({ v, record: core.schemaOf(v) }))
    .filter(({ record }) => !group || sameJson(groupOf(record.metadata), groupOf(prepared.metadata)))
    .map(({ v, record }) => ({
      version: v.version,
      canonical: record.schema,
      get schema() {
        budget?.check()
        return core.parseStored(record)
      },
    }))
}

function chooseVersion(
  subject: QualifiedSubject,
  req: SchemaRequest,
  all: readonly VersionRecord[],
  nextVersion: number,
  importing: boolean,
): number {
  if (req.version === undefined || req.version === 0 || req.version === -1) {
    if (nextVersion > MAX_VERSION) {
      throw operationNotPermitted(
        `No version left in subject ${subject.qualified}: versions end at ${MAX_VERSION}, and ${MAX_VERSION} is taken`,
      )
    }
    return nextVersion
  }
  if (!importing) {
    if (req.version !== nextVersion) throw invalidSchema('Version is not one more than previous version')
    return nextVersion
  }
  // Confluent lets IMPORT overwrite a version; we refuse unless it is the same entry.
  if (all.some((v) => v.version === req.version)) {
    throw operationNotPermitted(
      `Overwrite of version ${req.version} of subject ${subject.qualified} in context ${subject.context} is not permitted.`,
    )
  }
  return req.version
}

function chooseId(
  tx: StoreTx,
  subject: QualifiedSubject,
  prepared: PreparedSchema,
  requested: number | undefined,
): number {
  if (requested !== undefined) {
    const holder = tx.schemaById(subject.context, requested)
    if (holder && (holder.guid !== prepared.guid || holder.schemaType !== prepared.type)) {
      throw operationNotPermitted(
        `Overwrite new schema with id ${requested} in context ${subject.context} is not permitted.`,
      )
    }
    return requested
  }
  // Confluent reuses the id of an identical schema from another subject, and after a permanent
  // delete too; clients cache by id. The id's stored schema is this very one (same hash), so the
  // id never comes to name a different schema.
  const existing = tx.idByHash(subject.context, prepared.type, prepared.guid)
  if (existing !== undefined) return existing
  const next = tx.maxId(subject.context) + 1
  if (next > MAX_ID) {
    throw operationNotPermitted(
      `No schema id left in context ${subject.context}: ids end at ${MAX_ID}, the largest the wire format carries, and ${MAX_ID} is taken`,
    )
  }
  return next
}

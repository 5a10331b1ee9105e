import type { StoreTx, VersionRecord } from '../store/store.js'
import { assertCompatible, prepareCandidate } from './compatibility.js'
import type { CanRead, RegistryCore } from './core.js'
import { dataContract } from './data-contract.js'
import { invalidSchema, operationNotPermitted } from './errors.js'
import { MAX_ID, MAX_VERSION, requestedId, requestedVersion } from './limits.js'
import { findMatchingVersion, type PrecomputedForm, precompute, prepareSchema, type PreparedSchema } from './prepare.js'
import { versionView } from './reads.js'
import { validateRuleSet } from './rule-set.js'
import { assertValidSubject, type QualifiedSubject } from './subjects.js'
import type { SchemaRequest, SchemaView } from './types.js'

export interface RegisterOptions {
  readonly normalize?: boolean
  /** Skip the compatibility check. */
  readonly force?: boolean
  readonly format?: string
  /** The caller's read check for referenced subjects (access control). */
  readonly canRead?: CanRead | undefined
  /** Canonical forms computed ahead on a parse thread ({@link precomputeRegistration}). */
  readonly precomputed?: readonly PrecomputedForm[] | undefined
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
  const { subject, config, normalize, mode, importing, all, live, latest, withDataContract } = plan(
    core,
    rawSubject,
    req,
    opts,
  )
  const lenient = prepareSchema(core, subject, withDataContract, {
    normalize,
    mode: 'stored',
    includeDeletedRefs: false,
    canRead: opts.canRead,
    precomputed: opts.precomputed,
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
    : prepareCandidate(core, subject, withDataContract, config, latest, {
        normalize,
        canRead: opts.canRead,
        precomputed: opts.precomputed,
      })

  if (!importing && opts.force !== true) {
    assertCompatible(core, subject, { level: config.compatibilityLevel, prepared, against: live, config })
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

/** What a registration reads before it parses: the subject, its config, mode and versions, the data contract. */
function plan(core: RegistryCore, rawSubject: string, req: SchemaRequest, opts: RegisterOptions) {
  const subject = assertValidSubject(rawSubject)
  requestedId(req.id)
  requestedVersion(req.version)
  if (req.ruleSet) validateRuleSet(req.ruleSet)
  const config = core.effectiveConfig(subject.qualified)
  const normalize = opts.normalize === true || config.normalize === true
  const mode = core.effectiveMode(subject.qualified)
  const importing = mode === 'IMPORT'
  const all = core.store.versionsOf(subject.qualified)
  const live = all.filter((v) => !v.deleted)
  const latest = live.at(-1)
  const withDataContract = { ...req, ...dataContract(core, req, latest, importing, config) }
  return { subject, config, normalize, mode, importing, all, live, latest, withDataContract }
}

/**
 * Has a parse thread compute the canonical forms a registration will parse (leniently, to find
 * it among the versions, and strictly, as a new version), so {@link register} need not parse on
 * the event loop. None when there are no parse threads or the request is unusual; the
 * registration itself then parses, and reports what is wrong.
 */
export async function precomputeRegistration(
  core: RegistryCore,
  rawSubject: string,
  req: SchemaRequest,
  opts: RegisterOptions,
): Promise<PrecomputedForm[]> {
  if (!core.deps.offload || !req.schema) return []
  let p: ReturnType<typeof plan>
  try {
    p = plan(core, rawSubject, req, opts)
  } catch {
    return []
  }
  return precompute(
    core,
    p.subject,
    p.withDataContract,
    { normalize: p.normalize, includeDeletedRefs: false, canRead: opts.canRead },
    ['stored', 'new'],
  )
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

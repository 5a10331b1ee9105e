import { parseLevel } from '../compat/levels.js'
import type { ConfigRecord, StoreTx } from '../store/store.js'
import { GLOBAL_SCOPE } from '../formats/model.js'
import type { RegistryCore } from './core.js'
import {
  invalidCompatibilityLevel,
  operationNotPermitted,
  subjectLevelConfigNotFound,
  subjectNotFound,
  unprocessable,
} from './errors.js'
import { validateRuleSet } from './rule-set.js'
import { assertValidSubject, inContext, qualify } from './subjects.js'

/** Config fields that Confluent's `ConfigUpdateRequest` knows; others are ignored. */
const FIELDS = [
  'compatibilityLevel',
  'alias',
  'aliasForDeks',
  'normalize',
  'validateFields',
  'validateNewSchemas',
  'validateRules',
  'compatibilityPolicy',
  'compatibilityGroup',
  'defaultMetadata',
  'overrideMetadata',
  'defaultRuleSet',
  'overrideRuleSet',
] as const

export const COMPATIBILITY_POLICIES = ['STRICT', 'LENIENT', 'LOGICAL', 'WIRE_JSON']

/** A scope key for `/config/{s}`: `:.:` (or empty) is the global scope. */
export function configScope(raw: string | undefined): string {
  if (raw === undefined || (raw.startsWith(':.:') && raw.length === 3)) return GLOBAL_SCOPE
  return qualify(raw).qualified
}

/**
 * The subject an alias stands for: the `alias` in the subject's own config, qualified with the
 * alias's context when unqualified (Confluent `AliasFilter.replaceAlias`); undefined otherwise.
 * Resolved once, never followed further, so alias loops cannot arise.
 */
export function aliasTarget(core: RegistryCore, subject: string): string | undefined {
  const q = qualify(subject)
  if (q.name === '') return undefined
  const alias = core.store.config(q.qualified)?.alias
  if (typeof alias !== 'string' || alias === '') return undefined
  return alias.startsWith(':.') ? qualify(alias).qualified : inContext(q.context, alias)
}

/** `GET /config[/{s}]`. */
export function getConfig(
  core: RegistryCore,
  scope: string,
  { defaultToGlobal = false }: { defaultToGlobal?: boolean },
): ConfigRecord {
  const stored = core.store.config(scope)
  if (scope === GLOBAL_SCOPE) {
    return {
      ...(stored ?? {}),
      compatibilityLevel: stored?.compatibilityLevel ?? core.deps.options.defaultCompatibility,
    }
  }
  if (defaultToGlobal) return core.effectiveConfig(scope)
  if (!stored) throw subjectLevelConfigNotFound(scope)
  return { ...stored, compatibilityLevel: stored.compatibilityLevel ?? core.deps.options.defaultCompatibility }
}

/**
 * `PUT /config[/{s}]`: a partial update (absent keeps, null clears); answers the stored result
 * with the level under `compatibility`, as Confluent's `ConfigUpdateRequest`.
 */
export function putConfig(core: RegistryCore, tx: StoreTx, scope: string, body: Record<string, unknown>): ConfigRecord {
  if (scope !== GLOBAL_SCOPE) assertValidSubject(scope, { forConfig: true })
  const update: Record<string, unknown> = {}
  if ('compatibility' in body || 'compatibilityLevel' in body) {
    const raw = body.compatibility ?? body.compatibilityLevel
    if (raw === null) update.compatibilityLevel = null
    else {
      const level = parseLevel(raw)
      if (!level) throw invalidCompatibilityLevel()
      update.compatibilityLevel = level
    }
  }
  for (const field of FIELDS) {
    if (field === 'compatibilityLevel' || !(field in body)) continue
    update[field] = body[field]
  }
  if (typeof update.compatibilityPolicy === 'string') {
    const policy = update.compatibilityPolicy.toUpperCase()
    if (!COMPATIBILITY_POLICIES.includes(policy)) {
      throw unprocessable(
        `Invalid compatibility policy ${update.compatibilityPolicy}. Valid values are ${COMPATIBILITY_POLICIES.join(', ')}`,
      )
    }
    update.compatibilityPolicy = policy
  }
  for (const key of ['defaultRuleSet', 'overrideRuleSet'] as const) {
    const rs = update[key]
    if (rs && typeof rs === 'object') validateRuleSet(rs as ConfigRecord)
  }
  assertConfigWritable(core, scope)
  const merged: Record<string, unknown> = { ...(tx.config(scope) ?? {}) }
  for (const [k, v] of Object.entries(update)) {
    if (v === null) delete merged[k]
    else merged[k] = v
  }
  tx.putConfig(scope, merged)
  return merged
}

/** `DELETE /config[/{s}]`: answers the previous config; 40401 for a subject without one. */
export function deleteConfig(core: RegistryCore, tx: StoreTx, scope: string): ConfigRecord {
  const stored = tx.config(scope)
  if (scope !== GLOBAL_SCOPE && !stored) throw subjectNotFound(scope)
  assertConfigWritable(core, scope)
  if (stored) tx.putConfig(scope, null)
  return { ...(stored ?? {}), compatibilityLevel: stored?.compatibilityLevel ?? core.deps.options.defaultCompatibility }
}

function assertConfigWritable(core: RegistryCore, scope: string): void {
  if (core.effectiveMode(scope) === 'READONLY') {
    const q = qualify(scope)
    throw operationNotPermitted(`Subject ${q.qualified} in context ${q.context} is in read-only mode`)
  }
}

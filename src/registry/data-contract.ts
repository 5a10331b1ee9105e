import type { JsonObject } from '../formats/model.js'
import type { VersionRecord } from '../store/store.js'
import type { RegistryCore } from './core.js'
import type { SchemaRequest } from './types.js'

/**
 * Metadata and rules a new version carries: the request's, else the previous version's, with
 * the config's defaults under and overrides over them (Confluent `maybeSetMetadataRuleSet`).
 * An import keeps what it is given.
 */
export function dataContract(
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

/** `right` over `left`: tags and properties by key, sensitive names as a sorted union. */
export function mergeMetadata(left: JsonObject | undefined, right: JsonObject | undefined): JsonObject | undefined {
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

/** `right` over `left`: per rule list, a rule of `right` replaces the one of `left` with its name. */
export function mergeRuleSet(left: JsonObject | undefined, right: JsonObject | undefined): JsonObject | undefined {
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

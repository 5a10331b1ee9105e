import type { ConfigRecord } from '../store/store.js'
import type { SchemaByIdView, SchemaView } from '../registry/types.js'

/** Confluent's `Schema` entity, in its field order; empty lists and nulls are left out. */
export function schemaDto(v: SchemaView) {
  return {
    subject: v.subject,
    version: v.version,
    id: v.id,
    guid: v.guid,
    schemaType: v.schemaType,
    ...(v.references.length ? { references: v.references } : {}),
    ...(v.metadata ? { metadata: v.metadata } : {}),
    ...(v.ruleSet ? { ruleSet: v.ruleSet } : {}),
    schema: v.schema,
    ts: v.ts,
    deleted: v.deleted,
  }
}

/** Confluent's `RegisterSchemaResponse`. */
export function registerDto(v: SchemaView) {
  const { subject: _subject, ...rest } = schemaDto(v)
  return rest
}

/** Confluent's `SchemaString`. */
export function schemaStringDto(v: SchemaByIdView) {
  return {
    ...(v.subject !== undefined ? { subject: v.subject, version: v.version } : {}),
    guid: v.guid,
    schemaType: v.schemaType,
    schema: v.schema,
    ...(v.references.length ? { references: v.references } : {}),
    ...(v.metadata ? { metadata: v.metadata } : {}),
    ...(v.ruleSet ? { ruleSet: v.ruleSet } : {}),
    ...(v.maxId !== undefined ? { maxId: v.maxId } : {}),
    ...(v.ts !== undefined ? { ts: v.ts } : {}),
    ...(v.deleted !== undefined ? { deleted: v.deleted } : {}),
  }
}

/** GET /config shape: the level is `compatibilityLevel`. */
export function configDto(c: ConfigRecord) {
  const { compatibilityLevel, ...rest } = c
  return { compatibilityLevel, ...rest }
}

/** PUT /config shape (Confluent `ConfigUpdateRequest`): the level is `compatibility`. */
export function configUpdateDto(c: ConfigRecord) {
  const { compatibilityLevel, ...rest } = c
  return { ...(compatibilityLevel !== undefined ? { compatibility: compatibilityLevel } : {}), ...rest }
}

/**
 * The registry's shared vocabulary, below every layer that speaks it: the stores persist it, the
 * registry and HTTP work in it, the serializers send it. It depends on nothing but Node.
 */
import { createHash, hash } from 'node:crypto'

/**
 * A reference as registered and stored: `name` is how the referencing schema names the other one
 * (an Avro full name, a Protobuf import path, a JSON Schema `$ref`). Stored references always carry
 * a concrete `version` (never -1).
 */
export interface SchemaReference {
  readonly name: string
  readonly subject: string
  readonly version: number
}

/** JSON objects stored and returned as sent (`metadata`, `ruleSet`, config values). */
export type JsonObject = { readonly [key: string]: unknown }

/** The registry API's own media type: what clients send bodies as, and what the server answers in. */
export const SCHEMA_REGISTRY_V1_JSON = 'application/vnd.schemaregistry.v1+json'
/** The version-less form, accepted and produced next to the v1 type. */
export const SCHEMA_REGISTRY_JSON = 'application/vnd.schemaregistry+json'

/**
 * Config and mode scopes are qualified subject strings: a subject (`orders-value`), a context
 * (`:.staging:`), the default context (`:.:`, which is the global scope) or `:.__GLOBAL:`.
 */
export const GLOBAL_SCOPE = ':.:'

/**
 * Confluent's content hash (`Schema.updateHash`): MD5 over the canonical text, the references and
 * the data-contract parts, printed as a UUID. It drives dedup and `/schemas/guids/{guid}`.
 */
export function schemaGuid(
  canonical: string,
  references: readonly SchemaReference[],
  metadata?: JsonObject,
  ruleSet?: JsonObject,
): string {
  // Most schemas have none of the rest: hashed in one call, without a Hash object.
  if (references.length === 0 && !metadata && !ruleSet) return uuidOf(hash('md5', canonical, 'hex'))
  const md5 = createHash('md5')
  md5.update(canonical, 'utf8')
  for (const ref of references) {
    md5.update(ref.name, 'utf8')
    md5.update(ref.subject, 'utf8')
    const version = Buffer.alloc(4)
    version.writeInt32BE(ref.version)
    md5.update(version)
  }
  if (metadata) {
    md5.update(Buffer.of(1))
    hashValue(md5, metadata)
  }
  if (ruleSet) {
    md5.update(Buffer.of(1))
    hashValue(md5, ruleSet)
  }
  return uuidOf(md5.digest('hex'))
}

const uuidOf = (hex: string) =>
  `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`

/** Feeds a JSON value in key order, so equal values hash equally whatever their key order. */
function hashValue(md5: ReturnType<typeof createHash>, value: unknown): void {
  if (value === null || value === undefined) return
  if (Array.isArray(value)) {
    for (const item of value) hashValue(md5, item)
  } else if (typeof value === 'object') {
    for (const k of Object.keys(value).sort()) {
      md5.update(k, 'utf8')
      hashValue(md5, (value as Record<string, unknown>)[k])
    }
  } else if (typeof value === 'boolean') {
    if (value) md5.update(Buffer.of(1))
  } else {
    md5.update(String(value), 'utf8')
  }
}

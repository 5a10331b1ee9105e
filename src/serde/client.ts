/**
 * What serializers need from a schema registry. `HttpSchemaRegistryClient` (http-client.ts) talks
 * to a real registry; `InMemorySchemaRegistryClient` (memory-client.ts) is the test double, like
 * Confluent's `MockSchemaRegistryClient`.
 */
import type { ResolvedRef, SchemaType } from '../formats/format.js'
import type { SchemaReference } from '../formats/model.js'
import { SerdeError, SchemaRegistryError, SCHEMA_NOT_FOUND, SUBJECT_NOT_FOUND, VERSION_NOT_FOUND } from './errors.js'
import type { Metadata, RuleSet } from './rules/model.js'

export type { SchemaType } from '../formats/format.js'
export type { SchemaReference } from '../formats/model.js'

/** A schema as sent to or read from the registry (wire spelling). */
export interface SchemaInfo {
  readonly schema: string
  /** Absent means AVRO, as on the wire. */
  readonly schemaType?: SchemaType
  readonly references?: readonly SchemaReference[]
  /** The schema's GUID (Confluent 8), when the registry reports one. */
  readonly guid?: string
  /** The data contract's metadata (tags, properties), as registered. */
  readonly metadata?: Metadata
  /** The data contract's rules, which the serializers execute. */
  readonly ruleSet?: RuleSet
}

/** A schema registered under a subject. */
export interface RegisteredSchema extends SchemaInfo {
  readonly subject: string
  readonly id: number
  readonly version: number
}

/**
 * The registry calls serde makes. Implementations cache what never changes (an id's schema, a
 * schema's id under a subject), so a warmed-up serializer makes no network call.
 *
 * @example
 * const client = new HttpSchemaRegistryClient({ baseUrl: 'http://127.0.0.1:8081' })
 * const id = await client.register('orders-value', { schema: '"string"' })
 * const { schema } = await client.getSchemaById(id)
 */
export interface SchemaRegistryClient {
  /** Registers (or finds) `schema` under `subject` and returns its global id. */
  register(subject: string, schema: SchemaInfo, options?: { normalize?: boolean }): Promise<number>
  /** Finds `schema` among the versions of `subject` (`POST /subjects/{s}`); 40401/40403 when absent. */
  lookup(subject: string, schema: SchemaInfo, options?: { normalize?: boolean }): Promise<RegisteredSchema>
  /** The schema with a global id (`GET /schemas/ids/{id}`). */
  getSchemaById(id: number, subject?: string): Promise<SchemaInfo>
  /** The schema with a GUID (`GET /schemas/guids/{guid}`), for GUID-framed payloads. */
  getSchemaByGuid(guid: string): Promise<SchemaInfo>
  /** The latest live version of `subject`. */
  getLatest(subject: string): Promise<RegisteredSchema>
  /** One version of `subject`. */
  getVersion(subject: string, version: number): Promise<RegisteredSchema>
  /**
   * The latest version of `subject` whose `metadata.properties` hold every given pair
   * (`GET /subjects/{s}/metadata`), for `useLatestWithMetadata`.
   */
  getLatestWithMetadata?(subject: string, metadata: Readonly<Record<string, string>>): Promise<RegisteredSchema>
  /** Drops cached "latest" answers (ids and fixed versions never change, so they stay). */
  clearLatestCache(): void
}

/**
 * The transitive closure of `references`, dependencies before dependents, in the shape the
 * formats' `parse` wants. The first binding of a name wins, as in Confluent's
 * `AbstractSchemaProvider.resolveReferences`.
 */
export async function resolveReferences(
  client: SchemaRegistryClient,
  references: readonly SchemaReference[] | undefined,
): Promise<ResolvedRef[]> {
  const out: ResolvedRef[] = []
  const seen = new Set<string>()
  const visit = async (refs: readonly SchemaReference[]): Promise<void> => {
    for (const ref of refs) {
      if (seen.has(ref.name)) continue
      seen.add(ref.name)
      const found = await client.getVersion(ref.subject, ref.version)
      await visit(found.references ?? [])
      out.push({
        name: ref.name,
        subject: found.subject,
        version: found.version,
        schema: found.schema,
        schemaType: found.schemaType ?? 'AVRO',
      })
    }
  }
  await visit(references ?? [])
  return out
}

/** True for the registry's "no such schema/subject/version" answers. */
export function isNotFound(err: unknown): boolean {
  return (
    err instanceof SchemaRegistryError &&
    (err.errorCode === SCHEMA_NOT_FOUND ||
      err.errorCode === SUBJECT_NOT_FOUND ||
      err.errorCode === VERSION_NOT_FOUND ||
      err.status === 404)
  )
}

/** The registry's 40403 for an id seen in a payload, as the serde error that names the id. */
export function unknownSchemaId(id: number, cause: unknown): SerdeError {
  return new SerdeError('UNKNOWN_SCHEMA_ID', `Schema id ${id} is not known to the schema registry.`, { cause })
}

/** The registry's 40403 for a GUID seen in a payload or header. */
export function unknownGuid(guid: string, cause: unknown): SerdeError {
  return new SerdeError('UNKNOWN_GUID', `Schema GUID ${guid} is not known to the schema registry.`, { cause })
}

/**
 * The cache key of a schema under a subject: text, type, references and the data contract
 * (metadata and rule set) all count, as the same text with another contract is another version.
 */
export function schemaKey(subject: string, schema: SchemaInfo, normalize = false): string {
  const refs = (schema.references ?? []).map((r) => `${r.name}\u0000${r.subject}\u0000${r.version}`).join('\u0001')
  const contract =
    schema.metadata === undefined && schema.ruleSet === undefined
      ? ''
      : JSON.stringify([schema.metadata ?? null, schema.ruleSet ?? null])
  return `${subject}\u0002${schema.schemaType ?? 'AVRO'}\u0002${normalize ? 1 : 0}\u0002${refs}\u0002${contract}\u0002${schema.schema}`
}

/**
 * A cache whose concurrent misses for one key share one in-flight load; failed loads are not
 * cached. `ttlMs` bounds how long a value is kept (default: forever).
 */
export class LoadingCache<V> {
  readonly #values = new Map<string, { value: V; at: number }>()
  readonly #inflight = new Map<string, Promise<V>>()
  constructor(readonly ttlMs = Infinity) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.#values.get(key)
    if (hit !== undefined && (this.ttlMs === Infinity || Date.now() - hit.at < this.ttlMs))
      return Promise.resolve(hit.value)
    const pending = this.#inflight.get(key)
    if (pending !== undefined) return pending
    const p = load().then(
      (value) => {
        this.#inflight.delete(key)
        this.#values.set(key, { value, at: Date.now() })
        return value
      },
      (err: unknown) => {
        this.#inflight.delete(key)
        throw err
      },
    )
    this.#inflight.set(key, p)
    return p
  }

  set(key: string, value: V): void {
    this.#values.set(key, { value, at: Date.now() })
  }

  clear(): void {
    this.#values.clear()
  }
}

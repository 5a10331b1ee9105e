/**
 * An in-process registry for unit tests (Confluent's `MockSchemaRegistryClient`): global ids,
 * versions per subject, the same schema (text, type, references) reusing its id and GUID (an MD5
 * of the three, as a UUID). No
 * compatibility checks, no canonicalization: schemas match by exact text.
 */
import { createHash } from 'node:crypto'
import type { RegisteredSchema, SchemaInfo, SchemaRegistryClient } from './client.js'
import { SchemaRegistryError, SCHEMA_NOT_FOUND, SUBJECT_NOT_FOUND, VERSION_NOT_FOUND } from './errors.js'

interface Entry {
  readonly id: number
  readonly info: SchemaInfo
}

/**
 * @example
 * const client = new InMemorySchemaRegistryClient()
 * const serializer = avroSerializer(client, { schema: '"string"' })
 */
export class InMemorySchemaRegistryClient implements SchemaRegistryClient {
  readonly #byId = new Map<number, SchemaInfo>()
  readonly #byGuid = new Map<string, SchemaInfo>()
  readonly #idByText = new Map<string, number>()
  readonly #subjects = new Map<string, Entry[]>()
  #nextId = 1
  /** Registry calls made so far, by method name: tests use it to see what a cache saved. */
  readonly calls = { register: 0, lookup: 0, getSchemaById: 0, getSchemaByGuid: 0, getLatest: 0, getVersion: 0 }

  async register(subject: string, schema: SchemaInfo): Promise<number> {
    this.calls.register++
    const key = identity(normalized(schema))
    let id = this.#idByText.get(key)
    if (id === undefined) {
      id = this.#nextId++
      const guid = guidOf(key)
      this.#idByText.set(key, id)
      this.#byId.set(id, { ...normalized(schema), guid })
      this.#byGuid.set(guid, this.#byId.get(id)!)
    }
    const info = this.#byId.get(id)!
    const versions = this.#subjects.get(subject) ?? []
    if (!versions.some((v) => v.id === id)) versions.push({ id, info })
    this.#subjects.set(subject, versions)
    return id
  }

  async lookup(subject: string, schema: SchemaInfo): Promise<RegisteredSchema> {
    this.calls.lookup++
    const versions = this.#versions(subject)
    const id = this.#idByText.get(identity(normalized(schema)))
    const index = versions.findIndex((v) => v.id === id)
    if (index < 0) throw new SchemaRegistryError(404, SCHEMA_NOT_FOUND, 'Schema not found')
    return this.#at(subject, versions, index)
  }

  async getSchemaById(id: number): Promise<SchemaInfo> {
    this.calls.getSchemaById++
    const info = this.#byId.get(id)
    if (info === undefined) throw new SchemaRegistryError(404, SCHEMA_NOT_FOUND, 'Schema not found')
    return info
  }

  async getSchemaByGuid(guid: string): Promise<SchemaInfo> {
    this.calls.getSchemaByGuid++
    const info = this.#byGuid.get(guid)
    if (info === undefined) throw new SchemaRegistryError(404, SCHEMA_NOT_FOUND, `Schema ${guid} not found`)
    return info
  }

  async getLatest(subject: string): Promise<RegisteredSchema> {
    this.calls.getLatest++
    const versions = this.#versions(subject)
    return this.#at(subject, versions, versions.length - 1)
  }

  async getLatestWithMetadata(subject: string, metadata: Readonly<Record<string, string>>): Promise<RegisteredSchema> {
    this.calls.getLatest++
    const versions = this.#versions(subject)
    for (let i = versions.length - 1; i >= 0; i--) {
      const props = versions[i]!.info.metadata?.properties ?? {}
      if (Object.entries(metadata).every(([k, v]) => props[k] === v)) return this.#at(subject, versions, i)
    }
    throw new SchemaRegistryError(
      404,
      SCHEMA_NOT_FOUND,
      `Schema not found for subject '${subject}' with metadata ${JSON.stringify(metadata)}`,
    )
  }

  async getVersion(subject: string, version: number): Promise<RegisteredSchema> {
    this.calls.getVersion++
    const versions = this.#versions(subject)
    const index = version === -1 ? versions.length - 1 : version - 1
    if (index < 0 || index >= versions.length) {
      throw new SchemaRegistryError(404, VERSION_NOT_FOUND, `Version ${version} not found.`)
    }
    return this.#at(subject, versions, index)
  }

  clearLatestCache(): void {}

  #versions(subject: string): Entry[] {
    const versions = this.#subjects.get(subject)
    if (versions === undefined || versions.length === 0) {
      throw new SchemaRegistryError(404, SUBJECT_NOT_FOUND, `Subject '${subject}' not found.`)
    }
    return versions
  }

  #at(subject: string, versions: Entry[], index: number): RegisteredSchema {
    const entry = versions[index]!
    return { ...entry.info, subject, id: entry.id, version: index + 1 }
  }
}

function normalized(schema: SchemaInfo): SchemaInfo {
  return {
    schema: schema.schema,
    schemaType: schema.schemaType ?? 'AVRO',
    references: schema.references ?? [],
    ...(schema.metadata === undefined ? {} : { metadata: schema.metadata }),
    ...(schema.ruleSet === undefined ? {} : { ruleSet: schema.ruleSet }),
  }
}

/** As in the registry, the same text with another data contract is another schema. */
function identity(info: SchemaInfo): string {
  return JSON.stringify([info.schemaType, info.schema, info.references, info.metadata ?? null, info.ruleSet ?? null])
}

function guidOf(identity: string): string {
  const hex = createHash('md5').update(identity).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

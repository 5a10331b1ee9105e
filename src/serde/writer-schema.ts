/**
 * Which schema a serializer writes for a topic: auto-registered, looked up, the latest version
 * (with metadata), or a fixed id; resolved once per topic.
 */
import type { ParsedSchema } from '../formats/format.js'
import {
  isNotFound,
  unknownSchemaId,
  type SchemaInfo,
  type SchemaReference,
  type SchemaRegistryClient,
} from './client.js'
import { SerdeError } from './errors.js'
import { type FormatBinding, parseWithRefs } from './format-binding.js'
import type { RulesConfig } from './rules/runtime.js'
import { subjectNameStrategy, type SubjectNameStrategy } from './subject-strategy.js'

/** How a serializer picks the schema id it writes. */
export interface SerializerConfig extends RulesConfig {
  /** Serialize Kafka keys (`<topic>-key`) rather than values (`<topic>-value`). */
  readonly isKey?: boolean
  /** Default 'TopicName'. */
  readonly subjectNameStrategy?: SubjectNameStrategy
  /** Register the schema under the subject when it is not there yet (default true). */
  readonly autoRegister?: boolean
  /** Write with the subject's latest registered schema, not the local one. */
  readonly useLatestVersion?: boolean
  /** Write with the latest version whose `metadata.properties` hold these pairs (`use.latest.with.metadata`). */
  readonly useLatestWithMetadata?: Readonly<Record<string, string>>
  /** Write with this registered schema id. */
  readonly schemaId?: number
  /** Ask the registry to normalize the schema on register/lookup. */
  readonly normalize?: boolean
  /**
   * Where the schema is named: `'prefix'` (default) writes `[0x00][id]` before the payload;
   * `'header'` writes `[0x01][GUID]` (plus Protobuf indexes) into the `__value_schema_id` /
   * `__key_schema_id` record header and a bare payload, as Confluent's `HeaderSchemaIdSerializer`.
   */
  readonly schemaIdFraming?: 'prefix' | 'header'
  /**
   * A value key that names no field of its Avro record or Protobuf message: `'reject'` (default)
   * fails with INVALID_VALUE and writes nothing; `'ignore'` drops the key. Types are checked either
   * way. JSON Schema values follow their schema (`additionalProperties`).
   */
  readonly unknownFields?: 'reject' | 'ignore'
}

/** The schema a serializer writes for a topic. */
export interface WriterSchema<P> {
  readonly id: number
  /** Known when the serializer writes header (GUID) framing. */
  readonly guid?: string
  readonly subject: string
  readonly parsed: P
  /** The registered (or local) schema, with the data contract whose rules run on write. */
  readonly info: SchemaInfo
}

/**
 * A schema given by the application: text plus the references it needs. `prepareReferences`
 * (Protobuf imports given as text) registers or looks up the referenced schemas first and
 * returns the references to register the schema with.
 */
export interface LocalSchema {
  readonly schema: string
  readonly references?: readonly SchemaReference[]
  readonly prepareReferences?: (
    client: SchemaRegistryClient,
    options: { register: boolean; normalize: boolean },
  ) => Promise<readonly SchemaReference[]>
}

/** Resolves, once per topic, the schema id and parsed schema a serializer writes with. */
export class WriterSchemas<P extends ParsedSchema> {
  readonly #byTopic = new Map<string, Promise<WriterSchema<P>>>()
  #local: Promise<{ info: SchemaInfo; parsed: P }> | undefined

  constructor(
    readonly client: SchemaRegistryClient,
    readonly binding: FormatBinding<P>,
    readonly config: SerializerConfig,
    readonly local: LocalSchema | undefined,
  ) {
    if (
      local === undefined &&
      config.useLatestVersion !== true &&
      config.schemaId === undefined &&
      config.useLatestWithMetadata === undefined
    ) {
      throw new TypeError(
        `A ${binding.type} serializer needs a schema, useLatestVersion, useLatestWithMetadata or a schemaId.`,
      )
    }
  }

  forTopic(topic: string): Promise<WriterSchema<P>> {
    let p = this.#byTopic.get(topic)
    if (p === undefined) {
      p = this.#resolve(topic)
      this.#byTopic.set(topic, p)
      p.catch(() => this.#byTopic.delete(topic))
    }
    return p
  }

  /** The local schema with its references (prepared first when they come as texts), parsed. */
  #parsedLocal(): Promise<{ info: SchemaInfo; parsed: P }> {
    if (this.#local === undefined) {
      const p = (async () => {
        const local = this.local!
        const writes =
          this.config.useLatestVersion !== true &&
          this.config.schemaId === undefined &&
          this.config.useLatestWithMetadata === undefined
        const references =
          local.prepareReferences === undefined
            ? (local.references ?? [])
            : await local.prepareReferences(this.client, {
                register: writes && this.config.autoRegister !== false,
                normalize: this.config.normalize === true,
              })
        const info: SchemaInfo = { schema: local.schema, schemaType: this.binding.type, references }
        return { info, parsed: await parseWithRefs(this.client, this.binding, info, 'The serializer schema') }
      })()
      this.#local = p
      p.catch(() => {
        if (this.#local === p) this.#local = undefined
      })
    }
    return this.#local
  }

  async #resolve(topic: string): Promise<WriterSchema<P>> {
    const writer = await this.#resolveId(topic)
    if (this.config.schemaIdFraming !== 'header' || writer.guid !== undefined) return writer
    const guid = (await this.#byId(writer.id)).guid
    if (guid === undefined) {
      throw new SerdeError(
        'INVALID_GUID',
        `The schema registry reports no GUID for schema id ${writer.id}; header framing needs one (Confluent 8+).`,
      )
    }
    return { ...writer, guid }
  }

  async #resolveId(topic: string): Promise<WriterSchema<P>> {
    const { client, config, binding } = this
    const local = this.local === undefined ? undefined : await this.#parsedLocal()
    const subject = subjectNameStrategy(config.subjectNameStrategy)({
      topic,
      isKey: config.isKey === true,
      recordName: local === undefined ? undefined : binding.recordName(local.parsed),
    })
    if (config.schemaId !== undefined) {
      const info = await this.#byId(config.schemaId)
      const parsed = local?.parsed ?? (await parseWithRefs(client, binding, info, `Schema id ${config.schemaId}`))
      return { id: config.schemaId, subject, parsed, info }
    }
    if (config.useLatestWithMetadata !== undefined) {
      if (client.getLatestWithMetadata === undefined)
        throw new TypeError('useLatestWithMetadata needs a registry client with getLatestWithMetadata().')
      const latest = await client.getLatestWithMetadata(subject, config.useLatestWithMetadata)
      const parsed = await parseWithRefs(
        client,
        binding,
        latest,
        `The latest schema of subject '${subject}' with metadata ${JSON.stringify(config.useLatestWithMetadata)}`,
      )
      return withGuid({ id: latest.id, subject, parsed, info: latest }, latest.guid)
    }
    if (config.useLatestVersion === true) {
      const latest = await client.getLatest(subject)
      const parsed = await parseWithRefs(client, binding, latest, `The latest schema of subject '${subject}'`)
      return withGuid({ id: latest.id, subject, parsed, info: latest }, latest.guid)
    }
    const normalize = { normalize: config.normalize === true }
    if (config.autoRegister === false) {
      const found = await client.lookup(subject, local!.info, normalize)
      return withGuid({ id: found.id, subject, parsed: local!.parsed, info: found }, found.guid)
    }
    return {
      id: await client.register(subject, local!.info, normalize),
      subject,
      parsed: local!.parsed,
      info: local!.info,
    }
  }

  async #byId(id: number): Promise<SchemaInfo> {
    try {
      return await this.client.getSchemaById(id)
    } catch (err) {
      throw isNotFound(err) ? unknownSchemaId(id, err) : err
    }
  }
}

function withGuid<P>(writer: WriterSchema<P>, guid: string | undefined): WriterSchema<P> {
  return guid === undefined ? writer : { ...writer, guid }
}

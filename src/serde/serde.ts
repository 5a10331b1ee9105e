/**
 * The format-independent half of every serializer and deserializer: which schema id to write
 * for a topic (auto-register, latest version, fixed id, lookup) and which decoder reads an id.
 * avro.ts, protobuf.ts and json.ts plug a {@link FormatBinding} into it.
 */
import type { ParsedSchema, ResolvedRefs, SchemaType } from '../formats/format.js'
import { isNotFound, resolveReferences, unknownSchemaId, type SchemaInfo, type SchemaReference, type SchemaRegistryClient } from './client.js'
import { SerdeError } from './errors.js'
import { subjectNameStrategy, type SubjectNameStrategy } from './subject-strategy.js'
import { readSchemaId } from './wire.js'

/** How a serializer picks the schema id it writes. */
export interface SerializerConfig {
  /** Serialize Kafka keys (`<topic>-key`) rather than values (`<topic>-value`). */
  readonly isKey?: boolean
  /** Default 'TopicName'. */
  readonly subjectNameStrategy?: SubjectNameStrategy
  /** Register the schema under the subject when it is not there yet (default true). */
  readonly autoRegister?: boolean
  /** Write with the subject's latest registered schema, not the local one. */
  readonly useLatestVersion?: boolean
  /** Write with this registered schema id. */
  readonly schemaId?: number
  /** Ask the registry to normalize the schema on register/lookup. */
  readonly normalize?: boolean
}

/**
 * @example
 * const serializer = avroSerializer<Tick>(client, { schema: tickSchema })
 * await producer.send({ topic, messages: [{ value: await serializer.serialize(topic, tick) }] })
 */
export interface Serializer<T> {
  /** The framed bytes of `value`; null and undefined pass through as null (tombstones). */
  serialize(topic: string, value: T | null | undefined): Promise<Buffer | null>
  /**
   * A synchronous encoder bound to the schema id this serializer uses for `topic`: one registry
   * round trip (or none, once cached), then pure encoding.
   */
  encoderFor(topic: string): Promise<(value: T) => Buffer>
}

export interface Deserializer<T> {
  /** The value a framed payload holds; null passes through as null. */
  deserialize(topic: string, payload: Uint8Array | null | undefined): Promise<T | null>
  /**
   * Like `deserialize`, without awaiting: works once the payload's schema id has been loaded
   * (`load`, or an earlier `deserialize`), else throws SCHEMA_NOT_LOADED.
   */
  deserializeSync(topic: string, payload: Uint8Array | null | undefined): T | null
  /** Fetches and compiles the schema of a payload (or of an id) so `deserializeSync` can read it. */
  load(payloadOrId: Uint8Array | number): Promise<void>
}

/** What one schema language contributes to the shared machinery. */
export interface FormatBinding<P extends ParsedSchema> {
  readonly type: SchemaType
  parse(text: string, refs: ResolvedRefs): P
  /** Full name for the record name strategies, or undefined. */
  recordName(parsed: P): string | undefined
}

/** The schema a serializer writes for a topic. */
export interface WriterSchema<P> {
  readonly id: number
  readonly subject: string
  readonly parsed: P
}

/** A schema given by the application: text plus the references it needs. */
export interface LocalSchema {
  readonly schema: string
  readonly references?: readonly SchemaReference[]
}

/** Parses a schema text with its references fetched from the registry; parse failures are INVALID_SCHEMA. */
export async function parseWithRefs<P extends ParsedSchema>(
  client: SchemaRegistryClient, binding: FormatBinding<P>, info: SchemaInfo, what: string,
): Promise<P> {
  const type = info.schemaType ?? 'AVRO'
  if (type !== binding.type) {
    throw new SerdeError('INVALID_SCHEMA', `${what} is a ${type} schema, but this is a ${binding.type} serde.`)
  }
  const refs = await resolveReferences(client, info.references)
  try {
    return binding.parse(info.schema, refs)
  } catch (cause) {
    throw new SerdeError('INVALID_SCHEMA', `${what} does not parse as ${binding.type}: ${(cause as Error).message}`, { cause })
  }
}

/** Resolves, once per topic, the schema id and parsed schema a serializer writes with. */
export class WriterSchemas<P extends ParsedSchema> {
  readonly #byTopic = new Map<string, Promise<WriterSchema<P>>>()
  #local: Promise<P> | undefined

  constructor(
    readonly client: SchemaRegistryClient,
    readonly binding: FormatBinding<P>,
    readonly config: SerializerConfig,
    readonly local: LocalSchema | undefined,
  ) {
    if (local === undefined && config.useLatestVersion !== true && config.schemaId === undefined) {
      throw new TypeError(`A ${binding.type} serializer needs a schema, useLatestVersion or a schemaId.`)
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

  #localInfo(): SchemaInfo {
    return { schema: this.local!.schema, schemaType: this.binding.type, references: this.local!.references ?? [] }
  }

  #parsedLocal(): Promise<P> {
    if (this.#local === undefined) {
      const p = parseWithRefs(this.client, this.binding, this.#localInfo(), 'The serializer schema')
      this.#local = p
      p.catch(() => { if (this.#local === p) this.#local = undefined })
    }
    return this.#local
  }

  async #resolve(topic: string): Promise<WriterSchema<P>> {
    const { client, config, binding } = this
    const local = this.local === undefined ? undefined : await this.#parsedLocal()
    const subject = subjectNameStrategy(config.subjectNameStrategy)({
      topic, isKey: config.isKey === true, recordName: local === undefined ? undefined : binding.recordName(local),
    })
    if (config.schemaId !== undefined) {
      const parsed = local ?? await parseWithRefs(client, binding, await this.#byId(config.schemaId), `Schema id ${config.schemaId}`)
      return { id: config.schemaId, subject, parsed }
    }
    if (config.useLatestVersion === true) {
      const latest = await client.getLatest(subject)
      const parsed = await parseWithRefs(client, binding, latest, `The latest schema of subject '${subject}'`)
      return { id: latest.id, subject, parsed }
    }
    const info = this.#localInfo()
    const normalize = { normalize: config.normalize === true }
    const id = config.autoRegister === false
      ? (await client.lookup(subject, info, normalize)).id
      : await client.register(subject, info, normalize)
    return { id, subject, parsed: local! }
  }

  async #byId(id: number): Promise<SchemaInfo> {
    try {
      return await this.client.getSchemaById(id)
    } catch (err) {
      throw isNotFound(err) ? unknownSchemaId(id, err) : err
    }
  }
}

/**
 * A {@link Serializer} from the per-topic writer schemas and an encoder factory. Once a topic's
 * encoder exists, `serialize` runs it without an async function frame: a message costs one
 * encoding and one settled promise.
 */
export function serializerFrom<T, P extends ParsedSchema>(
  writers: WriterSchemas<P>, build: (writer: WriterSchema<P>) => (value: T) => Buffer,
): Serializer<T> {
  const encoders = new Map<string, (value: T) => Buffer>()
  let lastTopic: string | undefined
  let last: ((value: T) => Buffer) | undefined
  const encoderFor = async (topic: string): Promise<(value: T) => Buffer> => {
    let enc = encoders.get(topic)
    if (enc === undefined) {
      enc = build(await writers.forTopic(topic))
      encoders.set(topic, enc)
    }
    return enc
  }
  return {
    encoderFor,
    serialize(topic, value) {
      if (value === null || value === undefined) return Promise.resolve(null)
      let enc = topic === lastTopic ? last : encoders.get(topic)
      if (enc === undefined) return encoderFor(topic).then((e) => e(value))
      lastTopic = topic
      last = enc
      try {
        return Promise.resolve(enc(value))
      } catch (err) {
        return Promise.reject(err)
      }
    },
  }
}

/** A {@link Deserializer} over decoders that each read a whole framed payload. */
export function deserializerFrom<T>(decoders: ReaderDecoders<(payload: Uint8Array) => T>): Deserializer<T> {
  return {
    deserialize(_topic, payload) {
      if (payload === null || payload === undefined) return Promise.resolve(null)
      try {
        const id = readSchemaId(payload)
        const d = decoders.get(id)
        return d === undefined ? decoders.load(id).then((dec) => dec(payload)) : Promise.resolve(d(payload))
      } catch (err) {
        return Promise.reject(err)
      }
    },
    deserializeSync(_topic, payload) {
      if (payload === null || payload === undefined) return null
      return decoders.require(readSchemaId(payload))(payload)
    },
    async load(payloadOrId) {
      await decoders.loadFor(payloadOrId)
    },
  }
}

/** Decoders by schema id, each built once; concurrent first reads of an id share one load. */
export class ReaderDecoders<D> {
  readonly #ready = new Map<number, D>()
  readonly #loading = new Map<number, Promise<D>>()
  // Most topics carry one schema id: remember the last one read.
  #lastId = Number.NaN
  #last: D | undefined

  constructor(
    readonly client: SchemaRegistryClient,
    readonly build: (id: number, info: SchemaInfo) => Promise<D>,
  ) {}

  /** The decoder of a loaded id, or undefined. */
  get(id: number): D | undefined {
    if (id === this.#lastId) return this.#last
    const d = this.#ready.get(id)
    if (d !== undefined) {
      this.#lastId = id
      this.#last = d
    }
    return d
  }

  load(id: number): Promise<D> {
    const ready = this.#ready.get(id)
    if (ready !== undefined) return Promise.resolve(ready)
    let p = this.#loading.get(id)
    if (p === undefined) {
      p = this.#fetch(id).then(
        (d) => { this.#ready.set(id, d); this.#loading.delete(id); return d },
        (err: unknown) => { this.#loading.delete(id); throw err },
      )
      this.#loading.set(id, p)
    }
    return p
  }

  /** The decoder for a payload's id, or SCHEMA_NOT_LOADED. */
  require(id: number): D {
    const d = this.get(id)
    if (d === undefined) {
      throw new SerdeError('SCHEMA_NOT_LOADED', `Schema id ${id} has not been loaded yet: call load() or deserialize() first.`)
    }
    return d
  }

  /** `load` for either a payload or an id. */
  loadFor(payloadOrId: Uint8Array | number): Promise<D> {
    return this.load(typeof payloadOrId === 'number' ? payloadOrId : readSchemaId(payloadOrId))
  }

  async #fetch(id: number): Promise<D> {
    let info: SchemaInfo
    try {
      info = await this.client.getSchemaById(id)
    } catch (err) {
      throw isNotFound(err) ? unknownSchemaId(id, err) : err
    }
    return this.build(id, info)
  }
}

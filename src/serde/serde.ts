/**
 * The format-independent half of every serializer and deserializer: which schema id to write
 * for a topic (auto-register, latest version, fixed id, lookup) and which decoder reads an id.
 * avro.ts, protobuf.ts and json.ts plug a {@link FormatBinding} into it.
 */
import type { ParsedSchema, ResolvedRefs, SchemaType } from '../formats/format.js'
import {
  isNotFound,
  resolveReferences,
  unknownGuid,
  unknownSchemaId,
  type SchemaInfo,
  type SchemaReference,
  type SchemaRegistryClient,
} from './client.js'
import { SerdeError } from './errors.js'
import type { Int64Mode } from './int64.js'
import type { FieldWalker } from './rules/context.js'
import { readStep, writeStep, type ReadRulesConfig, type ReadStep, type RulesConfig } from './rules/runtime.js'
import { subjectNameStrategy, type SubjectNameStrategy } from './subject-strategy.js'
import {
  describeRef,
  guidHeader,
  HEADER_SIZE,
  KEY_SCHEMA_ID_HEADER,
  MAGIC_BYTE,
  readFraming,
  VALUE_SCHEMA_ID_HEADER,
  type RecordHeaders,
  type SchemaRef,
  type WritableHeaders,
} from './wire.js'

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

/** The JavaScript types of values (README: type table), the same for Avro and Protobuf. */
export interface ValueTypesConfig {
  /**
   * 64-bit integers read back as `'number'` (default; every value must then be a safe integer,
   * both ways), `'bigint'` or `'string'`. Serializers also take numbers in the other two modes.
   */
  readonly int64?: Int64Mode
}

/** What every deserializer accepts. */
export interface DeserializerConfig extends ReadRulesConfig {
  /** Reads Kafka keys: the `__key_schema_id` header rather than `__value_schema_id`. */
  readonly isKey?: boolean
  /** The subject of a topic's messages, for `useLatestVersion`/`useLatestWithMetadata` (default 'TopicName'). */
  readonly subjectNameStrategy?: SubjectNameStrategy
}

/** Encodes one value; with header framing it also sets the schema-id header in `headers`. */
export type Encoder<T> = (value: T, headers?: WritableHeaders) => Buffer

/** Decodes a payload whose bytes after the id or GUID start at `start`; `header` is the schema-id header, if any. */
export type Decoder<T> = (payload: Uint8Array, start: number, header?: Uint8Array) => T

/**
 * @example
 * const serializer = avroSerializer<Tick>(client, { schema: tickSchema })
 * await producer.send({ topic, messages: [{ value: await serializer.serialize(topic, tick) }] })
 */
export interface Serializer<T> {
  readonly isKey: boolean
  /** `'header'` when the schema id goes into a record header (then `headers` must be given). */
  readonly schemaIdFraming: 'prefix' | 'header'
  /** The framed bytes of `value`; null and undefined pass through as null (tombstones). */
  serialize(topic: string, value: T | null | undefined, headers?: WritableHeaders): Promise<Buffer | null>
  /**
   * A synchronous encoder bound to the schema id this serializer uses for `topic`: one registry
   * round trip (or none, once cached), then pure encoding. Fails with ASYNC_ONLY when the schema
   * has data-contract rules: those run in `serialize`.
   */
  encoderFor(topic: string): Promise<Encoder<T>>
  /** Whether `topic`'s writer schema has rules that run on write (then only `serialize` works). */
  runsRules(topic: string): Promise<boolean>
}

export interface Deserializer<T> {
  readonly isKey: boolean
  /**
   * The value a framed payload holds; null passes through as null. The schema is named by the
   * `__value_schema_id` (or, for keys, `__key_schema_id`) header when `headers` carry one, else by
   * the payload's prefix (magic 0 + id or magic 1 + GUID), as Confluent's `DualSchemaIdDeserializer`.
   */
  deserialize(topic: string, payload: Uint8Array | null | undefined, headers?: RecordHeaders): Promise<T | null>
  /**
   * Like `deserialize`, without awaiting: works once the payload's schema has been loaded
   * (`load`, or an earlier `deserialize`), else throws SCHEMA_NOT_LOADED.
   */
  deserializeSync(topic: string, payload: Uint8Array | null | undefined, headers?: RecordHeaders): T | null
  /** Fetches and compiles the schema of a payload (or of an id or GUID) so `deserializeSync` can read it. */
  load(payloadOrRef: Uint8Array | SchemaRef, headers?: RecordHeaders): Promise<void>
}

/** What one schema language contributes to the shared machinery. */
export interface FormatBinding<P extends ParsedSchema> {
  readonly type: SchemaType
  parse(text: string, refs: ResolvedRefs): P
  /** Full name for the record name strategies, or undefined. */
  recordName(parsed: P): string | undefined
  /** Visits the fields of a value for field rules (CEL_FIELD); `value` helps pick a Protobuf message. */
  fieldWalker?(parsed: P, value?: unknown): FieldWalker | undefined
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

/** Parses a schema text with its references fetched from the registry; parse failures are INVALID_SCHEMA. */
export async function parseWithRefs<P extends ParsedSchema>(
  client: SchemaRegistryClient,
  binding: FormatBinding<P>,
  info: SchemaInfo,
  what: string,
): Promise<P> {
  const type = info.schemaType ?? 'AVRO'
  if (type !== binding.type) {
    throw new SerdeError('INVALID_SCHEMA', `${what} is a ${type} schema, but this is a ${binding.type} serde.`)
  }
  const refs = await resolveReferences(client, info.references)
  try {
    return binding.parse(info.schema, refs)
  } catch (cause) {
    throw new SerdeError('INVALID_SCHEMA', `${what} does not parse as ${binding.type}: ${(cause as Error).message}`, {
      cause,
    })
  }
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

/**
 * A {@link Serializer} from the per-topic writer schemas and a prefix-framing encoder factory.
 * Each format's encoder is two steps: the value mapping (strict key and type checks, conversions
 * of the type table) and then the encoding of the mapped value; nothing is written unless the
 * mapping passes. Data-contract write rules run before the encoder, so the mapping also checks
 * what the rules returned.
 * Once a topic's encoder exists, `serialize` runs it without an async function frame: a message
 * costs one encoding and one settled promise. With header framing the prefix the encoder wrote
 * (id plus the `suffixOf(writer)` bytes, Protobuf's indexes) moves into the record header.
 */
export function serializerFrom<T, P extends ParsedSchema>(
  writers: WriterSchemas<P>,
  build: (writer: WriterSchema<P>) => (value: T) => Buffer,
  suffixOf?: (writer: WriterSchema<P>) => Uint8Array,
): Serializer<T> {
  const isKey = writers.config.isKey === true
  const schemaIdFraming = writers.config.schemaIdFraming ?? 'prefix'
  const encoders = new Map<string, Encoder<T>>()
  // Topics whose writer schema has rules: their values go through the rules, then the encoder.
  const ruled = new Map<string, (topic: string, value: unknown) => Promise<unknown>>()
  let lastTopic: string | undefined
  let last: Encoder<T> | undefined
  const make = (w: WriterSchema<P>): Encoder<T> => {
    const enc = build(w)
    if (schemaIdFraming === 'prefix') return enc
    const suffix = suffixOf?.(w) ?? new Uint8Array(0)
    const header = guidHeader(w.guid!, suffix)
    const name = isKey ? KEY_SCHEMA_ID_HEADER : VALUE_SCHEMA_ID_HEADER
    return (value, headers) => {
      if (headers === undefined) throw new TypeError(`Header framing needs a headers object to write '${name}' into.`)
      const framed = enc(value)
      headers[name] = header
      return framed.subarray(HEADER_SIZE + suffix.length)
    }
  }
  const load = async (topic: string): Promise<Encoder<T>> => {
    let enc = encoders.get(topic)
    if (enc === undefined) {
      const w = await writers.forTopic(topic)
      enc = make(w)
      const rules = writeStep(writers.config, w.info, w.subject, isKey, () => writers.binding.fieldWalker?.(w.parsed))
      if (rules !== undefined) ruled.set(topic, rules)
      encoders.set(topic, enc)
    }
    return enc
  }
  const encoderFor = async (topic: string): Promise<Encoder<T>> => {
    const enc = await load(topic)
    if (ruled.has(topic)) {
      throw new SerdeError(
        'ASYNC_ONLY',
        `The schema written to topic '${topic}' has data-contract rules, which run asynchronously: use serialize().`,
      )
    }
    return enc
  }
  const serializeRuled = async (topic: string, value: T, headers: WritableHeaders | undefined): Promise<Buffer> => {
    const enc = await load(topic)
    const rules = ruled.get(topic)
    return enc((rules === undefined ? value : await rules(topic, value)) as T, headers)
  }
  return {
    isKey,
    schemaIdFraming,
    encoderFor,
    async runsRules(topic) {
      await load(topic)
      return ruled.has(topic)
    },
    serialize(topic, value, headers) {
      if (value === null || value === undefined) return Promise.resolve(null)
      const enc = topic === lastTopic ? last : encoders.get(topic)
      if (enc === undefined || ruled.has(topic)) return serializeRuled(topic, value, headers)
      lastTopic = topic
      last = enc
      try {
        return Promise.resolve(enc(value, headers))
      } catch (err) {
        return Promise.reject(err)
      }
    },
  }
}

/**
 * A {@link Deserializer} over decoders by schema id or GUID. With `binding`, decoded values go
 * through the writer's read rules and the migrations to a reader version the config selects.
 */
export function deserializerFrom<T, P extends ParsedSchema>(
  decoders: ReaderDecoders<Decoder<T>>,
  config: DeserializerConfig = {},
  binding?: FormatBinding<P>,
): Deserializer<T> {
  const isKey = config.isKey === true
  const steps = new Map<SchemaRef, ReadStep | undefined>()
  // Most topics carry one schema: remember the last id's step (a record costs no Map lookup).
  let lastStepRef: SchemaRef = Number.NaN
  let lastStep: ReadStep | undefined
  const stepFor = (ref: SchemaRef): ReadStep | undefined => {
    if (ref === lastStepRef) return lastStep
    const step = stepOf(ref)
    if (binding === undefined || steps.has(ref)) {
      lastStepRef = ref
      lastStep = step
    }
    return step
  }
  const stepOf = (ref: SchemaRef): ReadStep | undefined => {
    if (binding === undefined) return undefined
    if (steps.has(ref)) return steps.get(ref)
    const info = decoders.info(ref)
    const step =
      info === undefined
        ? undefined
        : readStep(
            config,
            {
              client: decoders.client,
              isKey,
              subjectFor: async (topic, writer) =>
                subjectNameStrategy(config.subjectNameStrategy)({
                  topic,
                  isKey,
                  recordName:
                    config.subjectNameStrategy === undefined || config.subjectNameStrategy === 'TopicName'
                      ? undefined
                      : binding.recordName(await parseWithRefs(decoders.client, binding, writer, describeRef(ref))),
                }),
              walkFields: async (target, value) =>
                binding.fieldWalker?.(await parseWithRefs(decoders.client, binding, target, describeRef(ref)), value),
            },
            info,
          )
    steps.set(ref, step)
    return step
  }
  const finish = (topic: string, ref: SchemaRef, value: T): Promise<T> => {
    const step = stepFor(ref)
    return step === undefined ? Promise.resolve(value) : (step(topic, value) as Promise<T>)
  }
  return {
    isKey,
    deserialize(topic, payload, headers) {
      if (payload === null || payload === undefined) return Promise.resolve(null)
      try {
        const { ref, start, header } = readFraming(payload, headers, isKey)
        const d = decoders.get(ref)
        return d === undefined
          ? decoders.load(ref).then((dec) => finish(topic, ref, dec(payload, start, header)))
          : finish(topic, ref, d(payload, start, header))
      } catch (err) {
        return Promise.reject(err)
      }
    },
    deserializeSync(_topic, payload, headers) {
      if (payload === null || payload === undefined) return null
      // The common framing (magic 0, no headers) without building a framing object: this path
      // runs once per record in a batch.
      if (headers === undefined && payload.length >= HEADER_SIZE && payload[0] === MAGIC_BYTE) {
        const id = (payload[1]! << 24) | (payload[2]! << 16) | (payload[3]! << 8) | payload[4]!
        const d = decoders.require(id)
        if (stepFor(id) !== undefined) throw asyncOnly(id)
        return d(payload, HEADER_SIZE, undefined)
      }
      const { ref, start, header } = readFraming(payload, headers, isKey)
      const d = decoders.require(ref)
      if (stepFor(ref) !== undefined) throw asyncOnly(ref)
      return d(payload, start, header)
    },
    async load(payloadOrRef, headers) {
      await decoders.load(
        typeof payloadOrRef === 'object' ? readFraming(payloadOrRef, headers, isKey).ref : payloadOrRef,
      )
    },
  }
}

function asyncOnly(ref: SchemaRef): SerdeError {
  return new SerdeError(
    'ASYNC_ONLY',
    `${describeRef(ref, true)} has data-contract rules (or the deserializer migrates to another version), which run asynchronously: use deserialize().`,
  )
}

/** Decoders by schema id or GUID, each built once; concurrent first reads of one share one load. */
export class ReaderDecoders<D> {
  readonly #ready = new Map<SchemaRef, D>()
  readonly #infos = new Map<SchemaRef, SchemaInfo>()
  readonly #loading = new Map<SchemaRef, Promise<D>>()
  // Most topics carry one schema: remember the last one read.
  #lastRef: SchemaRef = Number.NaN
  #last: D | undefined

  constructor(
    readonly client: SchemaRegistryClient,
    readonly build: (ref: SchemaRef, info: SchemaInfo) => Promise<D>,
  ) {}

  /** The decoder of a loaded id or GUID, or undefined. */
  get(ref: SchemaRef): D | undefined {
    if (ref === this.#lastRef) return this.#last
    const d = this.#ready.get(ref)
    if (d !== undefined) {
      this.#lastRef = ref
      this.#last = d
    }
    return d
  }

  load(ref: SchemaRef): Promise<D> {
    const ready = this.#ready.get(ref)
    if (ready !== undefined) return Promise.resolve(ready)
    let p = this.#loading.get(ref)
    if (p === undefined) {
      p = this.#fetch(ref).then(
        (d) => {
          this.#ready.set(ref, d)
          this.#loading.delete(ref)
          return d
        },
        (err: unknown) => {
          this.#loading.delete(ref)
          throw err
        },
      )
      this.#loading.set(ref, p)
    }
    return p
  }

  /** The registered schema of a loaded id or GUID. */
  info(ref: SchemaRef): SchemaInfo | undefined {
    return this.#infos.get(ref)
  }

  /** The decoder for a payload's id or GUID, or SCHEMA_NOT_LOADED. */
  require(ref: SchemaRef): D {
    const d = this.get(ref)
    if (d === undefined) {
      const what = typeof ref === 'number' ? `Schema id ${ref}` : `Schema GUID ${ref}`
      throw new SerdeError('SCHEMA_NOT_LOADED', `${what} has not been loaded yet: call load() or deserialize() first.`)
    }
    return d
  }

  async #fetch(ref: SchemaRef): Promise<D> {
    let info: SchemaInfo
    try {
      info = typeof ref === 'number' ? await this.client.getSchemaById(ref) : await this.client.getSchemaByGuid(ref)
    } catch (err) {
      if (!isNotFound(err)) throw err
      throw typeof ref === 'number' ? unknownSchemaId(ref, err) : unknownGuid(ref, err)
    }
    const built = await this.build(ref, info)
    this.#infos.set(ref, info)
    return built
  }
}

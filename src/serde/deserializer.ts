/** The deserializer every format shares: framing, the decoder of the payload's schema, read rules and migrations. */
import type { ParsedSchema } from '../formats/format.js'
import type { SchemaInfo } from './client.js'
import type { Decoder, ReaderDecoders } from './decoders.js'
import { SerdeError } from './errors.js'
import { type FormatBinding, parseWithRefs } from './format-binding.js'
import {
  payloadStep,
  readStep,
  type PayloadStep,
  type ReadContext,
  type ReadRulesConfig,
  type ReadStep,
} from './rules/runtime.js'
import { subjectNameStrategy, type SubjectNameStrategy } from './subject-strategy.js'
import {
  describeRef,
  HEADER_SIZE,
  MAGIC_BYTE,
  readFraming,
  type PayloadFrame,
  type RecordHeaders,
  type SchemaRef,
} from './wire.js'

/** What every deserializer accepts. */
export interface DeserializerConfig extends ReadRulesConfig {
  /** Reads Kafka keys: the `__key_schema_id` header rather than `__value_schema_id`. */
  readonly isKey?: boolean
  /** The subject of a topic's messages, for `useLatestVersion`/`useLatestWithMetadata` (default 'TopicName'). */
  readonly subjectNameStrategy?: SubjectNameStrategy
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
  // The last id read synchronously that has neither read rules nor encoding rules: a loaded id's
  // decoder and steps never change, so its next payloads go straight to the decoder.
  let plainId = Number.NaN
  let plainDecoder: Decoder<T> | undefined
  // A version's parse, shared by every message whose rules need it (the writer's, or the reader
  // version a migration ends at).
  const parsed = new WeakMap<SchemaInfo, Promise<P>>()
  const parsedOf = (b: FormatBinding<P>, info: SchemaInfo, ref: SchemaRef): Promise<P> => {
    let p = parsed.get(info)
    if (p === undefined) {
      p = parseWithRefs(decoders.client, b, info, describeRef(ref))
      parsed.set(info, p)
      p.catch(() => parsed.delete(info))
    }
    return p
  }
  const contextOf = (b: FormatBinding<P>, ref: SchemaRef): ReadContext => ({
    client: decoders.client,
    isKey,
    subjectFor: async (topic, writer) =>
      subjectNameStrategy(config.subjectNameStrategy)({
        topic,
        isKey,
        recordName:
          config.subjectNameStrategy === undefined || config.subjectNameStrategy === 'TopicName'
            ? undefined
            : b.recordName(await parsedOf(b, writer, ref)),
      }),
    walkFields: async (target, frame) => b.fieldWalker?.(await parsedOf(b, target, ref), frame),
  })
  const stepOf = (ref: SchemaRef): ReadStep | undefined => {
    if (binding === undefined) return undefined
    if (steps.has(ref)) return steps.get(ref)
    const info = decoders.info(ref)
    const step = info === undefined ? undefined : readStep(config, contextOf(binding, ref), info)
    steps.set(ref, step)
    return step
  }
  // The writer's encoding rules (ENCRYPT_PAYLOAD), which run on the bytes before they decode.
  const payloadSteps = new Map<SchemaRef, ((topic: string, frame: PayloadFrame) => Promise<Uint8Array>) | undefined>()
  const payloadStepOf = (ref: SchemaRef): ((topic: string, frame: PayloadFrame) => Promise<Uint8Array>) | undefined => {
    if (binding === undefined) return undefined
    if (payloadSteps.has(ref)) return payloadSteps.get(ref)
    const info = decoders.info(ref)
    const step: PayloadStep | undefined = info === undefined ? undefined : payloadStep(config, info, isKey, 'READ')
    const run =
      step === undefined || info === undefined
        ? undefined
        : async (topic: string, frame: PayloadFrame): Promise<Uint8Array> => {
            const at = binding.bodyStart?.(frame) ?? frame.start
            const subject = await contextOf(binding, ref).subjectFor(topic, info)
            const body = await step(topic, subject, frame.payload.subarray(at))
            return Buffer.concat([frame.payload.subarray(0, at), body])
          }
    payloadSteps.set(ref, run)
    return run
  }
  const finish = (
    topic: string,
    ref: SchemaRef,
    value: T,
    payload: Uint8Array,
    start: number,
    header: Uint8Array | undefined,
  ): Promise<T> => {
    const step = stepFor(ref)
    return step === undefined ? Promise.resolve(value) : (step(topic, value, { payload, start, header }) as Promise<T>)
  }
  const read = (
    topic: string,
    ref: SchemaRef,
    d: Decoder<T>,
    payload: Uint8Array,
    start: number,
    header: Uint8Array | undefined,
  ): Promise<T> => {
    const pre = payloadStepOf(ref)
    if (pre === undefined) return finish(topic, ref, d(payload, start, header), payload, start, header)
    return pre(topic, { payload, start, header }).then((plain) =>
      finish(topic, ref, d(plain, start, header), plain, start, header),
    )
  }
  return {
    isKey,
    deserialize(topic, payload, headers) {
      if (payload === null || payload === undefined) return Promise.resolve(null)
      try {
        const { ref, start, header } = readFraming(payload, headers, isKey)
        const d = decoders.get(ref)
        return d === undefined
          ? decoders.load(ref).then((dec) => read(topic, ref, dec, payload, start, header))
          : read(topic, ref, d, payload, start, header)
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
        if (id === plainId) return plainDecoder!(payload, HEADER_SIZE, undefined)
        const d = decoders.require(id)
        if (stepFor(id) !== undefined || payloadStepOf(id) !== undefined) throw asyncOnly(id)
        plainId = id
        plainDecoder = d
        return d(payload, HEADER_SIZE, undefined)
      }
      const { ref, start, header } = readFraming(payload, headers, isKey)
      const d = decoders.require(ref)
      if (stepFor(ref) !== undefined || payloadStepOf(ref) !== undefined) throw asyncOnly(ref)
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

/** The serializer every format shares: framing, write rules and the per-topic encoder cache. */
import type { ParsedSchema } from '../formats/format.js'
import { SerdeError } from './errors.js'
import { payloadStep, writeStep } from './rules/runtime.js'
import { guidHeader, HEADER_SIZE, KEY_SCHEMA_ID_HEADER, VALUE_SCHEMA_ID_HEADER, type WritableHeaders } from './wire.js'
import type { WriterSchema, WriterSchemas } from './writer-schema.js'
import type { PayloadStep } from './rules/runtime.js'

/** Encodes one value; with header framing it also sets the schema-id header in `headers`. */
export type Encoder<T> = (value: T, headers?: WritableHeaders) => Buffer

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
  // Topics whose writer schema has rules: their values go through the domain rules, then the
  // encoder, then the encoding rules on the bytes after the prefix.
  const ruled = new Map<
    string,
    {
      domain?: (topic: string, value: unknown) => Promise<unknown>
      encoding?: { step: PayloadStep; subject: string; prefix: number }
    }
  >()
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
      const domain = writeStep(writers.config, w.info, w.subject, isKey, () => writers.binding.fieldWalker?.(w.parsed))
      const encoding = payloadStep(writers.config, w.info, isKey, 'WRITE')
      if (domain !== undefined || encoding !== undefined) {
        const prefix = schemaIdFraming === 'prefix' ? HEADER_SIZE + (suffixOf?.(w).length ?? 0) : 0
        ruled.set(topic, {
          ...(domain === undefined ? {} : { domain }),
          ...(encoding === undefined ? {} : { encoding: { step: encoding, subject: w.subject, prefix } }),
        })
      }
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
    const framed = enc((rules?.domain === undefined ? value : await rules.domain(topic, value)) as T, headers)
    const encoding = rules?.encoding
    if (encoding === undefined) return framed
    const body = await encoding.step(topic, encoding.subject, framed.subarray(encoding.prefix))
    return Buffer.concat([framed.subarray(0, encoding.prefix), body])
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

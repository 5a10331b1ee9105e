/**
 * kafkajs glue: serialize keys and values for `producer.send`, decode them in `eachMessage` and
 * `eachBatch`. Only kafkajs types are imported, so using serde never loads kafkajs itself.
 */
import type {
  Batch,
  EachBatchPayload,
  EachMessagePayload,
  IHeaders,
  KafkaMessage,
  Message,
  ProducerRecord,
} from 'kafkajs'
import { SerdeError } from './errors.js'
import type { Deserializer } from './deserializer.js'
import type { Encoder, Serializer } from './serializer.js'
import { readFraming, type SchemaRef } from './wire.js'

/** Serializers for a topic's keys (optional: keys then go out as given) and values. */
export interface Serializers<K, V> {
  readonly key?: Serializer<K>
  readonly value: Serializer<V>
}

/** Deserializers for keys (optional: keys then stay Buffers) and values. */
export interface Deserializers<K, V> {
  readonly key?: Deserializer<K>
  readonly value: Deserializer<V>
}

/** A message before serialization: `key` and `value` are application values. */
export interface OutgoingMessage<K, V> {
  readonly key?: K | null
  readonly value: V | null
  readonly partition?: number
  readonly headers?: IHeaders
  readonly timestamp?: string
}

/** A consumed message with its key and value decoded. */
export type DecodedMessage<K, V> = Omit<KafkaMessage, 'key' | 'value'> & {
  readonly key: K | Buffer | null
  readonly value: V | null
}

/**
 * kafkajs messages for `producer.send`: one registry round trip per topic (none once cached),
 * then synchronous encoding of every message.
 *
 * @example
 * await producer.send({ topic, messages: await serializeMessages(topic, [{ key: id, value: event }], { value: ser }) })
 */
export async function serializeMessages<K, V>(
  topic: string,
  messages: readonly OutgoingMessage<K, V>[],
  serializers: Serializers<K, V>,
): Promise<Message[]> {
  const encodeValue = await encoderOf(serializers.value, topic)
  const encodeKey = serializers.key === undefined ? undefined : await encoderOf(serializers.key, topic)
  // Header framing writes the schema id into each message's own copy of its headers.
  const withHeaders = serializers.value.schemaIdFraming === 'header' || serializers.key?.schemaIdFraming === 'header'
  const ruled = typeof encodeValue !== 'function' || (encodeKey !== undefined && typeof encodeKey !== 'function')
  const encode = <T>(
    enc: Encoder<T> | Serializer<T>,
    value: T,
    headers: IHeaders | undefined,
  ): Buffer | Promise<Buffer | null> =>
    typeof enc === 'function' ? enc(value, headers) : enc.serialize(topic, value, headers)
  const out = messages.map((m) => {
    const headers: IHeaders | undefined = withHeaders ? { ...m.headers } : m.headers
    const out: { -readonly [K in keyof Message]: Message[K] | Promise<Buffer | null> } = {
      value: m.value === null || m.value === undefined ? null : encode(encodeValue, m.value, headers),
    }
    if (m.key !== undefined) {
      out.key =
        m.key === null
          ? null
          : encodeKey === undefined
            ? (m.key as unknown as Buffer | string)
            : encode(encodeKey, m.key, headers)
    }
    if (m.partition !== undefined) out.partition = m.partition
    if (headers !== undefined && (m.headers !== undefined || Object.keys(headers).length > 0)) out.headers = headers
    if (m.timestamp !== undefined) out.timestamp = m.timestamp
    return out
  })
  if (!ruled) return out as Message[]
  // Schemas with data-contract rules: each value goes through serialize(), which runs them.
  return Promise.all(
    out.map(
      async (m) => ({ ...m, value: await m.value, ...(m.key === undefined ? {} : { key: await m.key }) }) as Message,
    ),
  )
}

/** The synchronous encoder of a topic, or the serializer itself when its schema has rules to run. */
async function encoderOf<T>(serializer: Serializer<T>, topic: string): Promise<Encoder<T> | Serializer<T>> {
  return (await serializer.runsRules(topic)) ? serializer : serializer.encoderFor(topic)
}

/** A whole `ProducerRecord` for `producer.send`. */
export async function serializeRecord<K, V>(
  topic: string,
  messages: readonly OutgoingMessage<K, V>[],
  serializers: Serializers<K, V>,
): Promise<ProducerRecord> {
  return { topic, messages: await serializeMessages(topic, messages, serializers) }
}

/**
 * Decodes one consumed message's key (when a key deserializer is given) and value. The message's
 * headers go along, so header-framed (GUID) records decode too; a key deserializer needs
 * `isKey: true` to read `__key_schema_id`.
 */
export async function deserializeMessage<K, V>(
  topic: string,
  message: KafkaMessage,
  deserializers: Deserializers<K, V>,
): Promise<DecodedMessage<K, V>> {
  const value = await deserializers.value.deserialize(topic, message.value, message.headers)
  const key =
    deserializers.key === undefined
      ? message.key
      : await deserializers.key.deserialize(topic, message.key, message.headers)
  return { ...message, key, value }
}

/**
 * Decodes a batch: first loads every schema id the batch uses (usually one), then decodes each
 * message synchronously.
 *
 * @example
 * eachBatch: async ({ batch }) => { for (const m of await deserializeBatch(batch, { value: de })) handle(m.value) }
 */
export async function deserializeBatch<K, V>(
  batch: Batch,
  deserializers: Deserializers<K, V>,
): Promise<DecodedMessage<K, V>[]> {
  const { topic, messages } = batch
  await Promise.all([
    loadSchemas(messages, 'value', deserializers.value),
    deserializers.key === undefined ? undefined : loadSchemas(messages, 'key', deserializers.key),
  ])
  let pending = false
  // Synchronous unless a schema has data-contract rules (or the deserializer migrates): then that
  // message goes through deserialize(), which runs them.
  const decode = <T>(
    d: Deserializer<T>,
    payload: Buffer | null,
    headers: KafkaMessage['headers'],
  ): T | null | Promise<T | null> => {
    try {
      return d.deserializeSync(topic, payload, headers)
    } catch (err) {
      if (!(err instanceof SerdeError) || err.code !== 'ASYNC_ONLY') throw err
      pending = true
      return d.deserialize(topic, payload, headers)
    }
  }
  const out = messages.map((m) => ({
    ...m,
    key: deserializers.key === undefined ? m.key : decode(deserializers.key, m.key, m.headers),
    value: decode(deserializers.value, m.value, m.headers),
  }))
  if (!pending) return out as DecodedMessage<K, V>[]
  return Promise.all(out.map(async (m) => ({ ...m, key: await m.key, value: await m.value }) as DecodedMessage<K, V>))
}

/**
 * Wraps an `eachMessage` handler so that it receives the decoded key and value.
 *
 * @example
 * await consumer.run({ eachMessage: decodingEachMessage({ value: de }, async ({ value }) => save(value)) })
 */
export function decodingEachMessage<K, V>(
  deserializers: Deserializers<K, V>,
  handler: (
    payload: EachMessagePayload & { key: K | Buffer | null; value: V | null; decoded: DecodedMessage<K, V> },
  ) => Promise<void>,
): (payload: EachMessagePayload) => Promise<void> {
  return async (payload) => {
    const decoded = await deserializeMessage(payload.topic, payload.message, deserializers)
    await handler({ ...payload, key: decoded.key, value: decoded.value, decoded })
  }
}

/**
 * Wraps an `eachBatch` handler so that it receives the batch's decoded messages.
 */
export function decodingEachBatch<K, V>(
  deserializers: Deserializers<K, V>,
  handler: (payload: EachBatchPayload & { decoded: DecodedMessage<K, V>[] }) => Promise<void>,
): (payload: EachBatchPayload) => Promise<void> {
  return async (payload) => {
    await handler({ ...payload, decoded: await deserializeBatch(payload.batch, deserializers) })
  }
}

async function loadSchemas(
  messages: readonly KafkaMessage[],
  part: 'key' | 'value',
  deserializer: Deserializer<unknown>,
): Promise<void> {
  const refs = new Set<SchemaRef>()
  for (const m of messages) {
    const p = m[part]
    if (p !== null) refs.add(readFraming(p, m.headers, deserializer.isKey).ref)
  }
  await Promise.all([...refs].map((ref) => deserializer.load(ref)))
}

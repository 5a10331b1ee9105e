/**
 * End to end on a real broker: kafkajs producers and consumers with our serializers, against
 * our real registry.
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../../src/serde/avro.js'
import { HttpSchemaRegistryClient } from '../../src/serde/http-client.js'
import { jsonDeserializer, jsonSerializer } from '../../src/serde/json.js'
import {
  decodingEachBatch,
  decodingEachMessage,
  serializeMessages,
  type DecodedMessage,
} from '../../src/serde/kafkajs.js'
import { protobufDeserializer, protobufSerializer } from '../../src/serde/protobuf.js'
import { celExecutor, celFieldExecutor } from '../../src/serde/rules/cel.js'
import { dlqAction, producerSink } from '../../src/serde/rules/dlq.js'
import { RuleEngine } from '../../src/serde/rules/engine.js'
import { jsonataExecutor } from '../../src/serde/rules/jsonata.js'
import { encryptionExecutors } from '../../src/serde/rules/encryption/executor.js'
import type { RuleSet } from '../../src/serde/rules/model.js'
import {
  AvroDeserializer,
  EncryptionExecutor,
  FieldEncryptionExecutor,
  LocalKmsDriver,
  RuleRegistry,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry'
import { encryptRule, SECRET } from '../serde/encryption-fixtures.js'
import { describeKafka, startKafka, type KafkaBroker } from '../support/kafka.js'
import { startServer, type TestServer } from '../support/server.js'

const TODO_PROTO = `syntax = "proto3";

message Todo {
  int32 id = 1;
  string content = 2;
}
`
const PRODUCT_CREATED = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'ProductCreated',
  type: 'object',
  properties: { productId: { type: 'string' }, name: { type: 'string' }, price: { type: 'number' } },
  required: ['productId', 'name', 'price'],
}
const STOCK_TICK = {
  type: 'record',
  name: 'StockTick',
  namespace: 'markets',
  fields: [
    { name: 'event_time', type: 'long' },
    { name: 'ticker', type: 'string' },
    { name: 'price', type: 'double' },
  ],
}

interface Todo {
  id: number
  content: string
}
interface ProductCreated {
  productId: string
  name: string
  price: number
}
interface StockTick {
  event_time: number
  ticker: string
  price: number
}

describeKafka('serde on a real Kafka broker', () => {
  let broker: KafkaBroker | undefined
  let server: TestServer | undefined
  let registry: HttpSchemaRegistryClient
  let kafka: Kafka
  const consumers: Consumer[] = []

  beforeAll(async () => {
    ;[broker, server] = await Promise.all([startKafka(), startServer()])
    registry = new HttpSchemaRegistryClient({ baseUrl: server.url })
    kafka = new Kafka({ clientId: 'serde-e2e', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        'todos2',
        'products.created',
        'stock_avro_topic',
        'resume_topic',
        'payments',
        'payments-dlq',
        'shapes',
        'customers',
        'sealed-orders',
      ].map((topic) => ({ topic, numPartitions: 1 })),
    })
    await admin.disconnect()
  }, 180_000)

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)))
    registry?.close()
    await Promise.all([broker?.stop(), server?.close()])
  }, 60_000)

  /** Runs a consumer until it has seen `count` messages of `topic`; returns them in order. */
  async function consume<K, V>(
    topic: string,
    groupId: string,
    count: number,
    decode: Parameters<typeof decodingEachMessage<K, V>>[0],
    options: { commit?: boolean } = {},
  ): Promise<DecodedMessage<K, V>[]> {
    const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 })
    consumers.push(consumer)
    await consumer.connect()
    await consumer.subscribe({ topics: [topic], fromBeginning: true })
    const seen: DecodedMessage<K, V>[] = []
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: options.commit !== true,
          eachMessage: decodingEachMessage<K, V>(decode, async ({ decoded, partition, message }) => {
            seen.push(decoded)
            if (options.commit === true) {
              await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }])
            }
            if (seen.length >= count) resolve()
          }),
        })
        .catch(reject)
    })
    await consumer.disconnect()
    return seen
  }

  it('produces and consumes protobuf Todo messages on todos2', async () => {
    const producer = kafka.producer()
    await producer.connect()
    const todos: Todo[] = [
      { id: 1, content: 'buy milk' },
      { id: 2, content: 'walk the dog' },
    ]
    await producer.send({
      topic: 'todos2',
      messages: await serializeMessages(
        'todos2',
        todos.map((value) => ({ value })),
        { value: protobufSerializer<Todo>(registry, { schema: TODO_PROTO }) },
      ),
    })
    await producer.disconnect()
    const got = await consume('todos2', 'todos-reader', 2, {
      value: protobufDeserializer<Todo>(registry, { toObject: { defaults: true } }),
    })
    expect(got.map((m) => m.value)).toEqual(todos)
    expect((await registry.getLatest('todos2-value')).schemaType).toBe('PROTOBUF')
  }, 60_000)

  it('keys products.created JSON events by product id', async () => {
    const producer = kafka.producer()
    await producer.connect()
    const events: ProductCreated[] = [
      { productId: 'p-1', name: 'Kettle', price: 25 },
      { productId: 'p-2', name: 'Toaster', price: 40.5 },
    ]
    await producer.send({
      topic: 'products.created',
      messages: await serializeMessages(
        'products.created',
        events.map((e) => ({ key: e.productId, value: e })),
        {
          value: jsonSerializer<ProductCreated>(registry, { schema: PRODUCT_CREATED }),
        },
      ),
    })
    await producer.disconnect()
    const got = await consume('products.created', 'products-reader', 2, {
      value: jsonDeserializer<ProductCreated>(registry, { validate: true }),
    })
    expect(got.map((m) => [m.key?.toString(), m.value])).toEqual(events.map((e) => [e.productId, e]))
  }, 60_000)

  it('streams Avro stock ticks through stock_avro_topic, decoded per batch', async () => {
    const ser = avroSerializer<StockTick>(registry, { schema: STOCK_TICK })
    const ticks: StockTick[] = Array.from({ length: 20 }, (_, i) => ({
      event_time: 1_700_000_000_000 + i,
      ticker: i % 2 ? 'ACME' : 'INIT',
      price: 100 + i / 4,
    }))
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({
      topic: 'stock_avro_topic',
      messages: await serializeMessages(
        'stock_avro_topic',
        ticks.map((value) => ({ key: value.ticker, value })),
        { value: ser },
      ),
    })
    await producer.disconnect()

    const consumer = kafka.consumer({ groupId: 'ticks-reader', maxWaitTimeInMs: 100 })
    consumers.push(consumer)
    await consumer.connect()
    await consumer.subscribe({ topics: ['stock_avro_topic'], fromBeginning: true })
    const seen: StockTick[] = []
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachBatch: decodingEachBatch<never, StockTick>(
            { value: avroDeserializer<StockTick>(registry) },
            async ({ decoded }) => {
              seen.push(...decoded.map((m) => m.value!))
              if (seen.length >= ticks.length) resolve()
            },
          ),
        })
        .catch(reject)
    })
    await consumer.disconnect()
    expect(seen).toEqual(ticks)
  }, 60_000)

  it('resumes a consumer group where it committed, decoding every message', async () => {
    const ser = avroSerializer<StockTick>(registry, { schema: STOCK_TICK })
    const tick = (i: number): StockTick => ({ event_time: i, ticker: `T${i}`, price: i })
    const producer = kafka.producer()
    await producer.connect()
    const send = async (from: number, to: number) =>
      producer.send({
        topic: 'resume_topic',
        messages: await serializeMessages(
          'resume_topic',
          Array.from({ length: to - from }, (_, k) => ({ value: tick(from + k) })),
          { value: ser },
        ),
      })
    await send(0, 5)
    const first = await consume<never, StockTick>(
      'resume_topic',
      'resume-group',
      5,
      { value: avroDeserializer(registry) },
      { commit: true },
    )
    expect(first.map((m) => m.value)).toEqual([0, 1, 2, 3, 4].map(tick))

    await send(5, 8)
    await producer.disconnect()
    // A fresh consumer (and a fresh deserializer) in the same group starts after the last commit.
    const second = await consume<never, StockTick>(
      'resume_topic',
      'resume-group',
      3,
      { value: avroDeserializer(registry) },
      { commit: true },
    )
    expect(second.map((m) => m.value)).toEqual([5, 6, 7].map(tick))
    expect(second.map((m) => m.offset)).toEqual(['5', '6', '7'])
  }, 90_000)
  it('runs data-contract rules end to end: a condition, a field transform and a DLQ on write, a migration on read', async () => {
    const PAYMENT = {
      type: 'record',
      name: 'Payment',
      namespace: 'acme',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'card', type: 'string', 'confluent:tags': ['PII'] },
        { name: 'amount', type: 'double' },
      ],
    }
    await registry.register('payments-value', {
      schema: JSON.stringify(PAYMENT),
      schemaType: 'AVRO',
      references: [],
      ruleSet: {
        domainRules: [
          {
            name: 'positive',
            kind: 'CONDITION',
            mode: 'WRITE',
            type: 'CEL',
            expr: 'message.amount > 0.0',
            onFailure: 'DLQ',
            params: { 'dlq.topic': 'payments-dlq' },
          },
          {
            name: 'mask-card',
            kind: 'TRANSFORM',
            mode: 'WRITE',
            type: 'CEL_FIELD',
            tags: ['PII'],
            expr: '"****" + value.substring(value.size() - 4)',
          },
        ],
      },
    })
    const producer = kafka.producer()
    await producer.connect()
    const rules = new RuleEngine({
      executors: [celExecutor(), celFieldExecutor(), jsonataExecutor()],
      actions: [dlqAction(producerSink(producer))],
    })
    const ser = avroSerializer(registry, { useLatestVersion: true, rules })
    await producer.send({
      topic: 'payments',
      messages: await serializeMessages('payments', [{ value: { id: 'p1', card: '4111111111111111', amount: 10 } }], {
        value: ser,
      }),
    })
    await expect(
      serializeMessages('payments', [{ value: { id: 'p2', card: '4111111111111111', amount: -5 } }], { value: ser }),
    ).rejects.toThrow(/positive.*payments-dlq/)

    const paid = await consume<never, unknown>('payments', 'payments-reader', 1, { value: avroDeserializer(registry) })
    expect(paid.map((m) => m.value)).toEqual([{ id: 'p1', card: '****1111', amount: 10 }])
    const dead = await consume<never, Buffer>('payments-dlq', 'dlq-reader', 1, {
      value: {
        isKey: false,
        deserialize: async (_t, v) => v as Buffer,
        deserializeSync: (_t, v) => v as Buffer,
        load: async () => {},
      },
    })
    expect(JSON.parse(dead[0]!.value!.toString())).toMatchObject({ id: 'p2', amount: -5 })
    expect(
      Object.fromEntries(Object.entries(dead[0]!.headers ?? {}).map(([k, v]) => [k, v?.toString()])),
    ).toMatchObject({ '__rule.name': 'positive', '__rule.topic': 'payments' })

    // Two major versions in one subject: a v1 message read by a v2 consumer is upgraded by JSONata.
    const shape = (field: string) => ({
      type: 'record',
      name: 'Shape',
      fields: [
        { name: 'name', type: 'string' },
        { name: field, type: 'int' },
      ],
    })
    await fetch(`${server!.url}/config/shapes-value`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ compatibilityGroup: 'major' }),
    })
    await registry.register('shapes-value', {
      schema: JSON.stringify(shape('size')),
      schemaType: 'AVRO',
      references: [],
      metadata: { properties: { major: '1' } },
    })
    await registry.register('shapes-value', {
      schema: JSON.stringify(shape('height')),
      schemaType: 'AVRO',
      references: [],
      metadata: { properties: { major: '2' } },
      ruleSet: {
        migrationRules: [
          {
            name: 'size-to-height',
            kind: 'TRANSFORM',
            mode: 'UPGRADE',
            type: 'JSONATA',
            expr: "$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.size}])",
          },
        ],
      },
    })
    const v1 = avroSerializer(registry, { useLatestWithMetadata: { major: '1' } })
    await producer.send({
      topic: 'shapes',
      messages: await serializeMessages('shapes', [{ value: { name: 'box', size: 3 } }], { value: v1 }),
    })
    await producer.disconnect()
    const consumer = kafka.consumer({ groupId: 'shapes-reader', maxWaitTimeInMs: 100 })
    consumers.push(consumer)
    await consumer.connect()
    await consumer.subscribe({ topics: ['shapes'], fromBeginning: true })
    const shapes = await new Promise<unknown[]>((resolve, reject) => {
      consumer
        .run({
          eachBatch: decodingEachBatch<never, unknown>(
            { value: avroDeserializer(registry, { useLatestWithMetadata: { major: '2' } }) },
            async ({ decoded }) => {
              resolve(decoded.map((m) => m.value))
            },
          ),
        })
        .catch(reject)
    })
    await consumer.disconnect()
    expect(shapes).toEqual([{ name: 'box', height: 3 }])
  }, 90_000)

  /**
   * Writes `values` to `topic` with Registrum's Avro serializer and the encryption executors, then
   * reads them back raw (none may hold one of `plaintext`), with Registrum's deserializer, and with
   * Confluent's deserializer running `theirExecutor` with the same local KMS secret.
   */
  async function encryptedRoundTrip(opts: {
    topic: string
    schema: object
    ruleSet: RuleSet
    values: readonly object[]
    plaintext: readonly string[]
    theirExecutor: FieldEncryptionExecutor | EncryptionExecutor
  }): Promise<Buffer[]> {
    const { topic, values } = opts
    await registry.register(`${topic}-value`, {
      schema: JSON.stringify(opts.schema),
      schemaType: 'AVRO',
      references: [],
      ruleSet: opts.ruleSet,
    })
    const rules = new RuleEngine({
      executors: encryptionExecutors({ dekRegistry: { baseUrl: server!.url }, config: { secret: SECRET } }),
    })
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({
      topic,
      messages: await serializeMessages(
        topic,
        values.map((value) => ({ value })),
        { value: avroSerializer(registry, { useLatestVersion: true, rules }) },
      ),
    })
    await producer.disconnect()

    const raw = await consume<never, Buffer>(topic, `${topic}-raw`, values.length, {
      value: {
        isKey: false,
        deserialize: async (_t, v) => v as Buffer,
        deserializeSync: (_t, v) => v as Buffer,
        load: async () => {},
      },
    })
    for (const m of raw) for (const text of opts.plaintext) expect(m.value!.includes(text)).toBe(false)
    const decoded = await consume<never, unknown>(topic, `${topic}-reader`, values.length, {
      value: avroDeserializer(registry, { rules }),
    })
    expect(decoded.map((m) => m.value)).toEqual(values)
    // Confluent's deserializer, with its local KMS and the same secret, reads the records too.
    LocalKmsDriver.register()
    const ruleRegistry = new RuleRegistry()
    ruleRegistry.registerExecutor(opts.theirExecutor)
    const theirs = new AvroDeserializer(
      new SchemaRegistryClient({ baseURLs: [server!.url] }),
      SerdeType.VALUE,
      { ruleConfig: { secret: SECRET } },
      ruleRegistry,
    )
    const read = []
    for (const m of raw) read.push(await theirs.deserialize(topic, m.value!))
    expect(read).toEqual(values)
    return raw.map((m) => m.value!)
  }

  it('encrypts PII fields end to end: only ciphertext in the topic, plaintext for readers with the key', async () => {
    await encryptedRoundTrip({
      topic: 'customers',
      schema: {
        type: 'record',
        name: 'Customer',
        namespace: 'acme',
        fields: [
          { name: 'id', type: 'string' },
          { name: 'email', type: 'string', 'confluent:tags': ['PII'] },
        ],
      },
      ruleSet: {
        domainRules: [
          { ...encryptRule('customers-kek', { 'encrypt.dek.algorithm': 'AES256_SIV' }), onFailure: 'ERROR' },
        ],
      },
      values: [
        { id: 'c1', email: 'ada@example.com' },
        { id: 'c2', email: 'grace@example.com' },
      ],
      plaintext: ['example.com'],
      theirExecutor: new FieldEncryptionExecutor(),
    })
  }, 90_000)

  it('encrypts whole payloads end to end with an ENCRYPT_PAYLOAD encoding rule', async () => {
    const raw = await encryptedRoundTrip({
      topic: 'sealed-orders',
      schema: {
        type: 'record',
        name: 'Order',
        namespace: 'acme',
        fields: [
          { name: 'id', type: 'string' },
          { name: 'note', type: 'string' },
        ],
      },
      ruleSet: { encodingRules: [{ ...encryptRule('sealed-orders-kek'), type: 'ENCRYPT_PAYLOAD', tags: [] }] },
      values: [
        { id: 'o1', note: 'deliver to the back door' },
        { id: 'o2', note: 'leave with the neighbour' },
      ],
      plaintext: ['door', 'neighbour'],
      theirExecutor: new EncryptionExecutor(),
    })
    // Without the rules, the payload is ciphertext, not an Avro record.
    await expect(avroDeserializer(registry, { rules: false }).deserialize('sealed-orders', raw[0]!)).rejects.toThrow()
  }, 90_000)
})

/**
 * KafkaStore on a real broker: the shared store contract, snapshots, topic checks and reading
 * a topic written in the incumbent's record format. One broker for the whole file.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeStoreContract } from '../../src/store/store-contract.js'
import { KafkaStore } from '../../src/store/kafka/kafka-store.js'
import { startServer } from '../../src/main.js'
import { schemaGuid } from '../../src/formats/model.js'
import { StartupError } from '../../src/startup-error.js'
import { createRegistry } from '../../src/registry/registry.js'
import { describeKafka, startKafka, type KafkaBroker } from '../support/kafka.js'
import { within } from '../support/wait.js'

let kafka: KafkaBroker | undefined
let dir: string
let topicSeq = 0
const nextTopic = () => `contract-${process.pid}-${++topicSeq}`
const broker = () => kafka!.bootstrap

describeKafka('KafkaStore on a real broker', () => {
  beforeAll(async () => {
    kafka = await startKafka()
    dir = mkdtempSync(join(tmpdir(), 'registrum-kafka-store-'))
  }, 120_000)
  afterAll(async () => {
    await kafka?.stop()
    rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  describeStoreContract(
    'KafkaStore',
    async () => new KafkaStore({ brokers: [broker()], topic: nextTopic(), snapshot: join(dir, `${topicSeq + 1}.db`) }),
    undefined,
    {
      reopen: async (store) => {
        const k = store as KafkaStore
        await k.close()
        // No snapshot: the state comes back from the topic alone.
        return new KafkaStore({ brokers: [broker()], topic: k.topic })
      },
    },
  )

  describe("a node's concurrent transactions, written as one batch", () => {
    it('give the ids, versions and compatibility decisions of serial execution', async () => {
      const store = new KafkaStore({ brokers: [broker()], topic: nextTopic() })
      try {
        await store.ready()
        const registry = createRegistry({ store })
        const record = (name: string, fields: object[]) => JSON.stringify({ type: 'record', name, fields })
        await registry.putConfig(':.:', { compatibility: 'NONE' })
        const acks = await Promise.all(
          Array.from({ length: 48 }, (_, i) =>
            registry.register(`batched-${i % 3}`, { schema: record(`B${i}`, [{ name: 'n', type: 'int' }]) }, {}),
          ),
        )
        expect(acks.map((a) => a.id).sort((a, b) => a - b)).toEqual(Array.from({ length: 48 }, (_, i) => i + 1))
        for (let s = 0; s < 3; s++) {
          const mine = acks.filter((a) => a.subject === `batched-${s}`)
          expect(mine.map((a) => a.version)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1))
          expect(mine.map((a) => a.id)).toEqual([...mine.map((a) => a.id)].sort((a, b) => a - b))
        }
        // Both are compatible with version 1 but not with each other: one is stored, one refused.
        await registry.putConfig('pair', { compatibility: 'BACKWARD' })
        await registry.register('pair', { schema: record('P', [{ name: 'a', type: 'int' }]) }, {})
        const pair = await Promise.allSettled([
          registry.register(
            'pair',
            {
              schema: record('P', [
                { name: 'a', type: 'int' },
                { name: 'b', type: 'int', default: 0 },
              ]),
            },
            {},
          ),
          registry.register(
            'pair',
            {
              schema: record('P', [
                { name: 'a', type: 'int' },
                { name: 'b', type: 'string', default: '' },
              ]),
            },
            {},
          ),
        ])
        expect(pair.map((p) => p.status).sort()).toEqual(['fulfilled', 'rejected'])
        expect(store.versionsOf('pair').map((v) => v.version)).toEqual([1, 2])
      } finally {
        await store.close()
      }
    })
  })

  describe('snapshots', () => {
    it('resumes from the snapshot and reads only the tail written meanwhile', async () => {
      const topic = nextTopic()
      const snap = join(dir, `${topic}.db`)
      const a = new KafkaStore({ brokers: [broker()], topic, snapshot: snap })
      const b = new KafkaStore({ brokers: [broker()], topic })
      await Promise.all([a.ready(), b.ready()])
      await a.transaction((tx) => tx.putMode('x', 'READONLY'))
      await a.close()
      await b.transaction((tx) => tx.putMode('y', 'IMPORT'))
      const again = new KafkaStore({ brokers: [broker()], topic, snapshot: snap })
      await again.ready()
      expect(again.mode('x')).toBe('READONLY')
      expect(again.mode('y')).toBe('IMPORT')
      await Promise.all([again.close(), b.close()])
    })

    it('refuses a snapshot that is ahead of the topic (the topic was recreated)', async () => {
      const topic = nextTopic()
      const snap = join(dir, `${topic}.db`)
      const a = new KafkaStore({ brokers: [broker()], topic, snapshot: snap })
      await a.ready()
      await a.transaction((tx) => tx.putMode('x', 'READONLY'))
      await a.close()
      const admin = new Kafka({ brokers: [broker()], logLevel: logLevel.NOTHING }).admin()
      await admin.connect()
      await admin.deleteTopics({ topics: [topic] })
      await admin.disconnect()
      const again = new KafkaStore({ brokers: [broker()], topic, snapshot: snap })
      await expect(again.ready()).rejects.toThrow(/snapshot .* is at offset 2 but topic .* ends at 0/)
      await again.close()
    })
  })

  describe("the incumbent's _schemas format", () => {
    const j = (v: unknown) => JSON.stringify(v)
    const orders = j({ type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] })
    const orders2 = j({
      type: 'record',
      name: 'Order',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'n', type: ['null', 'int'], default: null },
      ],
    })
    const proto = 'syntax = "proto3";\npackage t;\n\nmessage Thing {\n  string name = 1;\n}\n'

    /** Records as Confluent Schema Registry and Karapace write them. */
    const incumbent: { key: string; value: string | null }[] = [
      { key: j({ keytype: 'CONFIG', magic: 0 }), value: j({ compatibilityLevel: 'FULL' }) },
      {
        key: j({ keytype: 'SCHEMA', subject: 'orders-value', version: 1, magic: 1 }),
        value: j({ subject: 'orders-value', version: 1, id: 7, schema: orders, deleted: false }),
      },
      { key: j({ keytype: 'NOOP', magic: 0 }), value: null },
      {
        key: j({ keytype: 'SCHEMA', subject: 'orders-value', version: 2, magic: 1 }),
        value: j({ subject: 'orders-value', version: 2, id: 9, schema: orders2, deleted: false }),
      },
      // Karapace's older key order: the same logical key.
      {
        key: j({ subject: 'payments-value', version: 1, magic: 1, keytype: 'SCHEMA' }),
        value: j({ subject: 'payments-value', version: 1, id: 7, schema: orders, deleted: false }),
      },
      {
        key: j({ keytype: 'SCHEMA', subject: ':.ctx:thing', version: 1, magic: 1 }),
        value: j({ subject: ':.ctx:thing', version: 1, id: 1, schemaType: 'PROTOBUF', schema: proto, deleted: false }),
      },
      {
        key: j({ keytype: 'SCHEMA', subject: 'gone', version: 1, magic: 1 }),
        value: j({ subject: 'gone', version: 1, id: 8, schema: orders2, deleted: true }),
      },
      { key: j({ keytype: 'SCHEMA', subject: 'gone', version: 1, magic: 1 }), value: null },
      {
        key: j({ keytype: 'SCHEMA', subject: 'orders-value', version: 2, magic: 1 }),
        value: j({ subject: 'orders-value', version: 2, id: 9, schema: orders2, deleted: true }),
      },
      {
        key: j({ keytype: 'CONFIG', subject: 'payments-value', magic: 0 }),
        value: j({ subject: 'payments-value', compatibilityLevel: 'NONE' }),
      },
      {
        key: j({ keytype: 'MODE', subject: 'payments-value', magic: 0 }),
        value: j({ subject: 'payments-value', mode: 'READONLY' }),
      },
    ]

    it('serves a topic the incumbent wrote with the same ids, and writes records it can read', async () => {
      const topic = 'incumbent-schemas'
      const client = new Kafka({ brokers: [broker()], logLevel: logLevel.NOTHING })
      const admin = client.admin()
      await admin.connect()
      await admin.createTopics({
        topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      })
      await admin.disconnect()
      const producer = client.producer()
      await producer.connect()
      for (const r of incumbent) await producer.send({ topic, messages: [r] })
      await producer.disconnect()

      const server = await startServer(
        { host: '127.0.0.1', port: 0, logLevel: 'silent', audit: false },
        new KafkaStore({ brokers: [broker()], topic }),
      )
      const get = async (path: string) => {
        const res = await fetch(server.url + path)
        return { status: res.status, json: (await res.json()) as any }
      }
      expect((await get('/schemas/ids/7')).json.schema).toBe(orders)
      expect((await get('/schemas/ids/9')).json.schema).toBe(orders2)
      // Hard-deleted everywhere: not served, but its id stays taken.
      expect((await get('/schemas/ids/8')).status).toBe(404)
      expect(server.store.maxId('.')).toBe(9)
      expect((await get('/subjects/orders-value/versions')).json).toEqual([1])
      expect((await get('/subjects/orders-value/versions?deleted=true')).json).toEqual([1, 2])
      expect((await get('/subjects/payments-value/versions/1')).json.id).toBe(7)
      expect((await get('/subjects/gone/versions')).status).toBe(404)
      expect((await get('/config')).json.compatibilityLevel).toBe('FULL')
      expect((await get('/config/payments-value')).json.compatibilityLevel).toBe('NONE')
      expect((await get('/mode/payments-value')).json.mode).toBe('READONLY')
      expect((await get('/schemas/ids/1?subject=:.ctx:thing')).json.schemaType).toBe('PROTOBUF')
      expect(server.store.schemaById('.', 7)?.guid).toBe(schemaGuid(orders, []))

      const posted = await fetch(`${server.url}/subjects/fresh-value/versions`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: j({ schema: j({ type: 'record', name: 'Fresh', fields: [{ name: 'a', type: 'long' }] }) }),
      })
      const { id } = (await posted.json()) as { id: number }
      // Ids continue after the incumbent's highest, hard-deleted ones included.
      expect(id).toBe(10)
      await server.close()

      // What we wrote, read back raw: Confluent's key bytes and SchemaValue fields.
      const consumer = client.consumer({ groupId: `raw-${process.pid}` })
      await consumer.connect()
      await consumer.subscribe({ topic, fromBeginning: true })
      const seen: { key: string; value: string | null }[] = []
      try {
        await within(
          'the topic to show the fresh-value record',
          new Promise<void>((resolve) => {
            void consumer.run({
              eachMessage: async ({ message }) => {
                seen.push({ key: message.key!.toString(), value: message.value?.toString() ?? null })
                if (seen.some((r) => r.key.includes('fresh-value'))) resolve()
              },
            })
          }),
        )
      } finally {
        await consumer.disconnect()
      }
      const ours = seen.find((r) => r.key.includes('fresh-value'))!
      expect(ours.key).toBe('{"keytype":"SCHEMA","subject":"fresh-value","version":1,"magic":1}')
      const value = JSON.parse(ours.value!)
      expect(value).toMatchObject({ subject: 'fresh-value', version: 1, id: 10, deleted: false })
      expect(value.schemaType).toBeUndefined()
      expect(JSON.parse(value.schema)).toEqual({ type: 'record', name: 'Fresh', fields: [{ name: 'a', type: 'long' }] })
    })
  })

  describe('schemas the incumbent stored as it received them', () => {
    // Karapace keeps the text it was sent (Python's json.dumps spacing), not a canonical form.
    const spaced = (v: unknown) => JSON.stringify(v).replace(/":/g, '": ').replace(/,"/g, ', "')
    const avro = { type: 'record', name: 'Spaced', fields: [{ name: 'f', type: 'int' }] }
    const jsonSchema = { type: 'object', properties: { a: { type: 'integer' } }, additionalProperties: false }
    const proto = 'syntax = "proto3";\npackage sp;\nmessage Spaced {   string name = 1; }\n'
    const cases = [
      { subject: 'karapace-avro', id: 4, schemaType: undefined, stored: spaced(avro), sent: JSON.stringify(avro) },
      {
        subject: 'karapace-json',
        id: 5,
        schemaType: 'JSON',
        stored: spaced(jsonSchema),
        sent: JSON.stringify(jsonSchema),
      },
      { subject: 'karapace-proto', id: 6, schemaType: 'PROTOBUF', stored: proto, sent: proto },
    ]

    it('gives the same schema registered again under another subject the id the incumbent gave it', async () => {
      const topic = nextTopic()
      const client = new Kafka({ brokers: [broker()], logLevel: logLevel.NOTHING })
      const producer = client.producer()
      const admin = client.admin()
      await admin.connect()
      await admin.createTopics({
        topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
      })
      await admin.disconnect()
      await producer.connect()
      for (const c of cases) {
        await producer.send({
          topic,
          messages: [
            {
              key: JSON.stringify({ keytype: 'SCHEMA', subject: c.subject, version: 1, magic: 1 }),
              value: JSON.stringify({
                subject: c.subject,
                version: 1,
                id: c.id,
                ...(c.schemaType ? { schemaType: c.schemaType } : {}),
                schema: c.stored,
                deleted: false,
              }),
            },
          ],
        })
      }
      await producer.disconnect()

      // The store as `registrum serve --store kafka` builds it.
      const server = await startServer({
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        audit: false,
        store: 'kafka',
        bootstrap: broker(),
        topic,
      })
      try {
        for (const c of cases) {
          const res = await fetch(`${server.url}/subjects/${c.subject}-copy/versions`, {
            method: 'POST',
            headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
            body: JSON.stringify({ schema: c.sent, ...(c.schemaType ? { schemaType: c.schemaType } : {}) }),
          })
          expect(res.status).toBe(200)
          expect(((await res.json()) as { id: number }).id, c.subject).toBe(c.id)
          // The incumbent's text is still what the id serves.
          const byId = (await (await fetch(`${server.url}/schemas/ids/${c.id}`)).json()) as { schema: string }
          expect(byId.schema).toBe(c.stored)
        }
      } finally {
        await server.close()
      }
    })
  })

  describe('start-up', () => {
    /** A port nothing listens on (yet). */
    const freePort = () =>
      new Promise<number>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const { port } = s.address() as { port: number }
          s.close(() => resolve(port))
        })
      })

    it('waits for a broker that is not up yet, says so once, and starts when it comes up', async () => {
      const port = await freePort()
      let proxy: Server | undefined
      const told: string[] = []
      // The broker "comes up" on the bootstrap port once the store has said it waits: a TCP
      // relay to the real broker opens there (no timed sleep; the store's own message starts it).
      const store = new KafkaStore({
        brokers: [`127.0.0.1:${port}`],
        topic: nextTopic(),
        onWait: (message) => {
          told.push(message)
          const [host, realPort] = broker().split(':')
          proxy = createServer((inbound) => {
            const outbound = connect({ host: host!, port: Number(realPort) })
            inbound.pipe(outbound).pipe(inbound)
            inbound.on('error', () => outbound.destroy())
            outbound.on('error', () => inbound.destroy())
          }).listen(port, '127.0.0.1')
        },
      })
      try {
        await store.ready()
        expect(told).toHaveLength(1)
        expect(told[0]).toMatch(
          new RegExp(`^waiting for Kafka at 127.0.0.1:${port} \\(topic .*\\): .*; giving up after 60000 ms$`),
        )
        await store.transaction((tx) => tx.putMode('x', 'READONLY'))
        expect(store.mode('x')).toBe('READONLY')
      } finally {
        await store.close()
        proxy?.close()
      }
    })

    it('gives up after the init timeout with what it saw and how to fix it', async () => {
      const port = await freePort()
      const store = new KafkaStore({ brokers: [`127.0.0.1:${port}`], topic: nextTopic(), initTimeoutMs: 1_500 })
      const failed = store.ready()
      await expect(failed).rejects.toBeInstanceOf(StartupError)
      await expect(failed).rejects.toThrow(
        new RegExp(
          `^Kafka at 127.0.0.1:${port} \\(topic .*\\) was not ready within 1500 ms \\(.+\\); start the broker, check --bootstrap, or raise --kafka-init-timeout$`,
        ),
      )
      await store.close()
    })
  })

  describe('topic checks', () => {
    const admin = () => new Kafka({ brokers: [broker()], logLevel: logLevel.NOTHING }).admin()

    it('refuses a topic with more than one partition', async () => {
      const a = admin()
      await a.connect()
      await a.createTopics({
        topics: [
          { topic: 'two-partitions', numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        ],
      })
      await a.disconnect()
      const s = new KafkaStore({ brokers: [broker()], topic: 'two-partitions' })
      await expect(s.ready()).rejects.toThrow(/2 partitions; the registry needs exactly 1/)
      await s.close()
    })

    it('refuses a topic that deletes old records', async () => {
      const a = admin()
      await a.connect()
      await a.createTopics({
        topics: [{ topic: 'deleting', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] }],
      })
      await a.disconnect()
      const s = new KafkaStore({ brokers: [broker()], topic: 'deleting' })
      await expect(s.ready()).rejects.toThrow(/cleanup.policy=delete/)
      await s.close()
    })
  })
})

/**
 * KEKs and DEKs on the Kafka store, on a real broker: two nodes sharing one topic converge, a
 * conflicting create is decided once for both, and a node started afresh replays them from the
 * topic. One broker, two nodes, a handful of writes.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DekRegistryClient } from '@confluentinc/schemaregistry'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/main.js'
import { KafkaStore } from '../../src/store/kafka/kafka-store.js'
import { describeKafka, startKafka, type KafkaBroker } from '../support/kafka.js'

let kafka: KafkaBroker | undefined
let dir: string
const CT = 'application/vnd.schemaregistry.v1+json'
const KEKS = '/dek-registry/v1/keks'
const wrapped = (s: string) => Buffer.from(s).toString('base64')

async function call(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': CT },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined }
}

function startNode(topic: string, snapshot?: string): Promise<RunningServer> {
  const store = new KafkaStore({ brokers: [kafka!.bootstrap], topic, ...(snapshot ? { snapshot } : {}) })
  return startServer({ host: '127.0.0.1', port: 0, logLevel: 'silent', audit: false }, store)
}

/** A write through the node: once it answers, the node has read everything acknowledged before. */
const barrier = async (url: string) =>
  expect((await call(url, 'PUT', '/mode/barrier', { mode: 'READWRITE' })).status).toBe(200)

describeKafka('the DEK registry on the Kafka store', () => {
  beforeAll(async () => {
    kafka = await startKafka()
    dir = mkdtempSync(join(tmpdir(), 'registrum-kafka-dek-'))
  }, 120_000)
  afterAll(async () => {
    await kafka?.stop()
    rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  it('converges across nodes, decides a conflicting create once, and replays after a restart', async () => {
    const topic = `dek-${process.pid}`
    const a = await startNode(topic, join(dir, 'a.db'))
    let b = await startNode(topic, join(dir, 'b.db'))
    try {
      const client = new DekRegistryClient({ baseURLs: [a.url], maxRetries: 0 })
      const kek = await client.registerKek('orders_kek', 'gcp-kms', 'projects/p/keys/k', false, { location: 'eu' })
      const v1 = await client.registerDek('orders_kek', 'orders-value', 'AES256_GCM', 1, wrapped('v1'))
      expect((await call(a.url, 'DELETE', `${KEKS}/orders_kek/deks/orders-value/versions/1`)).status).toBe(204)

      await barrier(b.url)
      expect((await call(b.url, 'GET', `${KEKS}/orders_kek`)).json).toEqual(kek)
      expect((await call(b.url, 'GET', `${KEKS}/orders_kek/deks/orders-value/versions/1?deleted=true`)).json).toEqual({
        ...v1,
        deleted: true,
        ts: expect.any(Number),
      })

      // The same DEK version with different material through both nodes at once: one wins.
      const racing = await Promise.all(
        [a, b].map((node, i) =>
          call(node.url, 'POST', `${KEKS}/orders_kek/deks`, {
            subject: 'orders-value',
            version: 2,
            encryptedKeyMaterial: wrapped(`v2-from-${i}`),
          }),
        ),
      )
      expect(racing.map((r) => r.status).sort()).toEqual([200, 409])
      await barrier(a.url)
      await barrier(b.url)
      const onA = (await call(a.url, 'GET', `${KEKS}/orders_kek/deks/orders-value/versions/2`)).json
      expect((await call(b.url, 'GET', `${KEKS}/orders_kek/deks/orders-value/versions/2`)).json).toEqual(onA)
      expect(onA).toEqual(racing.find((r) => r.status === 200)!.json)

      // b restarts from its snapshot while a writes; a fresh node reads the topic alone.
      await b.close()
      await call(a.url, 'POST', `${KEKS}/orders_kek/deks/payments-value`, { encryptedKeyMaterial: wrapped('p') })
      b = await startNode(topic, join(dir, 'b.db'))
      const fresh = await startNode(topic)
      try {
        for (const node of [b, fresh]) {
          await barrier(node.url)
          expect((await call(node.url, 'GET', `${KEKS}/orders_kek/deks?deleted=true`)).json).toEqual([
            'orders-value',
            'payments-value',
          ])
          expect(
            (await call(node.url, 'GET', `${KEKS}/orders_kek/deks/orders-value/versions?deleted=true`)).json,
          ).toEqual([1, 2])
          expect((await call(node.url, 'GET', `${KEKS}/orders_kek/deks/orders-value/versions/2`)).json).toEqual(onA)
          expect((await call(node.url, 'GET', `${KEKS}/orders_kek`)).json).toEqual(kek)
        }
        // A permanent delete is a tombstone every node applies.
        expect(
          (await call(fresh.url, 'DELETE', `${KEKS}/orders_kek/deks/orders-value/versions/1?permanent=true`)).status,
        ).toBe(204)
        await barrier(b.url)
        expect((await call(b.url, 'GET', `${KEKS}/orders_kek/deks/orders-value/versions?deleted=true`)).json).toEqual([
          2,
        ])
      } finally {
        await fresh.close()
      }
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  }, 120_000)
})

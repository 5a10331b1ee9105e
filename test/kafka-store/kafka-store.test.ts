/**
 * KafkaStore on a real broker: the shared store contract, snapshots, topic checks and reading
 * a topic written in the incumbent's record format. One broker for the whole file.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeStoreContract } from '../../src/store/store-contract.js'
import { KafkaStore } from '../../src/store/kafka/kafka-store.js'
import { startServer } from '../../src/main.js'
import { describeKafka, startKafka, type KafkaBroker } from '../support/kafka.js'

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

  describe('topic checks', () => {
    const admin = () => new Kafka({ brokers: [broker()], logLevel: logLevel.NOTHING }).admin()

    it('refuses a topic with more than one partition', async () => {
      const a = admin()
      await a.connect()
      await a.createTopics({ topics: [{ topic: 'two-partitions', numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }] })
      await a.disconnect()
      const s = new KafkaStore({ brokers: [broker()], topic: 'two-partitions' })
      await expect(s.ready()).rejects.toThrow(/2 partitions; the registry needs exactly 1/)
      await s.close()
    })

    it('refuses a topic that deletes old records', async () => {
      const a = admin()
      await a.connect()
      await a.createTopics({ topics: [{ topic: 'deleting', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'delete' }] }] })
      await a.disconnect()
      const s = new KafkaStore({ brokers: [broker()], topic: 'deleting' })
      await expect(s.ready()).rejects.toThrow(/cleanup.policy=delete/)
      await s.close()
    })
  })
})

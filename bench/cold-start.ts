/**
 * Cold start of the Kafka store against a topic of N records (default 100k), without and with
 * a local snapshot. Starts its own broker. Run: `node --import tsx bench/cold-start.ts [records]`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import kafkajs from 'kafkajs'
import { startKafka } from '../scripts/kafka/broker.js'
import { KafkaStore } from '../src/store/kafka/kafka-store.js'

const { Kafka, logLevel } = kafkajs

export interface ColdStartResult {
  readonly records: number
  /** Fresh node, no snapshot: reads the whole topic. */
  readonly withoutSnapshotMs: number
  /** First start with a snapshot path: reads the whole topic and writes the snapshot. */
  readonly buildingSnapshotMs: number
  /** Restart from the snapshot after `tail` more records were written. */
  readonly withSnapshotMs: number
  readonly tail: number
}

export async function runColdStartBench({ records = 100_000, tail = 100 } = {}): Promise<ColdStartResult> {
  const broker = await startKafka({ heap: '768m' })
  const dir = mkdtempSync(join(tmpdir(), 'registrum-bench-'))
  const topic = '_schemas'
  try {
    const client = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
    const admin = client.admin()
    await admin.connect()
    await admin.createTopics({
      topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    })
    await admin.disconnect()
    const producer = client.producer()
    await producer.connect()
    const write = async (from: number, to: number) => {
      for (let start = from; start < to; start += 2_000) {
        const messages = []
        for (let i = start; i < Math.min(to, start + 2_000); i++) messages.push(schemaRecord(i))
        await producer.send({ topic, messages })
      }
    }
    await write(0, records)

    const timeReady = async (snapshot?: string) => {
      const t0 = performance.now()
      const store = new KafkaStore({ brokers: [broker.bootstrap], topic, ...(snapshot ? { snapshot } : {}) })
      await store.ready()
      const ms = performance.now() - t0
      await store.close()
      return ms
    }
    const withoutSnapshotMs = await timeReady()
    const snapshot = join(dir, 'snapshot.db')
    const buildingSnapshotMs = await timeReady(snapshot)
    await write(records, records + tail)
    const withSnapshotMs = await timeReady(snapshot)
    await producer.disconnect()
    const f = (ms: number) => `${(ms / 1000).toFixed(2)} s`
    console.log(`\nKafka store cold start over ${records} records`)
    console.log(`  without snapshot:            ${f(withoutSnapshotMs)}`)
    console.log(`  first start, writing one:    ${f(buildingSnapshotMs)}`)
    console.log(
      `  from snapshot (+${tail} tail):   ${f(withSnapshotMs)}  (${(withoutSnapshotMs / withSnapshotMs).toFixed(1)}x faster)`,
    )
    return { records, withoutSnapshotMs, buildingSnapshotMs, withSnapshotMs, tail }
  } finally {
    await broker.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Record i of the topic, in Confluent's format: 10 versions per subject, one schema each. */
function schemaRecord(i: number) {
  const subject = `subject-${Math.floor(i / 10)}`
  const version = (i % 10) + 1
  const schema = JSON.stringify({ type: 'record', name: `R${i}`, fields: [{ name: 'f', type: 'string' }] })
  return {
    key: JSON.stringify({ keytype: 'SCHEMA', subject, version, magic: 1 }),
    value: JSON.stringify({ subject, version, id: i + 1, schema, deleted: false }),
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runColdStartBench({ records: Number(process.argv[2] ?? 100_000) })
}

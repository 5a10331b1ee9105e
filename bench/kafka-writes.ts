/**
 * Registrations/s on one Kafka-store node with 16 concurrent clients, beside the ceiling of
 * the same broker measured in the same run: 16 concurrent bare kafkajs sends of one record
 * each with acks=all (a registration is at least one such round trip plus reading it back).
 * Starts its own broker.
 */
import kafkajs from 'kafkajs'
import { startKafka } from '../scripts/kafka/broker.js'
import { load, median, spread, startChild } from './children.js'

const { Kafka, logLevel } = kafkajs
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_KAFKA_ROUNDS ?? 2)

export async function runKafkaWriteBench(): Promise<{ registrationsPerSec: number; bareSendsPerSec: number }> {
  const broker = await startKafka({ heap: '512m' })
  const registry = await startChild('node', [
    'bin/registrum.js',
    'serve',
    '--port',
    '0',
    '--store',
    'kafka',
    '--bootstrap',
    broker.bootstrap,
  ])
  const client = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING })
  const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 })
  try {
    await producer.connect()
    const admin = client.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'bench-bare', numPartitions: 1 }] })
    await admin.disconnect()
    const bareRound = async () => {
      let sent = 0
      const end = performance.now() + SECONDS * 1000
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          while (performance.now() < end) {
            await producer.send({
              topic: 'bench-bare',
              acks: -1,
              messages: [{ key: `k${sent}`, value: 'x'.repeat(400), partition: 0 }],
            })
            sent++
          }
        }),
      )
      return sent / SECONDS
    }
    const ours: number[] = []
    const bare: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      bare.push(await bareRound())
      ours.push(
        (
          await load({
            url: registry.url,
            kind: 'register',
            path: '/subjects/kafka-load',
            connections: 16,
            seconds: SECONDS,
          })
        ).rps,
      )
    }
    console.log(
      `\nKafka store writes: one node, median (min–max) of ${ROUNDS} interleaved ${SECONDS}s rounds, one local broker`,
    )
    console.table([
      {
        figure: 'registrations/s, 16 clients, one node',
        median: Math.round(median(ours)),
        spread: spread(ours),
        ceiling: `${Math.round(median(bare))} (${spread(bare)}) bare acks=all sends/s, 16 concurrent, same broker; goal ≥ 1000`,
      },
    ])
    return { registrationsPerSec: median(ours), bareSendsPerSec: median(bare) }
  } finally {
    await producer.disconnect().catch(() => undefined)
    registry.child.kill()
    await broker.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runKafkaWriteBench()

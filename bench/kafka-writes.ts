/**
 * Registrations/s on one Kafka-store node with 16 concurrent HTTP clients, beside the ceiling
 * of the same broker measured in the same run: bench/bare-kafka.ts, bare kafkajs doing the
 * store's round trip (one acks=all batch of everything handed in, then reading it back) for 16
 * clients, with none of the registry's work. Starts its own broker; rounds are interleaved.
 */
import { startKafka } from '../scripts/kafka/broker.js'
import { load, median, runScript, spread, startChild } from './children.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_KAFKA_ROUNDS ?? 3)
const CLIENTS = 16

export async function runKafkaWriteBench(): Promise<{ registrationsPerSec: number; bareRoundTripsPerSec: number }> {
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
  const register = (seconds: number) =>
    load({ url: registry.url, kind: 'register', path: '/subjects/kafka-load', connections: CLIENTS, seconds })
  try {
    // A first, unmeasured second: the node's first batches pay for compiling its code paths.
    await register(1)
    const ours: number[] = []
    const bare: number[] = []
    for (let round = 0; round < ROUNDS; round++) {
      const line = await runScript('bench/bare-kafka.ts', [broker.bootstrap, String(SECONDS), String(CLIENTS)])
      bare.push((JSON.parse(line) as { rate: number }).rate)
      ours.push((await register(SECONDS)).rps)
    }
    console.log(
      `\nKafka store writes: one node, median (min–max) of ${ROUNDS} interleaved ${SECONDS}s rounds, one local broker`,
    )
    console.table([
      {
        figure: `registrations/s, ${CLIENTS} clients, one node`,
        median: Math.round(median(ours)),
        spread: spread(ours),
        ceiling: `${Math.round(median(bare))} (${spread(bare)}) bare kafkajs batched round trips/s, ${CLIENTS} clients, same broker; goal ≥ 1000`,
      },
    ])
    return { registrationsPerSec: median(ours), bareRoundTripsPerSec: median(bare) }
  } finally {
    registry.child.kill()
    await broker.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runKafkaWriteBench()

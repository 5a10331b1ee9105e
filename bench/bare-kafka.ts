// The ceiling for Kafka-store registrations: bare kafkajs doing what the store does per batch,
// with the store's client settings and none of its work. 16 clients each hand in a transaction
// and wait; one writer at a time takes everything handed in (up to 256) and appends it as one
// acks=all producer batch (a marker whose header carries ~900 bytes per transaction, then one
// ~700-byte record each, like a registration's SCHEMA record), then waits until its own consumer
// has read the batch back; then every transaction in it is answered. Prints the transactions/s
// it reached as one JSON line. Usage: bare-kafka.ts BOOTSTRAP SECONDS [CLIENTS]
import { randomUUID } from 'node:crypto'
import kafkajs from 'kafkajs'
import { KAFKA_CONSUMER_SETTINGS, KAFKA_PRODUCER_SETTINGS } from '../src/store/kafka/kafka-store.js'

const { Kafka, logLevel } = kafkajs
const [bootstrap, secondsArg, clientsArg] = process.argv.slice(2)
const seconds = Number(secondsArg ?? 5)
const clients = Number(clientsArg ?? 16)
const topic = `bench-bare-${randomUUID()}`
const MAX_BATCH = 256

const kafka = new Kafka({ brokers: [bootstrap!], logLevel: logLevel.NOTHING })
const admin = kafka.admin()
await admin.connect()
await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] })
await admin.disconnect()
const producer = kafka.producer(KAFKA_PRODUCER_SETTINGS)
const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}`, ...KAFKA_CONSUMER_SETTINGS })
await producer.connect()
await consumer.connect()
await consumer.subscribe({ topic, fromBeginning: true })
const waiting = new Map<string, () => void>()
await consumer.run({
  autoCommit: false,
  eachBatch: async ({ batch }) => {
    for (const m of batch.messages) {
      const id = m.headers?.last?.toString()
      if (id !== undefined) waiting.get(id)?.()
    }
  },
})

const header = 'm'.repeat(900)
const value = 'v'.repeat(700)
const queue: (() => void)[] = []
let writing = false
let seq = 0
async function writeQueued(): Promise<void> {
  writing = true
  while (queue.length > 0) {
    const batch = queue.splice(0, MAX_BATCH)
    const id = String(++seq)
    const read = new Promise<void>((resolve) => waiting.set(id, resolve))
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: 'noop', value: null, partition: 0, headers: { marker: header.repeat(batch.length) } },
        ...batch.map((_, i) => ({
          key: `k${seq}-${i}`,
          value,
          partition: 0,
          headers: i === batch.length - 1 ? { last: id } : {},
        })),
      ],
    })
    await read
    waiting.delete(id)
    for (const answer of batch) answer()
  }
  writing = false
}
const transaction = () =>
  new Promise<void>((resolve) => {
    queue.push(resolve)
    if (!writing) void writeQueued()
  })

// A first round trip, so the consumer has joined before the clock starts.
await transaction()
let done = 0
const end = performance.now() + seconds * 1000
await Promise.all(
  Array.from({ length: clients }, async () => {
    while (performance.now() < end) {
      await transaction()
      done++
    }
  }),
)
await Promise.all([consumer.disconnect(), producer.disconnect()])
process.stdout.write(`${JSON.stringify({ rate: done / seconds })}\n`)

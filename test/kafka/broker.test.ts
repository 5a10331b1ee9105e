import { afterAll, beforeAll, expect, it } from 'vitest'
import { Kafka, logLevel } from 'kafkajs'
import { describeKafka, startKafka, type KafkaBroker } from '../support/kafka.js'

describeKafka('the test Kafka broker', () => {
  let kafka: KafkaBroker | undefined
  beforeAll(async () => { kafka = await startKafka() }, 120_000)
  afterAll(async () => { await kafka?.stop() })

  it('accepts a topic, a produced record and a consumer group', async () => {
    const client = new Kafka({ brokers: [kafka!.bootstrap], logLevel: logLevel.NOTHING })
    const admin = client.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'smoke', numPartitions: 1 }], waitForLeaders: true })
    await admin.disconnect()
    const producer = client.producer()
    await producer.connect()
    await producer.send({ topic: 'smoke', messages: [{ key: 'k', value: 'v' }] })
    await producer.disconnect()
    const consumer = client.consumer({ groupId: 'smoke-group' })
    await consumer.connect()
    await consumer.subscribe({ topics: ['smoke'], fromBeginning: true })
    const value = await new Promise<string>((resolve) => {
      void consumer.run({ eachMessage: async ({ message }) => resolve(message.value!.toString()) })
    })
    await consumer.disconnect()
    expect(value).toBe('v')
  }, 60_000)
})

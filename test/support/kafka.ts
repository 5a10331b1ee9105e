/**
 * A real Kafka broker for tests (see scripts/kafka/broker.ts).
 *
 * Without Java the Kafka tests are skipped visibly on a developer machine; under CI
 * (`CI=true`) the missing Java is a failing test instead, so a green CI run always includes them.
 *
 * @example
 * describeKafka('todos on a real broker', () => {
 *   let kafka: KafkaBroker
 *   beforeAll(async () => { kafka = await startKafka() }, 120_000)
 *   afterAll(() => kafka?.stop())
 *   it('...', async () => { new Kafka({ brokers: [kafka.bootstrap] }) })
 * })
 */
import { describe, it } from 'vitest'
import { javaAvailable, startKafka as startBroker, type KafkaBroker } from '../../scripts/kafka/broker.js'

export type { KafkaBroker } from '../../scripts/kafka/broker.js'

/** Starts a single-node KRaft broker on 127.0.0.1 with a free port and a temporary log dir. */
export function startKafka(): Promise<KafkaBroker> {
  return startBroker()
}

/** Why Kafka tests cannot run here, or undefined when they can. */
export function kafkaUnavailableReason(): string | undefined {
  return javaAvailable() ? undefined : 'Java is not installed (the test Kafka broker needs a JVM)'
}

/** `describe` for tests that need a real broker: skipped without Java, failing under CI. */
export function describeKafka(name: string, body: () => void): void {
  const reason = kafkaUnavailableReason()
  if (reason === undefined) {
    describe(name, body)
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('has a Kafka broker to run against', () => {
        throw new Error(`${reason}; CI must run the Kafka tests`)
      })
    })
  } else {
    console.warn(`[kafka] skipping "${name}": ${reason}`)
    describe.skip(name, body)
  }
}

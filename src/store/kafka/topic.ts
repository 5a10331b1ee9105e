import kafkajs, { type Admin } from 'kafkajs'

// kafkajs is CommonJS: Node's ESM loader only sees its default export.
const { ConfigResourceTypes } = kafkajs

export class TopicConfigError extends Error {}

/**
 * True for a failure that may pass by itself: the broker is not up yet, or the metadata of a
 * topic created a moment ago has not reached it (`This server does not host this
 * topic-partition`). kafkajs marks these `retriable`, also under its own "retries exceeded".
 */
export function isRetriable(e: unknown): boolean {
  for (let cur = e, depth = 0; cur && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    if ((cur as { retriable?: unknown }).retriable === true) return true
  }
  return false
}

/**
 * Runs `attempt` until it succeeds, retrying retriable failures until `deadline` (epoch ms).
 * `waiting` is told about the first retry, so an operator sees what start-up waits for.
 *
 * @example
 * await untilDeadline(Date.now() + 60_000, () => admin.connect(), (e) => log(`waiting: ${e}`))
 */
export async function untilDeadline<T>(
  deadline: number,
  attempt: () => Promise<T>,
  waiting?: (reason: string) => void,
): Promise<T> {
  let last: Error | undefined
  for (let pause = 100; ; pause = Math.min(pause * 2, 1_000)) {
    const left = deadline - Date.now()
    if (left <= 0) throw new DeadlineError(last?.message ?? 'no attempt finished in time', { cause: last })
    let timer: NodeJS.Timeout | undefined
    try {
      return await Promise.race([
        attempt(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new DeadlineError('the last attempt did not finish in time')), left)
        }),
      ])
    } catch (e) {
      if (e instanceof DeadlineError || !isRetriable(e)) throw e
      if (!last) waiting?.((e as Error).message)
      last = e as Error
    } finally {
      clearTimeout(timer)
    }
    await new Promise((r) => setTimeout(r, Math.max(0, Math.min(pause, deadline - Date.now()))))
  }
}

/** The start-up deadline passed; the message is the last reason. */
export class DeadlineError extends Error {}

/**
 * Creates the state topic (one partition, compacted) if it is missing, and refuses one that is
 * not: a second partition would split the single order every node relies on, and a
 * non-compacting policy would expire schemas.
 */
export async function ensureTopic(admin: Admin, topic: string): Promise<void> {
  const existing = await admin.listTopics()
  if (!existing.includes(topic)) {
    await admin
      .createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic,
            numPartitions: 1,
            configEntries: [
              { name: 'cleanup.policy', value: 'compact' },
              // Compaction may only rewrite history every node has long settled (see docs/kafka-store.md).
              { name: 'min.compaction.lag.ms', value: String(24 * 3600 * 1000) },
            ],
          },
        ],
      })
      .catch((e: { type?: string }) => {
        if (e.type !== 'TOPIC_ALREADY_EXISTS') throw e
      })
  }
  const meta = await admin.fetchTopicMetadata({ topics: [topic] })
  const partitions = meta.topics[0]?.partitions.length ?? 0
  if (partitions !== 1) {
    throw new TopicConfigError(`topic ${topic} has ${partitions} partitions; the registry needs exactly 1`)
  }
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy'] }],
  })
  const policy = configs.resources[0]?.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue ?? ''
  if (!policy.split(',').includes('compact') || policy.includes('delete')) {
    throw new TopicConfigError(`topic ${topic} has cleanup.policy=${policy}; the registry needs cleanup.policy=compact`)
  }
}

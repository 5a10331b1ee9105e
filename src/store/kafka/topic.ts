import kafkajs, { type Admin } from 'kafkajs'

// kafkajs is CommonJS: Node's ESM loader only sees its default export.
const { ConfigResourceTypes } = kafkajs

export class TopicConfigError extends Error {}

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

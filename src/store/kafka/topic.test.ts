import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { DeadlineError, isRetriable, TopicConfigError, untilDeadline } from './topic.js'

// kafkajs's own error for a partition the broker does not host yet (what a topic created a
// moment ago answers), built by the code that builds it from a broker's answer.
const { createErrorFromCode } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as {
  createErrorFromCode: (code: number) => Error
}
const notHostedYet = () => createErrorFromCode(3)

describe('start-up retries', () => {
  it("treats kafkajs's retriable errors as passing, also under its own retries-exceeded", () => {
    expect(notHostedYet().message).toMatch(/does not host this topic-partition/)
    expect(isRetriable(notHostedYet())).toBe(true)
    expect(isRetriable(Object.assign(new Error('retries exceeded'), { retriable: false, cause: notHostedYet() }))).toBe(
      true,
    )
    expect(isRetriable(new TopicConfigError('topic t has 2 partitions'))).toBe(false)
  })

  it('retries a topic that is not hosted yet until it is, and says once that it waits', async () => {
    let calls = 0
    const told: string[] = []
    const result = await untilDeadline(
      Date.now() + 30_000,
      async () => {
        if (++calls < 4) throw notHostedYet()
        return 'ready'
      },
      (reason) => told.push(reason),
    )
    expect(result).toBe('ready')
    expect(calls).toBe(4)
    expect(told).toEqual([notHostedYet().message])
  })

  it('fails at once on an error waiting cannot fix', async () => {
    let calls = 0
    const attempt = async () => {
      calls++
      throw new TopicConfigError('topic t has 2 partitions; the registry needs exactly 1')
    }
    await expect(untilDeadline(Date.now() + 30_000, attempt)).rejects.toBeInstanceOf(TopicConfigError)
    expect(calls).toBe(1)
  })

  it('gives up at the deadline with the last reason', async () => {
    const attempt = async () => {
      throw notHostedYet()
    }
    const failed = untilDeadline(Date.now() + 300, attempt)
    await expect(failed).rejects.toBeInstanceOf(DeadlineError)
    await expect(failed).rejects.toThrow(/does not host this topic-partition/)
  })

  it('gives up at the deadline on an attempt that never finishes', async () => {
    await expect(untilDeadline(Date.now() + 200, () => new Promise(() => undefined))).rejects.toThrow(
      /did not finish in time/,
    )
  })
})

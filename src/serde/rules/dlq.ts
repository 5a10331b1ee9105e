/**
 * The `DLQ` action: a message that fails a rule is handed to the application's dead-letter sink
 * (a callback, or a kafkajs producer) with the rule's name, mode, source topic and error, then the
 * serde throws so the message is not written (or returned) as if it were good. The dead-letter
 * topic comes from the rule parameter `dlq.topic`, else from the action's default.
 */
import type { RuleContext } from './context.js'
import { RuleError, type RuleAction } from './engine.js'

export interface DeadLetter {
  /** Where the message goes: the rule's `dlq.topic` parameter, else the configured default. */
  readonly topic: string
  readonly sourceTopic: string
  readonly subject: string
  readonly isKey: boolean
  readonly rule: string
  readonly mode: string
  /** The message as the rule saw it (the value on write; the decoded value on read). */
  readonly message: unknown
  readonly error: Error | undefined
  /** Confluent's DLQ headers: `__rule.name`, `__rule.mode`, `__rule.topic`, `__rule.exception`. */
  readonly headers: Readonly<Record<string, string>>
}

export type DeadLetterSink = (letter: DeadLetter) => void | Promise<void>

/** The minimal kafkajs producer surface the DLQ action uses. */
export interface DeadLetterProducer {
  send(record: {
    topic: string
    messages: { key?: string | null; value: string | Buffer; headers?: Record<string, string> }[]
  }): Promise<unknown>
}

export function dlqAction(sink: DeadLetterSink, options: { defaultTopic?: string } = {}): RuleAction {
  return {
    type: 'DLQ',
    async run(ctx: RuleContext, message: unknown, error: Error | undefined) {
      const topic = ctx.parameter('dlq.topic') ?? options.defaultTopic
      if (topic === undefined) {
        throw new RuleError(
          ctx.rule,
          `Rule '${ctx.rule.name}' sends failures to a DLQ, but neither its 'dlq.topic' parameter nor the serde's DLQ configuration names a topic.`,
          { cause: error },
        )
      }
      const headers: Record<string, string> = {
        '__rule.name': ctx.rule.name,
        '__rule.mode': ctx.mode,
        '__rule.topic': ctx.topic,
      }
      if (error !== undefined) headers['__rule.exception'] = error.message
      await sink({
        topic,
        sourceTopic: ctx.topic,
        subject: ctx.subject,
        isKey: ctx.isKey,
        rule: ctx.rule.name,
        mode: ctx.mode,
        message,
        error,
        headers,
      })
      throw new RuleError(
        ctx.rule,
        `Rule '${ctx.rule.name}' failed and the message was sent to '${topic}'${error ? `: ${error.message}` : '.'}`,
        { cause: error },
      )
    },
  }
}

/** A sink that produces each dead letter as JSON (bytes as they are) with the DLQ headers. */
export function producerSink(producer: DeadLetterProducer): DeadLetterSink {
  return async (letter) => {
    const value = Buffer.isBuffer(letter.message) ? letter.message : Buffer.from(toJson(letter.message), 'utf8')
    await producer.send({ topic: letter.topic, messages: [{ value, headers: { ...letter.headers } }] })
  }
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? 'null'
}

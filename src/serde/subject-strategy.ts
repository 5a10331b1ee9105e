/**
 * Subject name strategies (Confluent `io.confluent.kafka.serializers.subject`): which subject a
 * key or value schema is registered and looked up under.
 */
import { SerdeError } from './errors.js'

export interface SubjectContext {
  readonly topic: string
  readonly isKey: boolean
  /**
   * The record's full name: Avro `namespace.name` of a named type, Protobuf `package.Message`,
   * JSON Schema `title`. Undefined when the schema has none (e.g. Avro `"string"`).
   */
  readonly recordName: string | undefined
}

export type SubjectNameStrategyFn = (context: SubjectContext) => string

/** A built-in strategy by name, or a function of your own. */
export type SubjectNameStrategy = 'TopicName' | 'RecordName' | 'TopicRecordName' | SubjectNameStrategyFn

/** `<topic>-key` / `<topic>-value`: the default. */
export const topicNameStrategy: SubjectNameStrategyFn = ({ topic, isKey }) => `${topic}-${isKey ? 'key' : 'value'}`

/** `<fqn>`: one subject per record type, shared by every topic. */
export const recordNameStrategy: SubjectNameStrategyFn = (ctx) => requireRecordName(ctx, 'RecordNameStrategy')

/** `<topic>-<fqn>`: several record types in one topic, each with its own history. */
export const topicRecordNameStrategy: SubjectNameStrategyFn = (ctx) =>
  `${ctx.topic}-${requireRecordName(ctx, 'TopicRecordNameStrategy')}`

/** The function behind a strategy option (default TopicName). */
export function subjectNameStrategy(strategy: SubjectNameStrategy | undefined): SubjectNameStrategyFn {
  if (strategy === undefined || strategy === 'TopicName') return topicNameStrategy
  if (strategy === 'RecordName') return recordNameStrategy
  if (strategy === 'TopicRecordName') return topicRecordNameStrategy
  if (typeof strategy === 'function') return strategy
  throw new TypeError(`Unknown subject name strategy '${String(strategy)}'`)
}

function requireRecordName(ctx: SubjectContext, strategy: string): string {
  if (ctx.recordName === undefined || ctx.recordName === '') {
    throw new SerdeError(
      'INVALID_SUBJECT',
      `${strategy} needs a named record type (Avro record/enum/fixed, Protobuf message, JSON Schema with a title), ` +
        `but the ${ctx.isKey ? 'key' : 'value'} schema for topic '${ctx.topic}' has none.`,
    )
  }
  return ctx.recordName
}

import { formatFor, type RuleDoc } from '../formats/index.js'
import { DIFFERENT_SCHEMA_TYPE } from './levels.js'

/** Rule ids that belong to no format: a change of schema type, and schemas that do not load. */
const GENERAL: Readonly<Record<string, RuleDoc>> = {
  [DIFFERENT_SCHEMA_TYPE]: {
    id: DIFFERENT_SCHEMA_TYPE,
    summary: 'The schema type changed (e.g. AVRO to PROTOBUF).',
    description:
      'Readers of one schema language cannot decode data written in another, so no change of type is compatible.',
    hint: 'Keep the subject\u2019s schema type; put a schema of another type under a new subject.',
  },
  INVALID_SCHEMA: {
    id: 'INVALID_SCHEMA',
    summary: 'The schema could not be parsed, or one of its references could not be resolved.',
    description:
      'The registry refuses a schema it cannot parse with all its references; the message says what is wrong and where.',
    hint: 'Fix the syntax at the reported place, or declare each reference (name, subject, version) so it resolves.',
  },
  INCOMPATIBLE: {
    id: 'INCOMPATIBLE',
    summary: 'The registry refused the schema with a message in no known structure.',
    description: 'The compatibility answer carried a free-text message; it is reported as it came.',
    hint: 'Read the message; it names the change the registry refused.',
  },
}

/**
 * What a rule id means and how to fix the change, for any schema type: the format's own rule
 * table first, then the rules common to all formats. Never undefined, so every id a report shows
 * carries a description and a hint.
 */
export function ruleDoc(schemaType: string | undefined, rule: string): RuleDoc {
  const known = GENERAL[rule] ?? (schemaType !== undefined ? formatFor(schemaType)?.describeRule(rule) : undefined)
  if (known) return known
  return {
    id: rule,
    summary: `${rule} (a change kind this version does not document).`,
    description: 'The registry reported this change kind as incompatible.',
    hint: 'Read the message; it names the change the registry refused.',
  }
}

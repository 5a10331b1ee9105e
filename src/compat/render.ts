import type { CompatibilityLevel, DirectedViolation, Direction, LevelResult } from './levels.js'

const MAX_OLD_SCHEMA = 10 * 1024

/** Fills `{reader}`/`{writer}` with new/old for the direction the violation was found in. */
export function describe(v: DirectedViolation): string {
  const [reader, writer] = v.direction === 'backward' ? ['new', 'old'] : ['old', 'new']
  return v.message.replaceAll('{reader}', reader).replaceAll('{writer}', writer)
}

/**
 * The direction a described violation was found in, read back from its wording: every rule
 * message names the reader before the writer, so the first of "new"/"old" outside quotes is the
 * reader (new reader: backward). Undefined for text in no rule's wording.
 */
export function directionOf(description: string): Direction | undefined {
  const m = /\b(new|old)\b/.exec(description.replace(/'(?:[^'\\]|\\.)*'/g, "''"))
  return m ? (m[1] === 'new' ? 'backward' : 'forward') : undefined
}

/** What breaks in a direction, in the words of producers and consumers. */
export function breakage(direction: Direction): string {
  return direction === 'backward'
    ? 'backward: consumers using the new schema cannot read data written with the old one'
    : 'forward: consumers still on the old schema cannot read data written with the new one'
}

const quote = (s: string) => s.replaceAll("'", "\\'")

/**
 * The `messages` of a failed check, in the structure of Confluent's `SchemaValidatorBuilder`:
 * one entry per violation, then the failing version and its schema once, then the settings.
 */
export function renderMessages(result: LevelResult, level: CompatibilityLevel): string[] {
  if (result.compatible) return []
  const lines = result.violations.map(
    (v) => `{errorType:'${v.rule}', description:'${quote(describe(v))}', additionalInfo:'${quote(v.path)}'}`,
  )
  const failed = result.failedVersion
  if (failed) {
    lines.push(`{oldSchemaVersion: ${failed.version}}`)
    const text =
      failed.canonical.length > MAX_OLD_SCHEMA
        ? `${failed.canonical.slice(0, MAX_OLD_SCHEMA)}<truncated>`
        : failed.canonical
    lines.push(`{oldSchema: '${quote(text)}'}`)
  }
  lines.push(`{validateFields: 'false', compatibility: '${level}'}`)
  return lines
}

import type { CompatibilityLevel, DirectedViolation, LevelResult } from './levels.js'

const MAX_OLD_SCHEMA = 10 * 1024

/** Fills `{reader}`/`{writer}` with new/old for the direction the violation was found in. */
export function describe(v: DirectedViolation): string {
  const [reader, writer] = v.direction === 'backward' ? ['new', 'old'] : ['old', 'new']
  return v.message.replaceAll('{reader}', reader).replaceAll('{writer}', writer)
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
      failed.canonical.length > MAX_OLD_SCHEMA ? `${failed.canonical.slice(0, MAX_OLD_SCHEMA)}<truncated>` : failed.canonical
    lines.push(`{oldSchema: '${quote(text)}'}`)
  }
  lines.push(`{validateFields: 'false', compatibility: '${level}'}`)
  return lines
}

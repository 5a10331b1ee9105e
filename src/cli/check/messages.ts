/**
 * Reads the `messages` of a compatibility answer back into parts. The structure is Confluent's
 * `SchemaValidatorBuilder` (also what `compat/render.ts` writes): one
 * `{errorType:'…', description:'…', additionalInfo:'…'}` per violation, then
 * `{oldSchemaVersion: n}`, `{oldSchema: '…'}` and `{validateFields: '…', compatibility: '…'}`.
 * A message in no known shape is kept whole as a finding with rule `INCOMPATIBLE`.
 */
export interface ParsedMessages {
  readonly violations: { rule: string; description: string; path: string }[]
  readonly oldSchemaVersion?: number
  readonly oldSchema?: string
  readonly level?: string
  /** True when no message had a known shape: the text is a parse or reference error. */
  readonly onlyFreeText: boolean
}

const Q = "'((?:[^'\\\\]|\\\\.)*)'"
const VIOLATION = new RegExp(`^\\{errorType:${Q}, description:${Q}, additionalInfo:${Q}\\}$`, 's')
const OLD_VERSION = /^\{oldSchemaVersion: (\d+)\}$/
const OLD_SCHEMA = new RegExp(`^\\{oldSchema: ${Q}\\}$`, 's')
const SETTINGS = /^\{validateFields: '[^']*', compatibility: '([A-Z_]+)'\}$/

const unquote = (s: string) => s.replaceAll("\\'", "'")

export function parseMessages(messages: readonly string[]): ParsedMessages {
  const violations: ParsedMessages['violations'] = []
  let oldSchemaVersion: number | undefined
  let oldSchema: string | undefined
  let level: string | undefined
  let known = 0
  for (const m of messages) {
    let match: RegExpExecArray | null
    if ((match = VIOLATION.exec(m))) {
      violations.push({ rule: unquote(match[1]!), description: unquote(match[2]!), path: unquote(match[3]!) })
      known++
    } else if ((match = OLD_VERSION.exec(m))) {
      oldSchemaVersion = Number(match[1])
      known++
    } else if ((match = OLD_SCHEMA.exec(m))) {
      oldSchema = unquote(match[1]!)
      known++
    } else if ((match = SETTINGS.exec(m))) {
      level = match[1]
      known++
    } else {
      violations.push({ rule: 'INCOMPATIBLE', description: m, path: '' })
    }
  }
  return {
    violations,
    ...(oldSchemaVersion !== undefined ? { oldSchemaVersion } : {}),
    ...(oldSchema !== undefined ? { oldSchema } : {}),
    ...(level !== undefined ? { level } : {}),
    onlyFreeText: known === 0 && messages.length > 0,
  }
}

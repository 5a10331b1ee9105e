import { checkPair, type CompatibilityLevel, type DirectedViolation } from '../../compat/levels.js'
import { describe } from '../../compat/render.js'
import { ruleDoc } from '../../compat/rule-docs.js'
import type { ParsedSchema, SchemaFormat } from '../../formats/format.js'
import { RegistryError } from '../../registry/errors.js'
import type { Registry } from '../../registry/registry.js'
import type { SchemaReference } from '../../formats/model.js'
import type { VersionRecord } from '../../store/store.js'
import type { Finding, VerdictModel } from './diff-view.js'

/** The references field: empty, or a JSON array of `{name, subject, version}`; a string says what is wrong. */
export function parseReferences(text: string): SchemaReference[] | string {
  if (text.trim() === '') return []
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (e) {
    return `References are not valid JSON: ${(e as Error).message}`
  }
  if (!Array.isArray(parsed)) return 'References must be a JSON array of {"name", "subject", "version"} objects.'
  for (const [i, r] of parsed.entries()) {
    const ok =
      r &&
      typeof r === 'object' &&
      typeof r.name === 'string' &&
      typeof r.subject === 'string' &&
      Number.isInteger(r.version)
    if (!ok) return `Reference ${i + 1} needs a string "name", a string "subject" and an integer "version".`
  }
  return parsed as SchemaReference[]
}

/**
 * A violation as the API words it (new/old filled in), with the fix hint of its rule from the
 * same rule tables the CLI's reports use.
 */
export function findingOf(v: DirectedViolation, format: SchemaFormat): Finding {
  const hint = ruleDoc(format.type, v.rule).hint
  return {
    rule: v.rule,
    path: v.path,
    message: describe(v),
    ...(hint !== '' ? { hint: describe({ ...v, message: hint }) } : {}),
  }
}

/** Both directions between two versions, `to` as the new schema, by the engine registration uses. */
export function pairVerdicts(
  registry: Registry,
  subject: string,
  from: VersionRecord,
  to: VersionRecord,
): VerdictModel[] {
  const config = registry.effectiveConfig(subject)
  const options = typeof config.compatibilityPolicy === 'string' ? { policy: config.compatibilityPolicy } : {}
  const directions: [CompatibilityLevel, string, string][] = [
    [
      'BACKWARD',
      `Backward: v${to.version} reads data written with v${from.version}`,
      'Consumers can be upgraded first.',
    ],
    ['FORWARD', `Forward: v${from.version} reads data written with v${to.version}`, 'Producers can be upgraded first.'],
  ]
  let parsed: { format: SchemaFormat; old: ParsedSchema; new: ParsedSchema }
  try {
    const oldRecord = registry.storedSchema(from)
    const newRecord = registry.storedSchema(to)
    parsed = {
      format: registry.format(newRecord.schemaType),
      old: registry.parsedSchema(oldRecord),
      new: registry.parsedSchema(newRecord),
    }
  } catch (e) {
    if (!(e instanceof RegistryError)) throw e
    return directions.map(([, title, explanation]) => ({ title, explanation, findings: [], error: e.message }))
  }
  return directions.map(([level, title, explanation]) => ({
    title,
    explanation,
    findings: checkPair(parsed.format, level, parsed.new, parsed.old, options).map((v) => findingOf(v, parsed.format)),
  }))
}

import type { CompatOptions, SchemaFormat, Violation } from '../format.js'
import { printJson } from './canonical.js'
import { parseJsonSchema, type JsonSchema } from './parse.js'
import {
  COMPATIBLE_CHANGES,
  describeDifference,
  describeJsonSchemaRule,
  policyOf,
  type Difference,
} from './rules/differences.js'
import { diffSchemas } from './rules/walk.js'

export type { JsonSchema } from './parse.js'
export type { Difference, Policy } from './rules/differences.js'

/**
 * Every difference Confluent's `SchemaDiff` would report when `reader` replaces `writer`, each
 * flagged compatible or not under the policy.
 */
export function jsonSchemaDifferences(
  reader: JsonSchema,
  writer: JsonSchema,
  options?: CompatOptions,
): (Difference & { compatible: boolean })[] {
  const compatible = COMPATIBLE_CHANGES[policyOf(options?.policy)]
  return diffSchemas(writer.model(), reader.model(), compatible).map((d) => ({
    ...d,
    compatible: compatible.has(d.type),
  }))
}

function externalRefs(raw: unknown, out: Set<string>): void {
  if (Array.isArray(raw)) raw.forEach((item) => externalRefs(item, out))
  else if (typeof raw === 'object' && raw !== null) {
    for (const [key, value] of Object.entries(raw)) {
      if (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) out.add(value.split('#')[0]!)
      else if (key !== 'enum' && key !== 'const' && key !== 'default') externalRefs(value, out)
    }
  }
}

/** Every value in the parsed document: objects, arrays and scalars, keys not counted apart. */
function countJsonValues(root: unknown): number {
  let count = 0
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const v = stack.pop()
    count++
    if (Array.isArray(v)) for (const item of v) stack.push(item)
    else if (typeof v === 'object' && v !== null) for (const k in v) stack.push((v as Record<string, unknown>)[k])
  }
  return count
}

/**
 * JSON Schema (draft-04 to 2020-12), compatibility as Confluent's `SchemaDiff` under the subject's
 * `compatibilityPolicy` (STRICT by default, or LENIENT).
 *
 * @example
 * const parsed = jsonSchemaFormat.parse('{"type":"string"}', [], 'new')
 * jsonSchemaFormat.canonicalize(parsed) // '{"type":"string"}'
 */
export const jsonSchemaFormat: SchemaFormat<JsonSchema> = {
  type: 'JSON',
  parse: parseJsonSchema,
  canonicalize: (schema, options) => printJson(schema.tree, options?.normalize === true),
  elementCount: (schema) => countJsonValues(schema.schema),
  references(schema) {
    const out = new Set<string>()
    externalRefs(schema.schema, out)
    return [...out]
  },
  equivalent: (a, b) => printJson(a.tree, true) === printJson(b.tree, true),
  render: () => undefined,
  checkCompatibility(reader, writer, options): Violation[] {
    return jsonSchemaDifferences(reader, writer, options)
      .filter((d) => !d.compatible)
      .map((d) => ({ rule: d.type, path: d.path, message: describeDifference(d) }))
  },
  describeRule: describeJsonSchemaRule,
}

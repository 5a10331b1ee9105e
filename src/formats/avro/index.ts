import type avsc from 'avsc'
import type { ResolvedRefs, SchemaFormat } from '../format.js'
import { buildAvscType } from './avsc.js'
import { printNormalized, printPlain } from './canonical.js'
import { nodesEqual } from './equivalent.js'
import { isNamed, type AvroNode, type AvroSchema } from './model.js'
import { parseTree, type ParseMode } from './parse.js'
import { checkReaderWriter, describeAvroRule } from './rules/walk.js'

export type { AvroSchema } from './model.js'
export { buildAvscType, type AvscOptions } from './avsc.js'

/** Parses an Avro schema; see {@link avroFormat}. */
export function parseAvro(text: string, refs: ResolvedRefs, mode: ParseMode): AvroSchema {
  const tree = parseTree(text, refs, mode)
  const schema = {
    type: 'AVRO' as const,
    text,
    refs,
    root: tree.root,
    refRoots: tree.refRoots,
    refNames: tree.refNames,
    ...(isNamed(tree.root) ? { fullName: tree.root.fullName } : {}),
  }
  let type: avsc.Type | undefined
  // Built on first use, so a schema Avro Java accepts loads even where avsc is stricter; not
  // enumerable, so copying a parsed schema (`{...parsed, metadata}`) neither builds nor fails.
  Object.defineProperty(schema, 'avscType', {
    enumerable: false,
    get: () => (type ??= buildAvscType(tree.root, tree.refRoots)),
  })
  return schema as AvroSchema
}

/** Named types used by the schema that are defined by its references. */
function referencedNames(schema: AvroSchema): string[] {
  const found = new Set<string>()
  const seen = new Set<AvroNode>()
  const visit = (n: AvroNode) => {
    if (seen.has(n)) return
    seen.add(n)
    if (isNamed(n) && schema.refNames.has(n.fullName)) {
      found.add(n.fullName)
      return
    }
    if (n.kind === 'record') n.fields.forEach((f) => visit(f.type))
    else if (n.kind === 'array') visit(n.items)
    else if (n.kind === 'map') visit(n.values)
    else if (n.kind === 'union') n.branches.forEach(visit)
  }
  visit(schema.root)
  return [...found]
}

/**
 * Avro: Apache Avro Java's parser, printer and `SchemaCompatibility`, as Confluent uses them.
 *
 * @example
 * const s = avroFormat.parse('{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}', [], 'new')
 * avroFormat.canonicalize(s) // '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}'
 */
export const avroFormat: SchemaFormat<AvroSchema> = {
  type: 'AVRO',
  parse: parseAvro,
  canonicalize: (schema, options) => (options?.normalize ? printNormalized(schema) : printPlain(schema)),
  references: referencedNames,
  equivalent: (a, b) => nodesEqual(a.root, b.root),
  render: (schema, format) => {
    const f = format.trim().toLowerCase()
    if (f === '' || f === 'default') return printPlain(schema)
    if (f === 'resolved') return printPlain(schema, { inlineRefs: true })
    return undefined
  },
  checkCompatibility: (reader, writer) => checkReaderWriter(reader.root, writer.root),
  describeRule: describeAvroRule,
}

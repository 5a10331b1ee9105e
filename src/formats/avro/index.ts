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
  return new ParsedAvro(text, refs, tree.root, tree.refRoots, tree.refNames)
}

/**
 * A parsed Avro schema. Its avsc type is built on first use, so a schema Avro Java accepts loads
 * even where avsc is stricter. The getter is on the prototype, so copying a parsed schema
 * (`{...parsed, metadata}`) neither builds nor fails; and, unlike a getter defined on each object,
 * it gives the objects one shared hidden class, so a parse's tree is not kept alive through young
 * collections by an old-generation hidden class of its own.
 */
class ParsedAvro implements AvroSchema {
  readonly type = 'AVRO' as const
  declare readonly fullName?: string
  #avscType: avsc.Type | undefined

  constructor(
    readonly text: string,
    readonly refs: ResolvedRefs,
    readonly root: AvroNode,
    readonly refRoots: readonly AvroNode[],
    readonly refNames: ReadonlySet<string>,
  ) {
    if (isNamed(root)) (this as { fullName?: string }).fullName = root.fullName
  }

  get avscType(): avsc.Type {
    return (this.#avscType ??= buildAvscType(this.root, this.refRoots))
  }
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

/** Nodes reachable from the root, plus each record's fields and each enum's symbols. */
function elementCount(schema: AvroSchema): number {
  let count = 0
  const seen = new Set<AvroNode>()
  const stack: AvroNode[] = [schema.root]
  while (stack.length > 0) {
    const n = stack.pop()!
    if (seen.has(n)) continue
    seen.add(n)
    count++
    if (n.kind === 'record') {
      count += n.fields.length
      for (const f of n.fields) stack.push(f.type)
    } else if (n.kind === 'enum') count += n.symbols.length
    else if (n.kind === 'array') stack.push(n.items)
    else if (n.kind === 'map') stack.push(n.values)
    else if (n.kind === 'union') for (const b of n.branches) stack.push(b)
  }
  return count
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
  elementCount,
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

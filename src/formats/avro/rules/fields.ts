import { AvroFormatError } from '../errors.js'
import type { FieldNode, RecordNode } from '../model.js'
import { mergeAll, type PairResult, type RuleContext } from './result.js'
import { sameShape } from './shape.js'

/**
 * Java `SchemaCompatibility.lookupWriterField`: the writer field named like the reader field or
 * one of its aliases. Matching two writer fields is an error, not an incompatibility.
 */
export function lookupWriterField(writer: RecordNode, field: FieldNode): FieldNode | undefined {
  const byName = fieldsByName(writer)
  if (field.aliases.length === 0) return byName.get(field.name)
  const found = [field.name, ...field.aliases].flatMap((n) => {
    const w = byName.get(n)
    return w ? [w] : []
  })
  if (found.length > 1) {
    throw new AvroFormatError(`Reader field '${field.name}' matches several fields of writer record ${writer.fullName}`)
  }
  return found[0]
}

const indexes = new WeakMap<RecordNode, ReadonlyMap<string, FieldNode>>()

/** A parsed record's fields by name (names are unique within a record), built once per record. */
function fieldsByName(record: RecordNode): ReadonlyMap<string, FieldNode> {
  let index = indexes.get(record)
  if (!index) indexes.set(record, (index = new Map(record.fields.map((f) => [f.name, f]))))
  return index
}

export const READER_FIELD_MISSING_DEFAULT_VALUE = {
  id: 'READER_FIELD_MISSING_DEFAULT_VALUE',
  purpose: 'A field the writer never wrote can only be read if the reader supplies a default for it.',
  summary: 'A field without a default is missing on the other side.',
  hint: 'Add a `default` to the field (for an optional field: `"type": ["null", ...], "default": null`), or keep the removed field.',
  /** Walks the reader's fields; fields found in the writer recurse into their types. */
  check(reader: RecordNode, writer: RecordNode, ctx: RuleContext): PairResult {
    return ctx.within('fields', () => {
      const results: PairResult[] = []
      for (const field of reader.fields) {
        // The common case of a check against many versions: the same field, the same type.
        if (field.aliases.length === 0) {
          const same = fieldsByName(writer).get(field.name)
          if (same && sameShape(field.type, same.type)) continue
        }
        ctx.within(String(field.pos), () => {
          const writerField = lookupWriterField(writer, field)
          if (writerField) {
            results.push(ctx.descend('type', field.type, writerField.type))
          } else if (field.default === undefined) {
            // Java checks an enum with a default against the writer record itself here, which can
            // only report a type mismatch; kept so verdicts stay Java's.
            if (field.type.kind === 'enum' && field.type.default !== undefined) {
              results.push(ctx.descend('type', field.type, writer))
            } else {
              results.push(
                ctx.report(
                  'READER_FIELD_MISSING_DEFAULT_VALUE',
                  `The field '${field.name}' at path '${ctx.path()}' in the {reader} schema has no default value and is missing in the {writer} schema`,
                ),
              )
            }
          }
        })
      }
      return mergeAll(results)
    })
  },
}

import { AvroFormatError } from '../errors.js'
import type { FieldNode, RecordNode } from '../model.js'
import { COMPATIBLE, merge, type PairResult, type RuleContext } from './result.js'

/**
 * Java `SchemaCompatibility.lookupWriterField`: the writer field named like the reader field or
 * one of its aliases. Matching two writer fields is an error, not an incompatibility.
 */
export function lookupWriterField(writer: RecordNode, field: FieldNode): FieldNode | undefined {
  const found = [field.name, ...field.aliases].flatMap((n) => writer.fields.filter((w) => w.name === n))
  if (found.length > 1) {
    throw new AvroFormatError(`Reader field '${field.name}' matches several fields of writer record ${writer.fullName}`)
  }
  return found[0]
}

export const READER_FIELD_MISSING_DEFAULT_VALUE = {
  id: 'READER_FIELD_MISSING_DEFAULT_VALUE',
  purpose: 'A field the writer never wrote can only be read if the reader supplies a default for it.',
  summary: 'A field without a default is missing on the other side.',
  hint: 'Add a `default` to the field (for an optional field: `"type": ["null", ...], "default": null`), or keep the removed field.',
  /** Walks the reader's fields; fields found in the writer recurse into their types. */
  check(reader: RecordNode, writer: RecordNode, ctx: RuleContext): PairResult {
    return ctx.within('fields', () => {
      let result = COMPATIBLE
      for (const field of reader.fields) {
        ctx.within(String(field.pos), () => {
          const writerField = lookupWriterField(writer, field)
          if (writerField) {
            result = merge(result, ctx.descend('type', field.type, writerField.type))
          } else if (field.default === undefined) {
            // Java checks an enum with a default against the writer record itself here, which can
            // only report a type mismatch; kept so verdicts stay Java's.
            if (field.type.kind === 'enum' && field.type.default !== undefined) {
              result = merge(result, ctx.descend('type', field.type, writer))
            } else {
              result = merge(
                result,
                ctx.report(
                  'READER_FIELD_MISSING_DEFAULT_VALUE',
                  `The field '${field.name}' at path '${ctx.path()}' in the {reader} schema has no default value and is missing in the {writer} schema`,
                ),
              )
            }
          }
        })
      }
      return result
    })
  },
}

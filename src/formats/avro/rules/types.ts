import type { AvroNode } from '../model.js'
import { typeName, type PairResult, type RuleContext } from './result.js'

/** Writer types each reader type can read besides its own (Avro spec "Schema Resolution"). */
const PROMOTIONS: Partial<Record<AvroNode['kind'], readonly AvroNode['kind'][]>> = {
  long: ['int'],
  float: ['int', 'long'],
  double: ['int', 'long', 'float'],
  bytes: ['string'],
  string: ['bytes'],
}

export const TYPE_MISMATCH = {
  id: 'TYPE_MISMATCH',
  purpose: 'Different types only resolve through the promotions int→long→float→double and string↔bytes.',
  summary: 'A type changed to one its reader cannot promote from.',
  hint: 'Keep the old type, or change only along a promotion (int→long→float→double, string↔bytes); for any other type add a new field with a default and deprecate the old one.',
  /** For a reader and a non-union writer of different kinds. */
  check(reader: AvroNode, writer: AvroNode, ctx: RuleContext): PairResult | undefined {
    if (PROMOTIONS[reader.kind]?.includes(writer.kind)) return undefined
    return ctx.report(
      'TYPE_MISMATCH',
      `The type at path '${ctx.path()}' is ${typeName(reader)} in the {reader} schema, which cannot read ${typeName(writer)} in the {writer} schema`,
    )
  },
}

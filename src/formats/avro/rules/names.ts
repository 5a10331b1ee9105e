import type { NamedNode } from '../model.js'
import { COMPATIBLE, type PairResult, type RuleContext } from './result.js'

/** Java `SchemaCompatibility.schemaNameEquals`: simple names match, or a reader alias names the writer. */
export function namesMatch(reader: NamedNode, writer: NamedNode): boolean {
  return reader.name === writer.name || reader.aliases.includes(writer.fullName)
}

export const NAME_MISMATCH = {
  id: 'NAME_MISMATCH',
  purpose: 'Named types resolve by name: a record, enum or fixed renamed without an alias is another type.',
  summary: 'A named type (record, enum or fixed) changed its full name.',
  hint: "Keep the old full name, or add it to the renamed type's `aliases` so readers resolve one to the other.",
  check(reader: NamedNode, writer: NamedNode, ctx: RuleContext): PairResult {
    return ctx.within('name', () =>
      namesMatch(reader, writer)
        ? COMPATIBLE
        : ctx.report(
            'NAME_MISMATCH',
            `The type at path '${ctx.path()}' is named '${reader.fullName}' in the {reader} schema, which does not match '${writer.fullName}' in the {writer} schema`,
          ),
    )
  },
}

import type { AvroNode, UnionNode } from '../model.js'
import { COMPATIBLE, merge, typeName, type PairResult, type RuleContext } from './result.js'

const missingBranch = (writer: AvroNode, ctx: RuleContext) =>
  ctx.report(
    'MISSING_UNION_BRANCH',
    `The {reader} schema is missing a union branch for the ${typeName(writer)} type at path '${ctx.path()}' in the {writer} schema`,
  )

export const MISSING_UNION_BRANCH = {
  id: 'MISSING_UNION_BRANCH',
  purpose: 'Every branch a writer union may hold must be readable by some branch of the reader.',
  summary: 'A union lost a branch that data may still hold.',
  hint: 'Keep the removed branch in the union (only adding branches is safe), or make the field a union with `null` and a default in both versions.',
  /**
   * Reader and writer both unions: each writer branch, checked from a fresh location, must be
   * readable by the whole reader union; its inner findings are replaced by one report at the branch.
   */
  unionToUnion(reader: UnionNode, writer: UnionNode, ctx: RuleContext): PairResult {
    let result = COMPATIBLE
    writer.branches.forEach((branch, i) => {
      ctx.within(String(i), () => {
        if (ctx.fresh(reader, branch).state === 'incompatible') result = merge(result, missingBranch(branch, ctx))
      })
    })
    return result
  },
  /** A reader union against a single writer type: some branch must read it. */
  toUnion(reader: UnionNode, writer: AvroNode, ctx: RuleContext): PairResult {
    for (const branch of reader.branches) {
      if (ctx.fresh(branch, writer).state === 'compatible') return COMPATIBLE
    }
    return missingBranch(writer, ctx)
  },
  /** A writer union against a single reader type: the reader must read every branch. */
  fromUnion(reader: AvroNode, writer: UnionNode, ctx: RuleContext): PairResult {
    let result = COMPATIBLE
    writer.branches.forEach((branch, i) => {
      result = merge(result, ctx.descend(String(i), reader, branch))
    })
    return result
  },
}

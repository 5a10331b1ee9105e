import { isNamed, type AvroNode, type NamedNode, type UnionNode } from '../model.js'
import { namesMatch } from './names.js'
import { COMPATIBLE, mergeAll, typeName, type PairResult, type RuleContext } from './result.js'

const missingBranch = (writer: AvroNode, ctx: RuleContext) =>
  ctx.report(
    'MISSING_UNION_BRANCH',
    `The {reader} schema is missing a union branch for the ${typeName(writer)} type at path '${ctx.path()}' in the {writer} schema`,
  )

/** A reader union's branches, indexed so a writer type finds the few that could read it. */
interface BranchIndex {
  readonly position: ReadonlyMap<AvroNode, number>
  /** Named branches by simple name and by each alias (full name). */
  readonly named: ReadonlyMap<string, readonly NamedNode[]>
  /** Branches that are not named types: at most one per kind. */
  readonly unnamed: readonly AvroNode[]
}

const indexes = new WeakMap<UnionNode, BranchIndex>()

function indexOf(union: UnionNode): BranchIndex {
  const index = indexes.get(union)
  if (index) return index
  const position = new Map<AvroNode, number>()
  const named = new Map<string, NamedNode[]>()
  const unnamed: AvroNode[] = []
  const file = (key: string, n: NamedNode) => {
    const list = named.get(key)
    if (!list) named.set(key, [n])
    else if (!list.includes(n)) list.push(n)
  }
  union.branches.forEach((b, i) => {
    position.set(b, i)
    if (!isNamed(b)) {
      unnamed.push(b)
      return
    }
    file(`name:${b.name}`, b)
    for (const alias of b.aliases) file(`alias:${alias}`, b)
  })
  const built = { position, named, unnamed }
  indexes.set(union, built)
  return built
}

/**
 * The reader branches that could read `writer`, in branch order. Every other branch cannot:
 * a named writer type is only read by a named type of its kind whose name or alias matches
 * (NAME_MISMATCH otherwise), and a named reader type reads no other kind (TYPE_MISMATCH). So
 * a union of n named types is checked in O(n), not O(n²).
 */
function candidates(reader: UnionNode, writer: AvroNode): readonly AvroNode[] {
  const index = indexOf(reader)
  if (!isNamed(writer)) return index.unnamed
  const found = [
    ...(index.named.get(`name:${writer.name}`) ?? []),
    ...(index.named.get(`alias:${writer.fullName}`) ?? []),
  ]
  return [...new Set(found)]
    .filter((b) => b.kind === writer.kind && namesMatch(b, writer))
    .sort((a, b) => index.position.get(a)! - index.position.get(b)!)
}

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
    const results: PairResult[] = []
    writer.branches.forEach((branch, i) => {
      ctx.within(String(i), () => {
        if (ctx.fresh(reader, branch).state === 'incompatible') results.push(missingBranch(branch, ctx))
      })
    })
    return mergeAll(results)
  },
  /** A reader union against a single writer type: some branch must read it. */
  toUnion(reader: UnionNode, writer: AvroNode, ctx: RuleContext): PairResult {
    for (const branch of candidates(reader, writer)) {
      if (ctx.fresh(branch, writer).state === 'compatible') return COMPATIBLE
    }
    return missingBranch(writer, ctx)
  },
  /** A writer union against a single reader type: the reader must read every branch. */
  fromUnion(reader: AvroNode, writer: UnionNode, ctx: RuleContext): PairResult {
    return mergeAll(writer.branches.map((branch, i) => ctx.descend(String(i), reader, branch)))
  },
}

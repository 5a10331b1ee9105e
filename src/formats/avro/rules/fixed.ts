import type { FixedNode } from '../model.js'
import { COMPATIBLE, type PairResult, type RuleContext } from './result.js'

export const FIXED_SIZE_MISMATCH = {
  id: 'FIXED_SIZE_MISMATCH',
  purpose: 'A fixed value is exactly `size` bytes on the wire; another size misreads every record after it.',
  summary: 'A fixed type changed its size.',
  hint: 'Keep the old `size`; for a different size add a new field with a new fixed type (and a default) instead.',
  check(reader: FixedNode, writer: FixedNode, ctx: RuleContext): PairResult {
    return ctx.within('size', () =>
      reader.size === writer.size
        ? COMPATIBLE
        : ctx.report(
            'FIXED_SIZE_MISMATCH',
            `The fixed type at path '${ctx.path()}' has size ${reader.size} in the {reader} schema but size ${writer.size} in the {writer} schema`,
          ),
    )
  },
}

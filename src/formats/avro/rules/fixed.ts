import type { FixedNode } from '../model.js'
import { COMPATIBLE, type PairResult, type RuleContext } from './result.js'

export const FIXED_SIZE_MISMATCH = {
  id: 'FIXED_SIZE_MISMATCH',
  purpose: 'A fixed value is exactly `size` bytes on the wire; another size misreads every record after it.',
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

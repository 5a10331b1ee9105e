import { compareJava } from '../json.js'
import type { EnumNode } from '../model.js'
import { COMPATIBLE, type PairResult, type RuleContext } from './result.js'

export const MISSING_ENUM_SYMBOLS = {
  id: 'MISSING_ENUM_SYMBOLS',
  purpose: 'A writer symbol the reader lacks cannot be read, unless the reader enum has a default to fall back on.',
  summary: 'An enum lost symbols that data may still hold.',
  hint: 'Keep the removed symbols, or give the enum a `default` symbol for readers to fall back on.',
  check(reader: EnumNode, writer: EnumNode, ctx: RuleContext): PairResult {
    return ctx.within('symbols', () => {
      const missing = writer.symbols.filter((s) => !reader.symbols.includes(s)).sort(compareJava)
      if (missing.length === 0) return COMPATIBLE
      if (reader.default !== undefined && reader.symbols.includes(reader.default)) return COMPATIBLE
      return ctx.report(
        'MISSING_ENUM_SYMBOLS',
        `The {reader} schema is missing enum symbols '[${missing.join(', ')}]' at path '${ctx.path()}' in the {writer} schema`,
      )
    })
  },
}

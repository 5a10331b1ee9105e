/**
 * JSONata rules, used for migrations between major versions (UPGRADE / DOWNGRADE transforms): the
 * expression receives the message and its result is the migrated message. Each expression is
 * compiled once. Evaluation is bounded in time and depth so a rule cannot hang a consumer.
 */
import jsonata from 'jsonata'
import { RuleError, type RuleExecutor } from './engine.js'

const MAX_EXPRESSIONS = 1000

export interface JsonataExecutorOptions {
  /** Longest an evaluation may run, in milliseconds (default 5000). */
  readonly timeoutMs?: number
  /** Deepest an evaluation may recurse (default 500). */
  readonly maxDepth?: number
}

export function jsonataExecutor(options: JsonataExecutorOptions = {}): RuleExecutor {
  const cache = new Map<string, jsonata.Expression>()
  const bounds = { timeout: options.timeoutMs ?? 5000, stack: options.maxDepth ?? 500 }
  const compile = (expr: string): jsonata.Expression => {
    let compiled = cache.get(expr)
    if (compiled === undefined) {
      compiled = jsonata(expr, bounds)
      if (cache.size >= MAX_EXPRESSIONS) cache.delete(cache.keys().next().value!)
      cache.set(expr, compiled)
    }
    return compiled
  }
  return {
    type: 'JSONATA',
    async transform(ctx, message) {
      const expr = ctx.rule.expr
      if (expr === undefined) return message
      let compiled: jsonata.Expression
      try {
        compiled = compile(expr)
      } catch (cause) {
        throw new RuleError(
          ctx.rule,
          `Rule '${ctx.rule.name}': the JSONata expression does not parse: ${(cause as Error).message}`,
          { cause },
        )
      }
      return compiled.evaluate(message)
    },
  }
}

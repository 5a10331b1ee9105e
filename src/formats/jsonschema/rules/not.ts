import type { RuleFamily } from './walk.js'

/**
 * `not`: the reader accepts at least what the writer did when the reader's excluded schema is
 * narrower, so the inner schemas are compared the other way round.
 */
export const NOT_SCHEMA: RuleFamily<'not'> = {
  id: 'NOT_SCHEMA',
  purpose: 'A reader that excludes more than the writer rejects records the writer allowed.',
  check(ctx, original, update) {
    ctx.at('not', () => {
      const trial = ctx.sub()
      trial.compare(update.not, original.not)
      ctx.add(trial.isCompatible() ? 'NOT_TYPE_NARROWED' : 'NOT_TYPE_EXTENDED')
    })
  },
}

export const NOT_RULES: readonly RuleFamily<'not'>[] = [NOT_SCHEMA]

import { hashSetOrder } from './java-order.js'
import type { RuleFamily } from './walk.js'

/**
 * `dependencies` (draft-04..07) and `dependentRequired`/`dependentSchemas` (2019-09+), all
 * reported under `#/dependencies/<name>` as Confluent does.
 */
export const DEPENDENCIES: RuleFamily<'object'> = {
  id: 'DEPENDENCIES',
  purpose: 'A reader adding a dependency rejects old records that had the trigger without it.',
  check(ctx, original, update) {
    ctx.at('dependencies', () => {
      const o = new Map(original.propertyDependencies)
      const u = new Map(update.propertyDependencies)
      for (const name of hashSetOrder([...o.keys()], [...u.keys()])) {
        const was = o.get(name)
        const is = u.get(name)
        ctx.at(name, () => {
          if (!is) ctx.add('DEPENDENCY_ARRAY_REMOVED')
          else if (!was) ctx.add('DEPENDENCY_ARRAY_ADDED')
          else {
            const wasSet = new Set(was)
            const isSet = new Set(is)
            const equal = wasSet.size === isSet.size && [...wasSet].every((p) => isSet.has(p))
            if (equal) return
            if ([...wasSet].every((p) => isSet.has(p))) ctx.add('DEPENDENCY_ARRAY_EXTENDED')
            else if ([...isSet].every((p) => wasSet.has(p))) ctx.add('DEPENDENCY_ARRAY_NARROWED')
            else ctx.add('DEPENDENCY_ARRAY_CHANGED')
          }
        })
      }
      const os = new Map(original.schemaDependencies)
      const us = new Map(update.schemaDependencies)
      for (const name of hashSetOrder([...os.keys()], [...us.keys()])) {
        const was = os.get(name)
        const is = us.get(name)
        ctx.at(name, () => {
          if (!is) ctx.add('DEPENDENCY_SCHEMA_REMOVED')
          else if (!was) ctx.add('DEPENDENCY_SCHEMA_ADDED')
          else ctx.compare(was, is)
        })
      }
    })
  },
}

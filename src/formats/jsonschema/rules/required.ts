import { hashMapOrder } from './java-order.js'
import type { RuleFamily } from './walk.js'

/**
 * `required` on a property both versions declare: dropping it is fine; adding it breaks old
 * records that lack the property unless the property has a default.
 */
export const REQUIRED_ATTRIBUTE: RuleFamily<'object'> = {
  id: 'REQUIRED_ATTRIBUTE',
  purpose: 'A reader requiring a property old records may lack rejects them.',
  check(ctx, original, update) {
    ctx.at('required', () => {
      const updated = new Map(update.properties)
      for (const name of hashMapOrder(original.properties.map(([k]) => k))) {
        const schema = updated.get(name)
        if (!schema) continue
        const was = original.required.includes(name)
        const is = update.required.includes(name)
        if (was && !is) ctx.add('REQUIRED_ATTRIBUTE_REMOVED', name)
        else if (!was && is)
          ctx.add(schema.default ? 'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED' : 'REQUIRED_ATTRIBUTE_ADDED', name)
      }
    })
  },
}

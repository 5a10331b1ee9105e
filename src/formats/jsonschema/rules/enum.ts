import type { RuleFamily } from './walk.js'

/** A JSON value's identity for set comparison: objects compare with their keys sorted. */
export function valueKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(valueKey).join(',')}]`
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${valueKey((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  return JSON.stringify(value)
}

const containsAll = (a: Set<string>, b: Set<string>) => [...b].every((v) => a.has(v))

/** `enum` compares as a set: more values accept more, fewer reject old data. */
export const ENUM_VALUES: RuleFamily<'enum'> = {
  id: 'ENUM_VALUES',
  purpose: 'A reader enum without a value the writer allowed rejects records holding it.',
  check(ctx, original, update) {
    const o = new Set(original.values.map(valueKey))
    const u = new Set(update.values.map(valueKey))
    if (o.size === u.size && containsAll(o, u)) return
    if (containsAll(u, o)) ctx.add('ENUM_ARRAY_EXTENDED', 'enum')
    else if (containsAll(o, u)) ctx.add('ENUM_ARRAY_NARROWED', 'enum')
    else ctx.add('ENUM_ARRAY_CHANGED', 'enum')
  },
}

/** A different `const` is a different one-value enum (Confluent reports `ENUM_ARRAY_CHANGED`). */
export const CONST_VALUE: RuleFamily<'const'> = {
  id: 'CONST_VALUE',
  purpose: 'A reader const other than the writer const rejects every old record.',
  check(ctx, original, update) {
    if (valueKey(original.value) !== valueKey(update.value)) ctx.add('ENUM_ARRAY_CHANGED', 'const')
  },
}

export const ENUM_RULES: readonly RuleFamily<'enum'>[] = [ENUM_VALUES]
export const CONST_RULES: readonly RuleFamily<'const'>[] = [CONST_VALUE]

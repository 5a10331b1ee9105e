import type { OptionElement, OptionValue } from './model.js'
import type { TypeTable } from './type-table.js'

/**
 * Confluent's `FormatContext.filterOptions` under normalize: custom option names are fully
 * qualified, `(a).b = v` becomes `(a) = { b: v }`, options are sorted by name, and repeated
 * settings of one non-repeated option are merged into a single aggregate.
 */
export function normalizeOptions(
  options: readonly OptionElement[],
  table: TypeTable,
  scope: readonly string[],
): OptionElement[] {
  const qualified = options.map((o) => {
    if (!o.parenthesized) return o
    const resolved = table.resolve(o.name, scope, 'extend')
    return resolved === undefined ? o : transform({ ...o, name: resolved })
  })
  const sorted = [...qualified].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const groups = new Map<string, OptionElement[]>()
  for (const o of sorted) groups.set(o.name, [...(groups.get(o.name) ?? []), o])
  const out: OptionElement[] = []
  for (const [name, list] of groups) {
    const info = table.extendFields.get(name)
    if (info && !info.repeated) out.push(list.reduce(merge))
    else out.push(...list)
  }
  return out
}

/** `(a).b.c = v` as the aggregate `(a) = { b: { c: v } }`. */
export function transform(option: OptionElement): OptionElement {
  return option.value.kind === 'OPTION' ? { ...option, value: toMap(option.value.value) } : option
}

function toMap(inner: OptionElement): OptionValue {
  const value = inner.value.kind === 'OPTION' ? toMap(inner.value.value) : inner.value
  return { kind: 'MAP', value: new Map([[inner.name, value]]) }
}

/** Confluent's `ProtobufSchema.merge`: map entries combine, clashing keys become a deduplicated list. */
function merge(existing: OptionElement, replacement: OptionElement): OptionElement {
  const next = transform(replacement)
  if (existing.value.kind !== 'MAP' || next.value.kind !== 'MAP') return next
  const merged = new Map(existing.value.value)
  for (const [key, v] of next.value.value) {
    const prior = merged.get(key)
    if (prior === undefined) {
      merged.set(key, v)
      continue
    }
    const items = [...(prior.kind === 'LIST' ? prior.value : [prior]), ...(v.kind === 'LIST' ? v.value : [v])]
    const seen = new Set<string>()
    const unique = items.filter((x) => {
      const k = valueKey(x)
      if (seen.has(k)) return false
      seen.add(k)
      return true
    })
    merged.set(key, { kind: 'LIST', value: unique })
  }
  return { ...next, value: { kind: 'MAP', value: merged } }
}

/** A structural key for an option value, for equality checks. */
export function valueKey(v: OptionValue): string {
  switch (v.kind) {
    case 'MAP':
      return `{${[...v.value].map(([k, x]) => `${k}:${valueKey(x)}`).join(',')}}`
    case 'LIST':
      return `[${v.value.map(valueKey).join(',')}]`
    case 'OPTION':
      return `(${v.value.name}=${valueKey(v.value.value)})`
    default:
      return `${v.kind}:${v.value}`
  }
}

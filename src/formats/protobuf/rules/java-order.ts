/**
 * The iteration order of `new HashSet<>(a.keySet()); addAll(b.keySet())` in Java, where `a` and
 * `b` are HashMaps filled in source order. Confluent's `SchemaDiff.compareTypeElements` walks
 * message and enum names that way, and the reported difference order follows it.
 */
export function javaUnionOrder<T extends string | number>(first: readonly T[], second: readonly T[]): T[] {
  const a = hashMapOrder(dedupe(first))
  const union = dedupe([...a, ...hashMapOrder(dedupe(second))])
  const initial = tableSizeFor(Math.max(Math.floor(a.length / 0.75) + 1, 16))
  return bucketOrder(union, Math.max(initial, capacityFor(union.length)))
}

/** Iteration order of a HashMap/HashSet filled with `keys` in order. */
export function hashMapOrder<T extends string | number>(keys: readonly T[]): T[] {
  return bucketOrder(keys, capacityFor(keys.length))
}

function bucketOrder<T extends string | number>(keys: readonly T[], capacity: number): T[] {
  return keys
    .map((k, i) => ({ k, i, b: spread(javaHash(k)) & (capacity - 1) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((x) => x.k)
}

function capacityFor(size: number): number {
  let cap = 16
  while (size > cap * 0.75) cap *= 2
  return cap
}

function tableSizeFor(n: number): number {
  let cap = 1
  while (cap < n) cap *= 2
  return cap
}

function dedupe<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)]
}

/** `String.hashCode` over UTF-16 units, or `Integer.hashCode`. */
function javaHash(k: string | number): number {
  if (typeof k === 'number') return k | 0
  let h = 0
  for (let i = 0; i < k.length; i++) h = (Math.imul(h, 31) + k.charCodeAt(i)) | 0
  return h
}

function spread(h: number): number {
  return h ^ (h >>> 16)
}

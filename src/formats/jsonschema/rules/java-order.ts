/**
 * Confluent walks property and dependency names through a Java `HashSet`, so its differences come
 * in hash-bucket order. Reproducing that order keeps our difference lists equal to theirs.
 */

function javaHash(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0
  return h
}

const spread = (h: number) => (h ^ (h >>> 16)) >>> 0

function tableSizeFor(n: number): number {
  let cap = 1
  while (cap < n) cap *= 2
  return cap
}

/** Order of `new HashSet<>(first)` after `addAll(second)`. */
export function hashSetOrder(first: readonly string[], second: readonly string[] = []): string[] {
  let cap = tableSizeFor(Math.max(Math.floor(first.length / 0.75) + 1, 16))
  const keys: string[] = []
  for (const key of [...first, ...second]) {
    if (keys.includes(key)) continue
    keys.push(key)
    if (keys.length > cap * 0.75) cap *= 2
  }
  return bucketOrder(keys, cap)
}

/** Order of the keys of a `HashMap` filled with `keys` in this order. */
export function hashMapOrder(keys: readonly string[]): string[] {
  let cap = 16
  const unique = [...new Set(keys)]
  while (unique.length > cap * 0.75) cap *= 2
  return bucketOrder(unique, cap)
}

function bucketOrder(keys: string[], cap: number): string[] {
  const bucket = (k: string) => spread(javaHash(k)) & (cap - 1)
  return keys
    .map((k, i) => ({ k, i, b: bucket(k) }))
    .sort((x, y) => x.b - y.b || x.i - y.i)
    .map((e) => e.k)
}

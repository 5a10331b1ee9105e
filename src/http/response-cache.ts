/**
 * Serialized answers of hot reads, keyed by request URL. Each answer is kept with the parts of
 * the stored state it was derived from (`Topic`s) and dropped only when one of those changes,
 * so reads stay cached while writes touch other subjects and ids. Clients fetch the same
 * schema by id on every cache miss of theirs, so serving the stored string skips the lookup
 * and JSON serialization.
 */
export class ResponseCache {
  readonly #entries = new Map<string, { readonly text: string; readonly stamp: number }>()

  constructor(
    /** The stamp of a set of topics: changes when any of them changes, never goes down. */
    readonly stamp: (topics: readonly string[]) => number,
    readonly maxEntries = 10_000,
  ) {}

  /**
   * The cached JSON text for `key`, derived only from `topics`, computing and storing it when
   * absent or when one of its topics changed since. Throws what `compute` throws.
   */
  json(key: string, topics: readonly string[], compute: () => unknown): string {
    // Stamped before computing: a change while computing leaves the entry stale-marked.
    const stamp = this.stamp(topics)
    const entry = this.#entries.get(key)
    if (entry !== undefined && entry.stamp === stamp) return entry.text
    const text = JSON.stringify(compute())
    if (entry === undefined && this.#entries.size >= this.maxEntries) this.#entries.clear()
    this.#entries.set(key, { text, stamp })
    return text
  }
}

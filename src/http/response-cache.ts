/**
 * Serialized answers of hot reads, keyed by request URL and dropped whenever the store changes.
 * Clients fetch the same schema by id on every cache miss of theirs, so serving the stored
 * string skips the lookup and JSON serialization.
 */
export class ResponseCache {
  readonly #entries = new Map<string, string>()
  #generation = -1

  constructor(
    readonly generation: () => number,
    readonly maxEntries = 10_000,
  ) {}

  /** The cached JSON text for `key`, computing and storing it on a miss. Throws what `compute` throws. */
  json(key: string, compute: () => unknown): string {
    const current = this.generation()
    if (current !== this.#generation) {
      this.#entries.clear()
      this.#generation = current
    }
    let text = this.#entries.get(key)
    if (text === undefined) {
      text = JSON.stringify(compute())
      if (this.#entries.size >= this.maxEntries) this.#entries.clear()
      this.#entries.set(key, text)
    }
    return text
  }
}

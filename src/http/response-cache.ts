/**
 * Serialized answers of hot reads, keyed by request URL (after the context and alias rewrites).
 * Each answer is kept with the parts of the stored state it was derived from (`Topic`s) and
 * counts as fresh only while none of those has changed, so reads stay cached while writes touch
 * other subjects and ids. Clients fetch the same schema by id on every cache miss of theirs, so
 * serving the stored string skips the lookup and JSON serialization. One cache serves the whole
 * app: the routes fill it, and {@link installHotReads} answers fresh entries before routing.
 */
export interface CachedAnswer {
  readonly text: string
  /** `text`'s length in UTF-8 bytes. */
  readonly bytes: number
  readonly stamp: number
  readonly topics: readonly string[]
  /** The route pattern that computed it (`/schemas/ids/:id`), for metrics. */
  readonly route: string
}

/** A routed request: its URL (the key) and route pattern. */
export interface Routed {
  readonly url: string
  readonly routeOptions: { readonly url?: string | undefined }
}

export class ResponseCache {
  readonly #entries = new Map<string, CachedAnswer>()

  constructor(
    /** The stamp of a set of topics: changes when any of them changes, never goes down. */
    readonly stamp: (topics: readonly string[]) => number,
    readonly maxEntries = 10_000,
  ) {}

  /**
   * The cached JSON text for a request (or a bare key), derived only from `topics`, computing and
   * storing it when absent or when one of its topics changed since. Throws what `compute` throws.
   */
  json(request: Routed | string, topics: readonly string[], compute: () => unknown): string {
    const key = typeof request === 'string' ? request : request.url
    // Stamped before computing: a change while computing leaves the entry stale-marked.
    const stamp = this.stamp(topics)
    const entry = this.#entries.get(key)
    if (entry !== undefined && entry.stamp === stamp) return entry.text
    const text = JSON.stringify(compute())
    if (entry === undefined && this.#entries.size >= this.maxEntries) this.#entries.clear()
    const route = typeof request === 'string' ? '' : (request.routeOptions.url ?? '')
    this.#entries.set(key, { text, bytes: Buffer.byteLength(text), stamp, topics, route })
    return text
  }

  /** The entry for `key` if none of its topics has changed since it was computed. */
  fresh(key: string): CachedAnswer | undefined {
    const entry = this.#entries.get(key)
    return entry !== undefined && entry.stamp === this.stamp(entry.topics) ? entry : undefined
  }
}

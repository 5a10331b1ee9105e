/**
 * Throttling of repeated authentication failures, per key (a principal name, a client address).
 * The first `freeFailures` failures cost nothing; each one after that blocks the key for twice as
 * long as the previous, from 1 s up to `maxBlockMs`. A key forgets its failures `forgetMs` after
 * the last one, or when its owner signs in.
 */
export class FailureThrottle {
  readonly #entries = new Map<string, { failures: number; last: number }>()

  constructor(
    private readonly freeFailures: number,
    private readonly options: {
      readonly maxBlockMs?: number
      readonly forgetMs?: number
      readonly maxKeys?: number
    } = {},
  ) {}

  /** Milliseconds the key must still wait, 0 when it may try now. */
  waitMs(key: string, now: number): number {
    const e = this.#entries.get(key)
    if (!e) return 0
    if (now - e.last > (this.options.forgetMs ?? 15 * 60_000)) {
      this.#entries.delete(key)
      return 0
    }
    if (e.failures < this.freeFailures) return 0
    const block = Math.min(1000 * 2 ** (e.failures - this.freeFailures), this.options.maxBlockMs ?? 60_000)
    return Math.max(0, e.last + block - now)
  }

  fail(key: string, now: number): void {
    const e = this.#entries.get(key)
    this.#entries.delete(key)
    this.#entries.set(key, { failures: (e?.failures ?? 0) + 1, last: now })
    // Oldest first: a flood of new keys evicts stale entries, never grows without bound.
    if (this.#entries.size > (this.options.maxKeys ?? 10_000)) this.#entries.delete(this.#entries.keys().next().value!)
  }

  succeed(key: string): void {
    this.#entries.delete(key)
  }
}

/** At most `limit` tasks at a time, the rest wait in arrival order. */
export class Semaphore {
  #running = 0
  readonly #waiting: (() => void)[] = []

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running >= this.limit) await new Promise<void>((resolve) => this.#waiting.push(resolve))
    else this.#running++
    try {
      return await task()
    } finally {
      const next = this.#waiting.shift()
      if (next) next()
      else this.#running--
    }
  }
}

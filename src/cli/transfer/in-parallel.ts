import { UsageError } from '../errors.js'

/**
 * Requests `import` and `export` keep in flight by default: enough for a registry's group commit
 * to write large batches (one sync each) and for the round trips to overlap, so neither side
 * waits on the other. `--concurrency` changes it.
 */
export const TRANSFER_CONCURRENCY = 128
/** The most `--concurrency` allows. */
export const MAX_TRANSFER_CONCURRENCY = 1024

export const CONCURRENCY_HELP = `      --concurrency N   requests kept in flight, 1 to ${MAX_TRANSFER_CONCURRENCY} (default ${TRANSFER_CONCURRENCY})`

/** The `--concurrency` flag's value, or the default. */
export function transferConcurrency(flag: string | undefined): number {
  if (flag === undefined) return TRANSFER_CONCURRENCY
  const n = Number(flag)
  if (!/^\d+$/.test(flag.trim()) || !Number.isSafeInteger(n) || n < 1 || n > MAX_TRANSFER_CONCURRENCY) {
    throw new UsageError(`--concurrency must be a whole number from 1 to ${MAX_TRANSFER_CONCURRENCY}, got '${flag}'`)
  }
  return n
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight, starting them in order; an item
 * first waits for the items `after` names (already started, as `items` is in dependency order).
 * Rejects with the first error once the calls in flight have settled.
 */
export async function inParallel<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  after: (item: T) => readonly T[] = () => [],
): Promise<void> {
  const started = new Map<T, Promise<void>>()
  let next = 0
  let failure: { error: unknown } | undefined
  const worker = async () => {
    while (next < items.length && !failure) {
      const item = items[next++]!
      const run = (async () => {
        await Promise.all(after(item).map((dep) => started.get(dep)))
        await fn(item)
      })()
      started.set(item, run)
      try {
        await run
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failure) throw failure.error
}

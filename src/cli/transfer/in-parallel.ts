/** Requests `import` and `export` keep in flight: enough for the registry to batch its writes. */
export const TRANSFER_CONCURRENCY = 32

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

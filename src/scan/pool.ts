// A bounded pool: at most `limit` items in flight, results in input order whatever finishes first.
// After `signal` aborts no item is started with `work`: the rest go through `afterStop` (the scan's
// static-only part), one at a time. A rejection stops new starts, waits for those in flight, then rethrows.

export interface PoolOptions<T, R> {
  signal?: AbortSignal
  /** What an item not started before the stop becomes; default: `work` as usual. */
  afterStop?: (item: T, index: number) => Promise<R>
}

export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
  options: PoolOptions<T, R> = {}
): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let failed: { error: unknown } | undefined
  const worker = async (): Promise<void> => {
    while (next < items.length && !failed) {
      const index = next++
      const run = options.signal?.aborted && options.afterStop ? options.afterStop : work
      try {
        results[index] = await run(items[index], index)
      } catch (error) {
        failed ??= { error }
      }
    }
  }
  const width = Math.max(1, Math.min(Math.floor(limit), items.length))
  await Promise.all(Array.from({ length: width }, worker))
  if (failed) throw failed.error
  return results
}

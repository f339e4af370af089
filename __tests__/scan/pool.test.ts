import { describe, expect, it } from '@jest/globals'
import { mapBounded } from '../../src/scan/pool'

/** A promise and the functions that settle it: the test decides when each item finishes. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

const tick = (): Promise<void> => new Promise(resolve => setImmediate(resolve))

describe('mapBounded', () => {
  it('returns results in input order whatever finishes first, never more than the limit in flight', async () => {
    const gates = Array.from({ length: 7 }, () => deferred<void>())
    let inFlight = 0
    let most = 0
    const started: number[] = []
    const run = mapBounded([0, 1, 2, 3, 4, 5, 6], 3, async (item, index) => {
      started.push(index)
      inFlight++
      most = Math.max(most, inFlight)
      await gates[index].promise
      inFlight--
      return `r${item}`
    })
    await tick()
    expect(started).toEqual([0, 1, 2])
    // Finish in reverse: later items overtake earlier ones.
    for (const i of [2, 1, 6, 5, 4, 3, 0]) {
      gates[i].resolve()
      await tick()
    }
    expect(await run).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'])
    expect(most).toBe(3)
  })

  it('runs one at a time with limit 1, and at least one for a limit below 1', async () => {
    for (const limit of [1, 0, -3]) {
      const order: string[] = []
      await mapBounded(['a', 'b', 'c'], limit, async item => {
        order.push(`start ${item}`)
        await tick()
        order.push(`end ${item}`)
      })
      expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c'])
    }
  })

  it('starts no item with work after the stop: the rest go through afterStop, in order', async () => {
    const stop = new AbortController()
    const gates = Array.from({ length: 5 }, () => deferred<void>())
    const worked: number[] = []
    const run = mapBounded(
      [0, 1, 2, 3, 4],
      2,
      async (_item, index) => {
        worked.push(index)
        await gates[index].promise
        return `work ${index}`
      },
      { signal: stop.signal, afterStop: async (_item, index) => `stopped ${index}` }
    )
    await tick()
    stop.abort('SIGINT')
    gates[0].resolve()
    gates[1].resolve()
    expect(await run).toEqual(['work 0', 'work 1', 'stopped 2', 'stopped 3', 'stopped 4'])
    expect(worked).toEqual([0, 1])
  })

  it('rethrows a failure after the items in flight settle, and starts nothing after it', async () => {
    const gate = deferred<void>()
    const worked: number[] = []
    let settled = false
    const run = mapBounded([0, 1, 2, 3], 2, async (_item, index) => {
      worked.push(index)
      if (index === 0) throw new Error('boom')
      await gate.promise
      settled = true
      return index
    })
    await tick()
    gate.resolve()
    await expect(run).rejects.toThrow('boom')
    expect(settled).toBe(true)
    expect(worked).toEqual([0, 1])
  })

  it('handles no items', async () => {
    expect(await mapBounded([], 4, async () => 1)).toEqual([])
  })
})

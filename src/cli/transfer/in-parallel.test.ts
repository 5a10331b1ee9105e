import { describe, expect, it } from 'vitest'
import { inParallel } from './in-parallel.js'

const tick = () => new Promise((r) => setImmediate(r))

describe('inParallel', () => {
  it('keeps at most `limit` calls in flight and runs an item only after the items it waits for', async () => {
    const items = Array.from({ length: 40 }, (_, i) => i)
    let inFlight = 0
    let peak = 0
    const finished: number[] = []
    await inParallel(
      items,
      5,
      async (i) => {
        inFlight++
        peak = Math.max(peak, inFlight)
        // Earlier items take longer, so without waiting later ones would finish first.
        for (let t = 0; t < 40 - i; t++) await tick()
        finished.push(i)
        inFlight--
      },
      (i) => (i % 10 === 9 ? [i - 1, i - 9] : []),
    )
    expect([...finished].sort((a, b) => a - b)).toEqual(items)
    expect(peak).toBe(5)
    for (const i of items.filter((x) => x % 10 === 9)) {
      expect(finished.indexOf(i)).toBeGreaterThan(finished.indexOf(i - 1))
    }
  })

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = []
    const run = inParallel([0, 1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i)
      await tick()
      if (i === 1) throw new Error('item 1 failed')
    })
    await expect(run).rejects.toThrow('item 1 failed')
    expect(started.length).toBeLessThan(6)
  })
})

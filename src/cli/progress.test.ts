import { describe, expect, it } from 'vitest'
import { progress, progressLine } from './progress.js'

/** A terminal-like stream that records what was written. */
function terminal(columns: number) {
  const writes: string[] = []
  const stream = { isTTY: true, columns, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream
  return { stream, writes }
}

describe('progress bar', () => {
  it('never cuts a subject name: the bar narrows instead', () => {
    const name = 'com.acme.orders.OrderPlaced-value'
    for (const columns of [40, 60, 61, 62, 80, 120]) {
      const line = progressLine('import', 3, 11, name, columns)
      expect(line.endsWith(` 3/11 ${name}`)).toBe(true)
      expect(line.length).toBeLessThanOrEqual(Math.max(columns - 1, `import 3/11 ${name}`.length))
    }
    // At exactly the width where the old bar cut the last character.
    const exact = progressLine(
      'export',
      1,
      2,
      'orders-value',
      'export [###############---------------] 1/2 orders-value'.length,
    )
    expect(exact.endsWith('orders-value')).toBe(true)
  })

  it('leaves the bar out when there is no room, and writes a name wider than the terminal whole', () => {
    expect(progressLine('import', 1, 2, 'a-rather-long-subject-name', 30)).toBe('import 1/2 a-rather-long-subject-name')
    const { stream, writes } = terminal(20)
    const bar = progress('import', 2, stream)
    bar.tick('a-subject-name-longer-than-twenty-columns')
    bar.done()
    expect(writes.join('')).toContain('import 1/2 a-subject-name-longer-than-twenty-columns\n')
  })

  it('draws nothing when the stream is not a terminal', () => {
    const writes: string[] = []
    const bar = progress('import', 2, {
      isTTY: false,
      write: (s: string) => writes.push(s) > 0,
    } as unknown as NodeJS.WriteStream)
    bar.tick('x')
    bar.done()
    expect(writes).toEqual([])
  })
})

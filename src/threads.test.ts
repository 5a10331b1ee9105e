import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEFAULT_OPTIONS } from './registry/core.js'
import { OffloadThreads } from './registry/offload.js'
import { SqliteStore } from './store/sqlite/sqlite-store.js'
import { BACKGROUND_NICENESS } from './threads.js'

const dir = mkdtempSync(join(tmpdir(), 'registrum-threads-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Each thread of this process and its nice value, from /proc. */
function niceByThread(): Map<number, number> {
  const out = new Map<number, number>()
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
      out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]))
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out
}

describe.runIf(process.platform === 'linux')('background threads', () => {
  it('run the parse and SQLite writer threads below the event loop’s priority, and leave the rest', async () => {
    const before = niceByThread()
    const main = before.get(process.pid)!
    const lowered = Math.min(19, main + BACKGROUND_NICENESS)
    const threads = new OffloadThreads(1, DEFAULT_OPTIONS)
    const store = new SqliteStore(join(dir, 'nice.db'))
    try {
      // A job answered and a write made durable: both threads are up and past their start.
      expect(
        await threads.canonical([{ type: 'AVRO', text: '"int"', refs: [], mode: 'new', normalize: false }]),
      ).toEqual(['"int"'])
      await store.transaction((tx) => tx.putMode(':.:', 'READWRITE'))
      const after = niceByThread()
      const started = [...after].filter(([tid]) => !before.has(tid))
      expect(started.filter(([, nice]) => nice === lowered)).toHaveLength(2)
      expect(after.get(process.pid)).toBe(main)
      for (const [tid, nice] of before) if (after.has(tid)) expect(after.get(tid)).toBe(nice)
    } finally {
      await threads.close()
      await store.close()
    }
  })
})

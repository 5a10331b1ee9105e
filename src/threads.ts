import { readlinkSync } from 'node:fs'
import { createRequire } from 'node:module'
import { getPriority, setPriority } from 'node:os'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

/**
 * Starts the worker thread whose compiled file is `url` (resolved by the caller against its own
 * `import.meta.url`). Run from TypeScript source (the test runner), the thread registers the same
 * TypeScript loader before importing the source file.
 */
export function startThread(url: URL, workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(url, { workerData })
  const source = url.href.replace(/\.js$/, '.ts')
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs')
  const code = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(source)}) })`
  return new Worker(code, { eval: true, workerData })
}

/** How far a background thread's nice value is raised above the process's (Linux). */
export const BACKGROUND_NICENESS = 10

/**
 * Lowers the CPU priority of the calling thread (a parse or writer thread) below the event
 * loop's: where the machine has fewer cores than busy threads, a request the event loop could
 * answer at once does not wait behind parsing, checks or a write's bookkeeping for a CPU. Linux
 * schedules threads one by one and lets any thread raise its own nice value; elsewhere, or where
 * it is refused, the thread keeps the process's priority. Returns the thread's nice value, or
 * undefined when it was left as it was.
 */
export function lowerThreadPriority(by = BACKGROUND_NICENESS): number | undefined {
  try {
    // "<pid>/task/<tid>": the calling thread's own id, which setpriority(2) takes on Linux.
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop())
    if (!Number.isInteger(tid) || tid <= 0) return undefined
    const nice = Math.min(19, getPriority(tid) + by)
    setPriority(tid, nice)
    return getPriority(tid)
  } catch {
    return undefined
  }
}

import { performance } from 'node:perf_hooks'

/**
 * How long the event loop runs queued {@link afterIo} tasks before it polls for I/O again. A read
 * that arrives while registrations and checks are queued waits for about one slice (and the task
 * that overruns it), not for every task ahead of it. A longer slice costs reads latency; a shorter
 * one costs the writes themselves, which wait longer between their steps.
 */
export const SLICE_MS = 0.1

/**
 * How long after the last read {@link afterIo} keeps yielding to I/O. With no reads to let
 * through, yielding only delays the writes, so tasks then run at once, as if it were not there.
 */
export const READS_RECENT_MS = 1000

let lastRead = Number.NEGATIVE_INFINITY
let queued = 0
let sliceStart = 0
const endSlice = () => {
  sliceStart = 0
}

function run(task: () => void): void {
  const now = performance.now()
  if (sliceStart === 0) {
    sliceStart = now
    // Runs after every task queued before this turn's check phase began: the slice ends there.
    setImmediate(endSlice)
  } else if (now - sliceStart > SLICE_MS) {
    setImmediate(run, task)
    return
  }
  queued--
  task()
}

/** Says a read arrived: for the next {@link READS_RECENT_MS}, {@link afterIo} lets I/O go first. */
export function noteRead(): void {
  lastRead = performance.now()
}

/**
 * Runs `task`, work that can wait behind a read (an incoming write or check, a parse thread's
 * answer, a committed batch's replies), once the event loop has polled for the I/O that has
 * arrived, in order with the other tasks queued here, at most {@link SLICE_MS} of them per turn.
 * Each task is its own immediate, so the promise reactions it starts run, and are timed, before
 * the next task. Runs `task` at once when no read arrived lately and none is queued.
 */
export function afterIo(task: () => void): void {
  if (queued === 0 && performance.now() - lastRead > READS_RECENT_MS) {
    task()
    return
  }
  queued++
  setImmediate(run, task)
}

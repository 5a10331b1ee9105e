/**
 * In-process throughput for the serde benches: ops per CPU-second of each variant, variants
 * interleaved per round, best of a few rounds. `SERDE_BENCH_MS` sets the time per round and
 * variant (default 300 ms; 3 rounds).
 */
export const ROUND_MS = Number(process.env.SERDE_BENCH_MS ?? 300)
export const ROUNDS = 3

export type Op = () => unknown

/** CPU time of this process in microseconds: unlike the wall clock, it does not run while other processes have the cores. */
function cpuMicros(): number {
  const u = process.cpuUsage()
  return u.user + u.system
}

/**
 * Ops per CPU-second of `op` over `ms` of CPU time (sync ops run in chunks so the clock is read
 * rarely). Every variant runs in this process without I/O, so CPU time is its cost, and the
 * ratios hold on a busy machine.
 */
export async function measure(op: Op, ms: number, isAsync: boolean): Promise<number> {
  const chunk = 256
  let n = 0
  const start = cpuMicros()
  const end = start + ms * 1000
  let now = start
  while (now < end) {
    if (isAsync) for (let i = 0; i < chunk; i++) await op()
    else for (let i = 0; i < chunk; i++) op()
    n += chunk
    now = cpuMicros()
  }
  return (n * 1e6) / (now - start)
}

export interface Variant {
  readonly name: string
  readonly op: Op
  readonly async: boolean
}

/** Best of ROUNDS, variants interleaved per round so that machine noise hits all of them. */
export async function compare(variants: Variant[]): Promise<Map<string, number>> {
  for (const v of variants) await measure(v.op, Math.min(100, ROUND_MS), v.async)
  const best = new Map<string, number>()
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of variants) best.set(v.name, Math.max(best.get(v.name) ?? 0, await measure(v.op, ROUND_MS, v.async)))
  }
  return best
}

/**
 * Durable registrations and reads under write load, on the built registry with a SQLite file:
 * registrations/s from 16 concurrent clients against a bare better-sqlite3 synchronous=FULL loop
 * on the same disk, and the p99 of hot reads idle against the p99 while registrations and
 * compatibility checks run at full speed, beside a bare route's p99 under the same load, and what
 * the registering clients achieve meanwhile (writes yield to reads, src/io-first.ts). Each
 * load generator runs in its own process; reads are timed by bench/prober.ts, steady and
 * sub-millisecond, since a generator that fires in bursts measures its own queueing, and only
 * once the load generators have started and warmed up. Then the event loop's own CPU time per
 * registration and per compatibility check, with the parse threads against without them
 * (`--parse-threads 0`): a figure the other processes on a shared machine do not move much.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cpuMs, load, median, probe, runScript, spread, startChild, startLoad, startRegistry } from './children.js'
import type { LoadSpec } from './loader.js'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
/** The read rate held while measuring latency: well under capacity, so p99 shows waiting. */
const READ_RATE = Number(process.env.BENCH_READ_RATE ?? 1000)

export interface WriteBenchResult {
  readonly registrationsPerSec: number
  readonly bareSqlitePerSec: number
  readonly readP99IdleMs: number
  readonly readP99LoadedMs: number
  /** Registrations/s of the 16 registering clients over the run in which reads were timed under load. */
  readonly registrationsPerSecUnderReads: number
  /** A bare route's read p99 in another process while the same load runs against the registry. */
  readonly bareReadP99LoadedMs: number
}

/**
 * Reads are timed under load only once the load generators have started and sent requests for
 * this long: their own start (TypeScript, the HTTP client, JIT warm-up) is the bench's work, not
 * the load, and takes the same cores as the server.
 */
const WARM_UP_MS = 1000
/** Seconds the load runs beyond the reads' window: the warm-up, the prober's own start, slack. */
const LOAD_MARGIN = 4

const headers = { 'content-type': 'application/vnd.schemaregistry.v1+json' }
const field = (i: number) => ({ name: `f${i}`, type: ['null', 'string'], default: null })
const record = (fields: number) =>
  JSON.stringify({ type: 'record', name: 'Check', fields: Array.from({ length: fields }, (_, i) => field(i)) })

/** A subject with history for the compatibility load: 30 versions under FULL_TRANSITIVE. */
async function seedChecked(url: string): Promise<void> {
  await fetch(`${url}/config/checked`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ compatibility: 'FULL_TRANSITIVE' }),
  })
  for (let v = 1; v <= 30; v++) {
    const res = await fetch(`${url}/subjects/checked/versions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ schema: record(v) }),
    })
    if (!res.ok) throw new Error(`seeding checked: ${res.status} ${await res.text()}`)
  }
}

/**
 * Event-loop CPU µs per request of 16 registering clients, and of 2 clients checking a candidate
 * against all 30 versions, on a registry started with `extra` flags; undefined off Linux.
 */
async function eventLoopCost(extra: string[]): Promise<{ register: number; check: number } | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'registrum-bench-loop-'))
  const registry = await startRegistry(join(dir, 'loop.db'), extra)
  try {
    const url = registry.url
    await seedChecked(url)
    const pid = registry.child.pid!
    const perRequest = async (spec: Parameters<typeof load>[0]) => {
      const before = cpuMs(pid, { mainThread: true })
      const { total } = await load(spec)
      const after = cpuMs(pid, { mainThread: true })
      return before === undefined || after === undefined ? undefined : ((after - before) * 1000) / total
    }
    const register = await perRequest({
      url,
      kind: 'register',
      path: '/subjects/loop',
      connections: 16,
      seconds: SECONDS,
    })
    const check = await perRequest({
      url,
      kind: 'post',
      path: '/compatibility/subjects/checked/versions',
      body: JSON.stringify({ schema: record(31) }),
      connections: 2,
      seconds: SECONDS,
    })
    return register === undefined || check === undefined ? undefined : { register, check }
  } finally {
    registry.child.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function runWriteBench(): Promise<WriteBenchResult> {
  const result = await writesAndReads()
  await printEventLoopCost()
  return result
}

async function writesAndReads(): Promise<WriteBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'registrum-bench-writes-'))
  const registry = await startRegistry(join(dir, 'writes.db'))
  try {
    const url = registry.url
    // A subject with history for the compatibility load, and one schema for the hot reads.
    await seedChecked(url)
    const { id } = (await (
      await fetch(`${url}/subjects/hot/versions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ schema: record(3) }),
      })
    ).json()) as { id: number }
    const probeSpec = { url, path: `/schemas/ids/${id}`, connections: 4, seconds: SECONDS, rate: READ_RATE }
    const writes = { url, kind: 'register' as const, path: '/subjects/load', connections: 16, seconds: SECONDS }
    const checks = {
      url,
      kind: 'post' as const,
      path: '/compatibility/subjects/checked/versions/latest',
      body: JSON.stringify({ schema: record(31) }),
      connections: 2,
      seconds: SECONDS,
    }

    // The same steady reads of a bare fastify route in its own process, while the same load runs
    // against the registry: what reads wait for on this machine when a process has nothing else
    // to do (CPU taken by the loaders and the registry's threads).
    const bareServer = await startChild('node', ['--import', 'tsx', 'bench/bare-server.ts', '{"id":1}'])
    const ours: number[] = []
    const bare: number[] = []
    const idle: number[] = []
    const loaded: number[] = []
    const writesUnderReads: number[] = []
    const bareLoaded: number[] = []
    try {
      for (let round = 0; round < ROUNDS; round++) {
        bare.push((JSON.parse(await runScript('bench/bare-sqlite.ts', [String(SECONDS)])) as { rate: number }).rate)
        ours.push((await load(writes)).rps)
        idle.push((await probe(probeSpec)).p99)
        const underLoad = await probeUnderLoad(probeSpec, [writes, checks])
        loaded.push(underLoad.reads.p99)
        writesUnderReads.push(underLoad.loads[0]!.rps)
        bareLoaded.push(
          (await probeUnderLoad({ ...probeSpec, url: bareServer.url, path: '/bare' }, [writes, checks])).reads.p99,
        )
      }
    } finally {
      bareServer.child.kill()
    }
    const result: WriteBenchResult = {
      registrationsPerSec: median(ours),
      bareSqlitePerSec: median(bare),
      readP99IdleMs: median(idle),
      readP99LoadedMs: median(loaded),
      registrationsPerSecUnderReads: median(writesUnderReads),
      bareReadP99LoadedMs: median(bareLoaded),
    }
    console.log(
      `\nwrites and reads under load: median (min–max) of ${ROUNDS} interleaved ${SECONDS}s rounds, SQLite file, synchronous=FULL`,
    )
    console.table([
      {
        figure: 'durable registrations/s, 16 clients',
        median: Math.round(result.registrationsPerSec),
        spread: spread(ours),
        ceiling: `${Math.round(result.bareSqlitePerSec)} (${spread(bare)}) bare better-sqlite3 loop, one synced tx per row`,
        ratio: (result.registrationsPerSec / result.bareSqlitePerSec).toFixed(2),
      },
      {
        figure: `GET /schemas/ids p99 ms at ${READ_RATE}/s, under 16 registering + 2 checking clients`,
        median: result.readP99LoadedMs,
        spread: spread(loaded, 2),
        ceiling: `${result.readP99IdleMs} (${spread(idle, 2)}) idle p99 ms, goal ≤ 2× idle; a bare route in its own process under the same load: ${result.bareReadP99LoadedMs} (${spread(bareLoaded, 2)})`,
        ratio: `${(result.readP99LoadedMs / result.readP99IdleMs).toFixed(2)} (bare ${(result.bareReadP99LoadedMs / result.readP99IdleMs).toFixed(2)})`,
      },
      {
        // Writes yield to reads (src/io-first.ts): what the same 16 clients register meanwhile.
        figure: 'durable registrations/s of the 16 clients over the run those reads are timed in',
        median: Math.round(result.registrationsPerSecUnderReads),
        spread: spread(writesUnderReads),
        ceiling: `${Math.round(result.registrationsPerSec)} with no reads and no checks (first row)`,
        ratio: (result.registrationsPerSecUnderReads / result.registrationsPerSec).toFixed(2),
      },
    ])
    return result
  } finally {
    registry.child.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Times reads with {@link probe} while `loads` run: the probe starts once every load generator has
 * been firing for {@link WARM_UP_MS}, and must end before any of them does.
 */
async function probeUnderLoad(spec: Parameters<typeof probe>[0], loads: readonly LoadSpec[]) {
  const running = loads.map((l) => startLoad({ ...l, seconds: l.seconds + LOAD_MARGIN }))
  await Promise.all(running.map((r) => r.firing))
  await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS))
  let loadEnded = false
  const results = Promise.all(running.map((r) => r.done.finally(() => (loadEnded = true))))
  // A load that fails is reported by `await results` below, not as an unhandled rejection.
  results.catch(() => {})
  const reads = await probe(spec)
  if (loadEnded) throw new Error('the load ended before the reads timed under it: raise LOAD_MARGIN')
  return { reads, loads: await results }
}

async function printEventLoopCost(): Promise<void> {
  const ours = await eventLoopCost([])
  const inline = await eventLoopCost(['--parse-threads', '0'])
  if (!ours || !inline) return
  console.log(`\nevent-loop CPU per request (main thread, from /proc), one ${SECONDS}s run each`)
  console.table([
    {
      figure: 'µs per registration, 16 clients',
      ours: Math.round(ours.register),
      ceiling: `${Math.round(inline.register)} with --parse-threads 0`,
      ratio: (ours.register / inline.register).toFixed(2),
    },
    {
      figure: 'µs per compatibility check against 30 versions, 2 clients',
      ours: Math.round(ours.check),
      ceiling: `${Math.round(inline.check)} with --parse-threads 0`,
      ratio: (ours.check / inline.check).toFixed(2),
    },
  ])
}

if (import.meta.url === `file://${process.argv[1]}`) await runWriteBench()

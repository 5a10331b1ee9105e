import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cpuMs, load as loadIn, median, spread, startChild, startRegistry } from './children.js'

const DURATION = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)

/**
 * Full-speed GET load from 16 connections, generated in its own process, with the CPU µs the
 * server process `pid` spent per request (undefined off Linux).
 */
const load = async (url: string, pid: number) => {
  const { origin, pathname } = new URL(url)
  const before = cpuMs(pid)
  const result = await loadIn({ url: origin, kind: 'get', path: pathname, connections: 16, seconds: DURATION })
  const after = cpuMs(pid)
  const cpuUs = before === undefined || after === undefined ? undefined : ((after - before) * 1000) / result.total
  return { ...result, cpuUs }
}

export interface HotPathResult {
  readonly route: string
  readonly rps: number
  readonly p99: number
  readonly bareRps: number
  readonly bareP99: number
  readonly ratio: number
  /** `min–max` of the per-round ratios. */
  readonly ratioSpread: string
  /** Server CPU µs per request, ours and bare (medians); undefined off Linux. */
  readonly cpuUs?: number
  readonly bareCpuUs?: number
}

/**
 * Loads GET /schemas/ids/{id} and GET /subjects/{s}/versions/latest on the real server (built
 * CLI, SQLite file) and, in the same run, a bare fastify route answering a body of the same size.
 */
export async function runRegistryBench(): Promise<HotPathResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'registrum-bench-'))
  const registry = await startRegistry(join(dir, 'bench.db'))
  try {
    const schema = JSON.stringify({
      type: 'record',
      name: 'StockTick',
      namespace: 'com.acme',
      fields: [
        { name: 'event_time', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'ticker', type: 'string' },
        { name: 'price', type: 'double' },
      ],
    })
    const reg = await fetch(`${registry.url}/subjects/stock_avro_topic-value/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema }),
    }).then((r) => r.json() as Promise<{ id: number }>)
    const routes = [`/schemas/ids/${reg.id}`, '/subjects/stock_avro_topic-value/versions/latest']
    const results: HotPathResult[] = []
    for (const route of routes) {
      const body = await fetch(registry.url + route).then((r) => r.text())
      const bare = await startChild('node', ['--import', 'tsx', 'bench/bare-server.ts', body])
      try {
        // Interleaved rounds, median of each: on a small shared machine single runs swing widely.
        const ourPid = registry.child.pid!
        const barePid = bare.child.pid!
        await load(registry.url + route, ourPid)
        await load(`${bare.url}/bare`, barePid)
        const ours: number[] = []
        const bares: number[] = []
        const p99s: number[] = []
        const bareP99s: number[] = []
        const cpus: number[] = []
        const bareCpus: number[] = []
        for (let round = 0; round < ROUNDS; round++) {
          const a = await load(registry.url + route, ourPid)
          const b = await load(`${bare.url}/bare`, barePid)
          ours.push(a.rps)
          p99s.push(a.p99)
          bares.push(b.rps)
          bareP99s.push(b.p99)
          if (a.cpuUs !== undefined && b.cpuUs !== undefined) {
            cpus.push(a.cpuUs)
            bareCpus.push(b.cpuUs)
          }
        }
        results.push({
          route,
          rps: median(ours),
          p99: median(p99s),
          bareRps: median(bares),
          bareP99: median(bareP99s),
          ratio: median(ours) / median(bares),
          ratioSpread: spread(
            ours.map((o, i) => o / bares[i]!),
            2,
          ),
          ...(cpus.length > 0 ? { cpuUs: median(cpus), bareCpuUs: median(bareCpus) } : {}),
        })
      } finally {
        bare.child.kill()
      }
    }
    console.log(
      `\nregistry hot paths: median of ${ROUNDS} interleaved ${DURATION}s rounds, 16 connections, loader in its own process, against a bare fastify route with the same body (goal ratio ≥ 0.85); server CPU per request beside it, which other load on the machine moves less`,
    )
    console.table(
      results.map((r) => ({
        route: r.route,
        'req/s': Math.round(r.rps),
        'p99 ms': r.p99,
        'bare req/s': Math.round(r.bareRps),
        'bare p99 ms': r.bareP99,
        ratio: r.ratio.toFixed(2),
        'ratio per round': r.ratioSpread,
        ...(r.cpuUs !== undefined && r.bareCpuUs !== undefined
          ? {
              'CPU µs/req': r.cpuUs.toFixed(1),
              'bare CPU µs/req': r.bareCpuUs.toFixed(1),
              'CPU ratio (bare/ours)': (r.bareCpuUs / r.cpuUs).toFixed(2),
            }
          : {}),
      })),
    )
    return results
  } finally {
    registry.child.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runRegistryBench()

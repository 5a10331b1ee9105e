import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { load as loadIn, median, spread, startChild, startRegistry } from './children.js'

const DURATION = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)

/** Full-speed GET load from 16 connections, generated in its own process. */
const load = (url: string) => {
  const { origin, pathname } = new URL(url)
  return loadIn({ url: origin, kind: 'get', path: pathname, connections: 16, seconds: DURATION })
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
        await load(registry.url + route)
        await load(`${bare.url}/bare`)
        const ours: number[] = []
        const bares: number[] = []
        const p99s: number[] = []
        const bareP99s: number[] = []
        for (let round = 0; round < ROUNDS; round++) {
          const a = await load(registry.url + route)
          const b = await load(`${bare.url}/bare`)
          ours.push(a.rps)
          p99s.push(a.p99)
          bares.push(b.rps)
          bareP99s.push(b.p99)
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
        })
      } finally {
        bare.child.kill()
      }
    }
    console.log(
      `\nregistry hot paths: median of ${ROUNDS} interleaved ${DURATION}s rounds, 16 connections, loader in its own process, against a bare fastify route with the same body (goal ratio ≥ 0.85)`,
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
      })),
    )
    return results
  } finally {
    registry.child.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runRegistryBench()

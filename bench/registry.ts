import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const DURATION = Number(process.env.BENCH_SECONDS ?? 3)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

type Load = { rps: number; p99: number }
const best = (runs: Load[]): Load => runs.reduce((a, b) => (b.rps > a.rps ? b : a))

/** Starts a child that prints `... http://host:port...` when ready; resolves with that URL. */
function startChild(command: string, args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const m = /(http:\/\/[\d.]+:\d+)/.exec(out)
      if (m) resolve({ url: m[1]!, child })
    })
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)))
  })
}

async function load(url: string): Promise<Load> {
  const result = await autocannon({ url, connections: 16, duration: DURATION, pipelining: 1 })
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return { rps: result.requests.average, p99: result.latency.p99 }
}

export interface HotPathResult {
  readonly route: string
  readonly rps: number
  readonly p99: number
  readonly bareRps: number
  readonly bareP99: number
  readonly ratio: number
}

/**
 * Loads GET /schemas/ids/{id} and GET /subjects/{s}/versions/latest on the real server (built
 * CLI, SQLite file) and, in the same run, a bare fastify route answering a body of the same size.
 */
export async function runRegistryBench(): Promise<HotPathResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'registrum-bench-'))
  const registry = await startChild('node', ['bin/registrum.js', 'serve', '--port', '0', '--db', join(dir, 'bench.db')])
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
        // Interleaved rounds, best of each: on a small shared machine single runs swing widely.
        await load(registry.url + route)
        await load(`${bare.url}/bare`)
        const ours: Load[] = []
        const bares: Load[] = []
        for (let round = 0; round < ROUNDS; round++) {
          ours.push(await load(registry.url + route))
          bares.push(await load(`${bare.url}/bare`))
        }
        const measured = best(ours)
        const baseline = best(bares)
        results.push({
          route,
          rps: measured.rps,
          p99: measured.p99,
          bareRps: baseline.rps,
          bareP99: baseline.p99,
          ratio: measured.rps / baseline.rps,
        })
      } finally {
        bare.child.kill()
      }
    }
    console.log(
      `\nregistry hot paths: best of ${ROUNDS} interleaved ${DURATION}s rounds, 16 connections, against a bare fastify route with the same body`,
    )
    console.table(
      results.map((r) => ({
        route: r.route,
        'req/s': Math.round(r.rps),
        'p99 ms': r.p99,
        'bare req/s': Math.round(r.bareRps),
        'bare p99 ms': r.bareP99,
        ratio: r.ratio.toFixed(2),
      })),
    )
    return results
  } finally {
    registry.child.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runRegistryBench()

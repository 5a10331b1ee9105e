// A latency prober in its own process: GETs `path` at a steady `rate` per second over
// `connections` kept-alive connections, never more than one request in flight on a connection,
// and times each answer with a sub-millisecond clock. A load generator that fires requests in
// bursts (autocannon's `overallRate` does) measures its own queueing at the high percentiles;
// this one measures the server's. Prints {"count", "p50", "p99", "max"} in milliseconds as one
// JSON line. Usage: prober.ts '{"url", "path", "rate", "seconds", "connections"}'
import http from 'node:http'

interface ProbeSpec {
  readonly url: string
  readonly path: string
  readonly rate: number
  readonly seconds: number
  readonly connections: number
}

const spec = JSON.parse(process.argv[2]!) as ProbeSpec
const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections })
const target = new URL(spec.path, spec.url)
const get = () =>
  new Promise<number>((resolve, reject) => {
    const started = performance.now()
    const req = http.get(target, { agent }, (res) => {
      res.resume()
      res.on('end', () =>
        res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`${res.statusCode}`)),
      )
    })
    req.on('error', reject)
  })

const latencies: number[] = []
const interval = (1000 * spec.connections) / spec.rate
const end = performance.now() + spec.seconds * 1000
// Each connection sends on its own schedule, offset from the others; a late answer delays only
// its own connection's next request (no catching up in a burst).
await Promise.all(
  Array.from({ length: spec.connections }, async (_, c) => {
    let next = performance.now() + (interval * c) / spec.connections
    while (next < end) {
      const wait = next - performance.now()
      if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      latencies.push(await get())
      next = Math.max(next + interval, performance.now())
    }
  }),
)
agent.destroy()
latencies.sort((a, b) => a - b)
const at = (q: number) =>
  Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2))
process.stdout.write(`${JSON.stringify({ count: latencies.length, p50: at(0.5), p99: at(0.99), max: at(1) })}\n`)

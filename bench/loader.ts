// A load generator in its own process, so the process being measured and the one measuring do
// not share a CPU queue with the bench's own bookkeeping. Started by the benches with a JSON
// spec; prints one JSON line of results.
import autocannon from 'autocannon'

export interface LoadSpec {
  readonly url: string
  /**
   * `get` one path; `register` distinct schemas under distinct subjects; `post` one fixed body;
   * `ids` reads `path`/1 .. `path`/`count` once each.
   */
  readonly kind: 'get' | 'register' | 'post' | 'ids'
  readonly count?: number
  readonly path: string
  readonly body?: string
  readonly connections: number
  readonly seconds: number
  /** Requests per second over all connections; unset means as fast as answers come. */
  readonly rate?: number
}

export interface LoadResult {
  readonly rps: number
  readonly total: number
  readonly p50: number
  readonly p99: number
}

const spec = JSON.parse(process.argv[2]!) as LoadSpec
const headers = { 'content-type': 'application/vnd.schemaregistry.v1+json' }
let n = 0
const tag = `${process.pid}_${Date.now()}`
const request =
  spec.kind === 'get'
    ? { method: 'GET', path: spec.path }
    : spec.kind === 'post'
      ? { method: 'POST', path: spec.path, body: spec.body ?? '{}', headers }
      : {
          method: 'POST',
          headers,
          setupRequest: (req: object) => {
            const i = n++
            const fields = Array.from({ length: 10 }, (_, f) => ({
              name: `field_${f}`,
              type: f % 2 ? 'string' : 'long',
            }))
            const schema = JSON.stringify({
              type: 'record',
              name: `Load_${tag}_${i}`,
              namespace: 'com.acme.bench',
              fields,
            })
            return { ...req, path: `${spec.path}-${tag}-${i}/versions`, body: JSON.stringify({ schema }) }
          },
        }
let nextId = 1
const ids = { method: 'GET', setupRequest: (req: object) => ({ ...req, path: `${spec.path}/${nextId++}` }) }
const running = autocannon({
  url: spec.url,
  connections: spec.connections,
  ...(spec.kind === 'ids' ? { amount: spec.count ?? 1 } : { duration: spec.seconds }),
  pipelining: 1,
  ...(spec.rate ? { overallRate: spec.rate } : {}),
  requests: [spec.kind === 'ids' ? ids : request],
})
// The first line says the requests have started (bench/children.ts `startLoad`); the last one
// carries the results.
process.stdout.write(`${JSON.stringify({ firing: true })}\n`)
const result = await running
if (result.non2xx > 0 || result.errors > 0) {
  process.stderr.write(`${spec.kind} ${spec.path}: ${result.non2xx} non-2xx, ${result.errors} errors\n`)
  process.exit(1)
}
const out: LoadResult = {
  rps: result.requests.average,
  total: result.requests.total,
  p50: result.latency.p50,
  p99: result.latency.p99,
}
process.stdout.write(`${JSON.stringify(out)}\n`)

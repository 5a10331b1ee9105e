// The ceiling for `registrum import`/`export` through the Confluent API: the commands' own
// client (RegistryCalls, requests kept in flight by inParallel, as many sockets) sending the
// same requests to a bare fastify route (bench/bare-server.ts) that answers at once. `post`
// sends the import's registration body for each schema of an export file; `get` reads `count`
// times. Prints requests/s as one JSON line. Usage: bare-transfer.ts '{"url","kind","file"|"count","concurrency"}'
import { readDump } from '../src/cli/dump.js'
import { RegistryCalls } from '../src/cli/registry-calls.js'
import { registration } from '../src/cli/transfer/import.js'
import { inParallel } from '../src/cli/transfer/in-parallel.js'

const spec = JSON.parse(process.argv[2]!) as {
  url: string
  kind: 'post' | 'get'
  file?: string
  count?: number
  concurrency: number
}
const rest = new RegistryCalls({ url: spec.url }, { maxSockets: spec.concurrency })
const schemas = spec.kind === 'post' ? readDump(spec.file!).schemas : []
const t0 = performance.now()
let n = 0
if (spec.kind === 'post') {
  await inParallel(schemas, spec.concurrency, async (s) => {
    await rest.post(`/bare/subjects/${encodeURIComponent(s.subject)}/versions`, registration(s))
    n++
  })
} else {
  const items = Array.from({ length: spec.count ?? 0 }, (_, i) => i)
  await inParallel(items, spec.concurrency, async (i) => {
    await rest.get(`/bare/subjects/s-${i}/versions`)
    n++
  })
}
const seconds = (performance.now() - t0) / 1000
rest.close()
process.stdout.write(`${JSON.stringify({ rate: n / seconds })}\n`)

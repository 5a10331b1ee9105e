// Temporary probe: server CPU µs per request, ours vs bare, in this process; loader in another.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { startServer } from '../dist/src/main.js'
import { load } from './children.js'

const dir = mkdtempSync(join(tmpdir(), 'probe-'))
const server = await startServer({ host: '127.0.0.1', port: 0, logLevel: process.env.LL ?? 'warn', db: join(dir, 'db.sqlite') } as never)
const url = server.url
const schema = JSON.stringify({ type: 'record', name: 'StockTick', namespace: 'com.acme', fields: [{ name: 'ticker', type: 'string' }, { name: 'price', type: 'double' }] })
await fetch(`${url}/subjects/s/versions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ schema }) })
const routes = ['/schemas/ids/1', '/subjects/s/versions/latest']
const bodies = await Promise.all(routes.map(async (r) => (await fetch(url + r)).text()))
const bare = Fastify()
bare.get('/bare/:n', async (req, reply) => {
  reply.type('application/vnd.schemaregistry.v1+json').send(bodies[Number((req.params as { n: string }).n)])
})
await bare.listen({ host: '127.0.0.1', port: 0 })
const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`
const measure = async (u: string, path: string) => {
  const c0 = process.cpuUsage()
  const r = await load({ url: u, kind: 'get', path, connections: 16, seconds: 2 })
  const c = process.cpuUsage(c0)
  return (c.user + c.system) / r.total
}
for (let round = 0; round < Number(process.env.ROUNDS ?? 3); round++) {
  for (const [i, r] of routes.entries()) {
    const ours = await measure(url, r)
    const b = await measure(bareUrl, `/bare/${i}`)
    console.log(`${r}: ours ${ours.toFixed(1)} µs/req, bare ${b.toFixed(1)} µs/req, ratio ${(b / ours).toFixed(2)}`)
  }
}
await bare.close()
await server.close()

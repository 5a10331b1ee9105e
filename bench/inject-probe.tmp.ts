import Fastify from 'fastify'
import { buildApp } from '../dist/src/http/app.js'
import { createRegistry } from '../dist/src/registry/registry.js'
import { MemoryStore } from '../dist/src/store/memory/memory-store.js'

const registry = createRegistry({ store: new MemoryStore() })
const app = await buildApp({ registry, logger: process.env.LOG ? { level: 'warn' } : false })
await registry.register('s', { schema: JSON.stringify({ type: 'record', name: 'A', fields: [{ name: 'a', type: 'string' }] }) }, {})
const body = (await app.inject({ url: '/schemas/ids/1' })).body
const bare = Fastify()
bare.get('/bare', async (_req, reply) => {
  reply.type('application/vnd.schemaregistry.v1+json').send(body)
})
await bare.ready()
const N = 20000
const time = async (a: typeof bare, url: string) => {
  const t = process.cpuUsage()
  for (let i = 0; i < N; i++) await a.inject({ url })
  const c = process.cpuUsage(t)
  return (c.user + c.system) / N
}
for (let r = 0; r < 4; r++) {
  const o = await time(app as never, '/schemas/ids/1')
  const l = await time(app as never, '/subjects/s/versions/latest')
  const b = await time(bare, '/bare')
  console.log(`ids ${o.toFixed(1)}µs latest ${l.toFixed(1)}µs bare ${b.toFixed(1)}µs  extra ${(o - b).toFixed(1)} / ${(l - b).toFixed(1)}`)
}

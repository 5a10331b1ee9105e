// A bare fastify route answering a fixed body: the baseline the registry's hot reads are
// measured against. Started as a child process by bench/registry.ts.
import Fastify from 'fastify'

const body = process.argv[2] ?? '{}'
const app = Fastify()
app.get('/bare', async (_req, reply) => {
  reply.type('application/vnd.schemaregistry.v1+json').send(body)
})
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`)

// A bare fastify route answering a fixed body: the baseline the registry's hot reads (GET) and
// the import's registrations (POST, body parsed) are measured against. Started as a child
// process by bench/registry.ts and bench/bulk.ts.
import Fastify from 'fastify'

const body = process.argv[2] ?? '{}'
const app = Fastify({ bodyLimit: 16 * 1024 * 1024 })
app.addContentTypeParser('*', { parseAs: 'string' }, (_req, text, done) => {
  try {
    done(null, JSON.parse(text as string))
  } catch (e) {
    done(e as Error, undefined)
  }
})
const answer = async (_req: unknown, reply: { type(t: string): { send(b: string): void } }) => {
  reply.type('application/vnd.schemaregistry.v1+json').send(body)
}
app.get('/bare', answer)
app.get('/bare/*', answer)
app.post('/bare/*', answer)
await app.listen({ host: '127.0.0.1', port: 0 })
const address = app.server.address()
process.stdout.write(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}\n`)

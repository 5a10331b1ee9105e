import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { FastifyPluginAsync } from 'fastify'
import { packageRoot } from '../../paths.js'
import type { Registry } from '../../registry/registry.js'
import { page, type Query, str } from '../input.js'

const VERSION: string = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version

/** `/`, `/contexts`, `/v1/metadata/*` and the OpenAPI document. */
export const rootRoutes: FastifyPluginAsync<{ registry: Registry; clusterId: string }> = async (
  app,
  { registry, clusterId },
) => {
  app.get('/', async () => ({}))
  app.post('/', async () => ({}))

  app.get<{ Querystring: Query }>('/contexts', async (req) => {
    const prefix = str(req.query, 'contextPrefix') ?? ''
    return page(
      registry.contexts().filter((c) => c.startsWith(prefix)),
      req.query,
    )
  })
  app.delete<{ Params: { context: string } }>('/contexts/:context', async (req, reply) => {
    const raw = req.params.context.replace(/^:|:$/g, '')
    await registry.deleteContext(raw.startsWith('.') ? raw : `.${raw}`)
    reply.code(204).send()
  })

  app.get('/v1/metadata/id', async () => ({
    scope: { path: [], clusters: { 'kafka-cluster': clusterId, 'schema-registry-cluster': 'schema-registry' } },
  }))
  app.get('/v1/metadata/version', async () => ({ version: VERSION, commitId: 'unknown' }))
  app.get('/v1/metadata/deployment', async () => ({ attributes: ['opensource'] }))

  const openapi = readFileSync(join(packageRoot(), 'openapi.yaml'), 'utf8')
  app.get('/openapi.yaml', async (_req, reply) => {
    reply.type('application/yaml').send(openapi)
  })
}

import type { FastifyPluginAsync } from 'fastify'
import { configScope } from '../../registry/config.js'
import type { Registry } from '../../registry/registry.js'
import { bool, objectBody, type Query } from '../input.js'

type Scoped = { Params: { subject?: string }; Querystring: Query }

/** `/mode` and `/mode/{s}`. */
export const modeRoutes: FastifyPluginAsync<{ registry: Registry }> = async (app, { registry }) => {
  for (const path of ['/mode', '/mode/:subject']) {
    app.get<Scoped>(path, async (req) => ({
      mode: registry.getMode(configScope(req.params.subject), { defaultToGlobal: bool(req.query, 'defaultToGlobal') }),
    }))
    app.put<Scoped>(path, async (req) => {
      const body = objectBody(req.body)
      await registry.putMode(configScope(req.params.subject), body.mode, bool(req.query, 'force'))
      // Confluent echoes the request body, the caller's casing included.
      return body
    })
    app.delete<Scoped>(path, async (req) => {
      const previous = await registry.deleteMode(configScope(req.params.subject), bool(req.query, 'recursive'))
      return previous === undefined ? {} : { mode: previous }
    })
  }
}

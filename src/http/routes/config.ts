import type { FastifyPluginAsync } from 'fastify'
import { configScope } from '../../registry/config.js'
import type { Registry } from '../../registry/registry.js'
import { configDto, configUpdateDto } from '../dto.js'
import { bool, objectBody, type Query } from '../input.js'

type Scoped = { Params: { subject?: string }; Querystring: Query }

/** `/config` and `/config/{s}`. */
export const configRoutes: FastifyPluginAsync<{ registry: Registry }> = async (app, { registry }) => {
  for (const path of ['/config', '/config/:subject']) {
    app.get<Scoped>(path, async (req) =>
      configDto(
        registry.getConfig(configScope(req.params.subject), { defaultToGlobal: bool(req.query, 'defaultToGlobal') }),
      ),
    )
    app.put<Scoped>(path, async (req) =>
      configUpdateDto(await registry.putConfig(configScope(req.params.subject), objectBody(req.body))),
    )
    app.delete<Scoped>(path, async (req) => configDto(await registry.deleteConfig(configScope(req.params.subject))))
  }
}

import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Registry } from '../registry/registry.js'
import { installContentTypes } from './content-type.js'
import { installErrorHandling } from './errors.js'
import { rewriteContextUrl } from './rewrite.js'
import { compatibilityRoutes } from './routes/compatibility.js'
import { configRoutes } from './routes/config.js'
import { modeRoutes } from './routes/mode.js'
import { rootRoutes } from './routes/root.js'
import { schemasRoutes } from './routes/schemas.js'
import { subjectsRoutes } from './routes/subjects.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, for the test that holds openapi.yaml to the server. */
    registrumRoutes: readonly { method: string; url: string }[]
  }
}

export interface AppDeps {
  readonly registry: Registry
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit?: number
  readonly logger?: FastifyServerOptions['logger']
  /** Reported by `/v1/metadata/id`. */
  readonly clusterId?: string
}

/**
 * The HTTP service: Confluent's REST API over a registry. It never listens; `main.ts` does.
 *
 * @example
 * const app = await buildApp({ registry: createRegistry({ store: new MemoryStore() }) })
 * const res = await app.inject({ method: 'GET', url: '/subjects' })
 */
export async function buildApp({ registry, bodyLimit = 16 * 1024 * 1024, logger = false, clusterId = 'registrum' }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    bodyLimit,
    // Subjects may contain anything, `/` included once percent-encoded.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 64 * 1024 },
    rewriteUrl: (req) => rewriteContextUrl(req.url ?? '/'),
  })
  const routes: { method: string; url: string }[] = []
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url })
  })
  app.decorate('registrumRoutes', routes)
  installContentTypes(app)
  installErrorHandling(app, registry.options.incompatibleErrorCode)
  const opts = { registry }
  await app.register(rootRoutes, { registry, clusterId })
  await app.register(schemasRoutes, opts)
  await app.register(subjectsRoutes, opts)
  await app.register(compatibilityRoutes, opts)
  await app.register(configRoutes, opts)
  await app.register(modeRoutes, opts)
  return app
}

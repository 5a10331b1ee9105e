import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { type Registry, Topic } from '../registry/registry.js'
import type { AuthSettings } from './auth/auth-file.js'
import { installAuth } from './auth/install-auth.js'
import { installContentTypes } from './content-type.js'
import { installErrorHandling } from './errors.js'
import {
  clientErrorHandler,
  frameworkErrors,
  guardedRewrite,
  guardRequestListeners,
  installRewriteErrors,
} from './guards.js'
import { installRequestLogging, requestId } from './observability/audit.js'
import { installHealth, type Readiness } from './observability/health.js'
import { installBodyTimeout, installInFlight } from './observability/limits.js'
import { installMetrics } from './observability/metrics.js'
import { RequestStats } from './observability/request-stats.js'
import { installHotReads } from './hot-reads.js'
import { installReadsFirst } from './reads-first.js'
import { ResponseCache } from './response-cache.js'
import { RequestHooks } from './request-hooks.js'
import { aliasRewriter, recordAlias, rewriteContextUrl } from './rewrite.js'
import { compatibilityRoutes } from './routes/compatibility.js'
import { configRoutes } from './routes/config.js'
import { bulkRoutes } from './routes/bulk.js'
import { dekRegistryRoutes } from './routes/dek-registry.js'
import { modeRoutes } from './routes/mode.js'
import { rootRoutes } from './routes/root.js'
import { schemasRoutes } from './routes/schemas.js'
import { subjectsRoutes } from './routes/subjects.js'
import { UI_BASE, uiRoutes } from './ui/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Every API route registered (the UI's pages aside), for the test that holds openapi.yaml to the server. */
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
  /** Users, keys and access rules; authentication is off when absent. */
  readonly auth?: AuthSettings
  /** What `/health/ready` asks; ready when absent. */
  readonly store?: Readiness
  /** TLS: PEM key and certificate, and a CA to require client certificates signed by it. */
  readonly https?: { readonly key: string | Buffer; readonly cert: string | Buffer; readonly ca?: string | Buffer }
  /** Most requests in flight before 503; 0 for no limit. */
  readonly maxConcurrency?: number
  /** Milliseconds a request may take to arrive in full (fastify `requestTimeout`); 0 for none. */
  readonly requestTimeout?: number
  /** Milliseconds of socket inactivity before it is closed (fastify `connectionTimeout`); 0 for none. */
  readonly connectionTimeout?: number
  /** Write an audit line per write request (needs a logger). */
  readonly audit?: boolean
  /** Serve the web UI at `/ui` (default true). */
  readonly ui?: boolean
}

/**
 * Log lines an operator can read: an ISO-8601 `time` and the level's name instead of pino's
 * epoch milliseconds and level number. A ready-made logger instance is left as it is.
 */
function readableLogs(logger: AppDeps['logger']): AppDeps['logger'] {
  if (logger === false || logger === undefined || logger === null) return logger
  const options = logger === true ? {} : logger
  if (typeof options !== 'object' || 'info' in options) return logger
  return {
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
    formatters: { level: (label: string) => ({ level: label }) },
    ...options,
  }
}

/**
 * The HTTP service: Confluent's REST API over a registry. It never listens; `main.ts` does.
 *
 * @example
 * const app = await buildApp({ registry: createRegistry({ store: new MemoryStore() }) })
 * const res = await app.inject({ method: 'GET', url: '/subjects' })
 */
export async function buildApp({
  registry,
  bodyLimit = 16 * 1024 * 1024,
  logger = false,
  clusterId = 'registrum',
  auth,
  store,
  https,
  maxConcurrency = 0,
  requestTimeout = 0,
  connectionTimeout = 0,
  audit = true,
  ui = true,
}: AppDeps): Promise<FastifyInstance> {
  const settings = [Topic.settings]
  const rewriteAlias = aliasRewriter(registry.aliasTarget, () => registry.stamp(settings))
  // The one URL rewrite, contexts then aliases: for routing, and for the hot reads before it.
  const rewrite = (url: string, onAlias: (alias: string) => void) => rewriteAlias(rewriteContextUrl(url), onAlias)
  const app = Fastify({
    logger: readableLogs(logger),
    bodyLimit,
    requestTimeout,
    connectionTimeout,
    requestIdHeader: false,
    genReqId: requestId,
    ...(https ? { https: { ...https, ...(https.ca ? { requestCert: true, rejectUnauthorized: true } : {}) } } : {}),
    // Subjects may contain anything, `/` included once percent-encoded.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 64 * 1024 },
    rewriteUrl: guardedRewrite((req) => rewrite(req.url ?? '/', (alias) => recordAlias(req, alias))),
    frameworkErrors,
    clientErrorHandler,
  })
  // One answers cache for the app: the read routes fill it; without authentication, fresh answers
  // are given before routing (hot-reads.ts).
  const answers = new ResponseCache(registry.stamp)
  const stats = new RequestStats()
  let draining = () => false
  if (!auth) {
    installHotReads(app.server, {
      answers,
      rewrite,
      stats,
      open: () => !draining(),
    })
  }
  guardRequestListeners(app.server, (err) => app.log.error({ err }, 'request handling threw'))
  installReadsFirst(app.server)
  // One fastify hook of each kind runs the app's own per-request steps; the rewrite check first.
  const hooks = new RequestHooks(app)
  installRewriteErrors(hooks)
  const routes: { method: string; url: string }[] = []
  app.addHook('onRoute', (r) => {
    if (r.url === UI_BASE || r.url.startsWith(`${UI_BASE}/`)) return
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url })
  })
  app.decorate('registrumRoutes', routes)
  const inFlight = installInFlight(app, hooks, maxConcurrency)
  installBodyTimeout(app, requestTimeout)
  installContentTypes(app, hooks)
  installErrorHandling(app, registry.options.incompatibleErrorCode)
  installRequestLogging(app, hooks, { audit })
  const authStats = auth ? installAuth(app, auth, registry) : undefined
  installMetrics(app, hooks, registry, inFlight, authStats, stats)
  draining = installHealth(app, hooks, store)
  const opts = { registry }
  const reads = { registry, answers }
  await app.register(rootRoutes, { registry, clusterId })
  await app.register(schemasRoutes, reads)
  await app.register(subjectsRoutes, reads)
  await app.register(compatibilityRoutes, opts)
  await app.register(configRoutes, opts)
  await app.register(modeRoutes, opts)
  await app.register(dekRegistryRoutes, opts)
  await app.register(bulkRoutes, opts)
  if (ui) await app.register(uiRoutes, { registry, ...(auth ? { auth } : {}) })
  return app
}

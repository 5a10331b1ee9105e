import type { FastifyInstance, FastifyRequest } from 'fastify'
import { negotiate, V1_JSON } from '../content-type.js'

/** The error_code of a request refused because too many are in flight. */
export const OVERLOADED_ERROR_CODE = 503

/**
 * Refuses requests beyond `max` in flight with 503 `{"error_code":503}` and `Retry-After: 1`.
 * 503 rather than 429: the server as a whole is busy, not this client over a quota. Health
 * probes are never refused. Install it first, so refused requests cost no authentication.
 */
export function installConcurrencyLimit(app: FastifyInstance, max: number): void {
  if (max <= 0) return
  let inFlight = 0
  const counted = new WeakSet<FastifyRequest>()
  const release = async (request: FastifyRequest) => {
    if (counted.delete(request)) inFlight--
  }
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url?.startsWith('/health/')) return
    if (inFlight >= max) {
      reply
        .code(503)
        .header('retry-after', '1')
        .type(negotiate(request.headers.accept) ?? V1_JSON)
        .send({ error_code: OVERLOADED_ERROR_CODE, message: 'Too many requests in flight; retry later' })
      return reply
    }
    inFlight++
    counted.add(request)
  })
  app.addHook('onResponse', release)
  app.addHook('onRequestAbort', release)
}

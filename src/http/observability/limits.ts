import type { FastifyInstance, FastifyRequest } from 'fastify'
import { negotiate, V1_JSON } from '../content-type.js'

/** The error_code of a request refused because too many are in flight. */
export const OVERLOADED_ERROR_CODE = 503

declare module 'fastify' {
  interface FastifyRequest {
    /** Counted among the requests in flight (and so to be released once). */
    inFlight: boolean
  }
}

/**
 * Counts requests in flight (for the metrics gauge) and, with `max` > 0, refuses those beyond it
 * with 503 `{"error_code":503}` and `Retry-After: 1`. 503 rather than 429: the server as a whole
 * is busy, not this client over a quota. Health probes are never refused. Install it first, so
 * refused requests cost no authentication. Returns the current count.
 */
export function installInFlight(app: FastifyInstance, max: number): () => number {
  let inFlight = 0
  app.decorateRequest('inFlight', false)
  // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
  const release = (request: FastifyRequest) => {
    if (!request.inFlight) return
    request.inFlight = false
    inFlight--
  }
  app.addHook('onRequest', (request, reply, done) => {
    if (max > 0 && inFlight >= max && !request.routeOptions.url?.startsWith('/health/')) {
      reply
        .code(503)
        .header('retry-after', '1')
        .type(negotiate(request.headers.accept) ?? V1_JSON)
        .send({ error_code: OVERLOADED_ERROR_CODE, message: 'Too many requests in flight; retry later' })
      return
    }
    inFlight++
    request.inFlight = true
    done()
  })
  app.addHook('onResponse', (request, _reply, done) => {
    release(request)
    done()
  })
  app.addHook('onRequestAbort', (request, done) => {
    release(request)
    done()
  })
  return () => inFlight
}

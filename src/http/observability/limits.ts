import { PassThrough } from 'node:stream'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { negotiate } from '../content-type.js'
import { ANSWERED, type RequestHooks } from '../request-hooks.js'
import { SCHEMA_REGISTRY_V1_JSON } from '../../formats/model.js'

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
export function installInFlight(app: FastifyInstance, hooks: RequestHooks, max: number): () => number {
  let inFlight = 0
  app.decorateRequest('inFlight', false)
  // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
  const release = (request: FastifyRequest) => {
    if (!request.inFlight) return
    request.inFlight = false
    inFlight--
  }
  hooks.onRequest((request, reply) => {
    if (max > 0 && inFlight >= max && !request.routeOptions.url?.startsWith('/health/')) {
      reply
        .code(503)
        .header('retry-after', '1')
        .type(negotiate(request.headers.accept) ?? SCHEMA_REGISTRY_V1_JSON)
        .send({ error_code: OVERLOADED_ERROR_CODE, message: 'Too many requests in flight; retry later' })
      return ANSWERED
    }
    inFlight++
    request.inFlight = true
    return undefined
  })
  hooks.onResponse(release)
  app.addHook('onRequestAbort', (request, done) => {
    release(request)
    done()
  })
  return () => inFlight
}

/** The error_code (and status) of a request whose body did not arrive in time. */
export const BODY_TIMEOUT_ERROR_CODE = 408

/**
 * Gives a request body `ms` milliseconds to arrive in full once the request is admitted; a body
 * that stalls gets 408 `{"error_code":408}` and the connection is closed, which frees its
 * `--max-concurrency` slot. Node's own `requestTimeout` is only checked every 30 s and not
 * reliably once the request has been handed to the app, so the app enforces it.
 */
export function installBodyTimeout(app: FastifyInstance, ms: number): void {
  if (ms <= 0) return
  app.addHook('preParsing', (request, reply, payload, done) => {
    const headers = request.headers
    const hasBody = headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0
    // A body that has arrived in full (as small ones do, with their headers) cannot stall.
    if (!hasBody || payload.readableEnded || (payload as { complete?: boolean }).complete === true) {
      done(null, payload)
      return
    }
    const timed = new PassThrough()
    // The body parser reports the error; this only keeps a late one from going unhandled.
    timed.on('error', () => {})
    const timer = setTimeout(() => {
      reply.header('connection', 'close')
      const error = Object.assign(new Error(`The request body did not arrive within ${ms} ms`), {
        statusCode: BODY_TIMEOUT_ERROR_CODE,
      })
      payload.unpipe(timed)
      timed.destroy(error)
    }, ms)
    const clear = () => clearTimeout(timer)
    timed.once('end', clear)
    timed.once('close', clear)
    reply.raw.once('close', clear)
    payload.pipe(timed)
    done(null, timed)
  })
}

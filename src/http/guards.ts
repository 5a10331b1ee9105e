import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify'
import { negotiate } from './content-type.js'
import type { RequestHooks } from './request-hooks.js'
import { SCHEMA_REGISTRY_V1_JSON } from '../formats/model.js'

/**
 * What can go wrong before a route runs, answered in Confluent's `{error_code, message}` envelope
 * and never allowed to end the process: malformed URLs, refused HTTP framing, headers too large.
 */

/** Errors raised while rewriting a URL, kept until the request's first hook can answer them. */
const rewriteErrors = new WeakMap<IncomingMessage, Error>()

/**
 * fastify's `rewriteUrl` around `rewrite` (the `/contexts/...` and alias rewrites), which may
 * refuse a malformed escape. fastify calls it outside any error handling, so the error is parked
 * and answered by `installRewriteErrors` instead of being thrown.
 */
export function guardedRewrite(rewrite: (req: IncomingMessage) => string): (req: IncomingMessage) => string {
  return (req) => {
    try {
      return rewrite(req)
    } catch (e) {
      rewriteErrors.set(req, e instanceof Error ? e : new Error(String(e)))
      return req.url ?? '/'
    }
  }
}

/** Answers a URL that `guardedRewrite` refused with its error (400); install before other hooks. */
export function installRewriteErrors(hooks: RequestHooks): void {
  hooks.onRequest((request) => rewriteErrors.get(request.raw))
}

/**
 * fastify's `frameworkErrors`: errors found while routing (a path segment that does not
 * percent-decode, a parameter over `maxParamLength`), answered in the envelope. They arrive before
 * the app's error handler is in reach.
 */
export const frameworkErrors: NonNullable<FastifyServerOptions['frameworkErrors']> = (error, request, reply) => {
  const status =
    typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
  if (status === 500) request.log.error({ err: error }, 'routing error')
  const answer = reply as FastifyReply
  answer
    .code(status)
    .type(negotiate(request.headers.accept) ?? SCHEMA_REGISTRY_V1_JSON)
    .send({ error_code: status, message: status === 500 ? 'Internal Server Error' : error.message })
}

const CLIENT_ERRORS: Record<string, readonly [status: number, message: string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request header fields are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request did not arrive in time'],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, 'Chunk extensions are too large'],
}

/**
 * fastify's `clientErrorHandler`: requests node's HTTP parser refuses (bad framing, headers too
 * large, a request that never arrives) get a status and the error envelope, then the socket closes.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  const [status, message] = CLIENT_ERRORS[error.code ?? ''] ?? [
    400,
    `Malformed HTTP request (${error.code ?? 'parse error'})`,
  ]
  const body = JSON.stringify({ error_code: status, message })
  this.log.debug({ err: error }, 'client error')
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: ${SCHEMA_REGISTRY_V1_JSON}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
  }
  socket.destroy()
}

/** A `request` listener of a Node HTTP server. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void

/**
 * Replaces the server's one request listener (fastify's, or a wrapper of it) with `wrap` of it;
 * throws when there is not exactly one.
 */
export function wrapRequestListener(server: Server, wrap: (listener: RequestListener) => RequestListener): void {
  const listeners = server.listeners('request') as RequestListener[]
  if (listeners.length !== 1) throw new Error(`expected one request listener, found ${listeners.length}`)
  server.removeAllListeners('request')
  server.on('request', wrap(listeners[0]!.bind(server)))
}

/**
 * Guards the server's request listeners: something thrown synchronously while a request is
 * dispatched (before fastify's own error handling takes over) answers 500 on that request and is
 * logged, instead of escaping to the process as an uncaught exception.
 */
export function guardRequestListeners(server: Server, onError: (error: unknown) => void): void {
  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[]
  if (listeners.length === 0) return
  server.removeAllListeners('request')
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    try {
      for (const listener of listeners) listener.call(server, req, res)
    } catch (error) {
      onError(error)
      answerUnexpected(res)
    }
  })
}

/** A 500 in the envelope on a response that has not started; otherwise the socket is closed. */
export function answerUnexpected(res: ServerResponse): void {
  if (res.headersSent || res.writableEnded) {
    res.destroy()
    return
  }
  const body = JSON.stringify({ error_code: 500, message: 'Internal Server Error' })
  res.writeHead(500, {
    'content-type': SCHEMA_REGISTRY_V1_JSON,
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  })
  res.end(body)
}

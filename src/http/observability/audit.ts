import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { qualify } from '../../registry/subjects.js'

/** POSTs that only read: lookup, compatibility checks and the root probe. */
const READ_POSTS = new Set(['/', '/subjects/:subject', '/compatibility/subjects/:subject/versions', '/compatibility/subjects/:subject/versions/:version'])

const REQUEST_ID = /^[\w.:-]{1,128}$/

/** A client's `X-Request-Id` when it is a sane token, else a fresh UUID. */
export function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const sent = req.headers['x-request-id']
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID()
}

function isWrite(request: FastifyRequest): boolean {
  if (request.method === 'PUT' || request.method === 'DELETE') return true
  return request.method === 'POST' && !READ_POSTS.has(request.routeOptions.url ?? '')
}

/**
 * Echoes the request id as `X-Request-Id` and writes one audit line per write (method, url,
 * subject, status, principal) at `info` even when the log level is higher: the audit trail does
 * not depend on how chatty the rest of the log is. fastify itself logs each request at `info`.
 */
export function installRequestLogging(app: FastifyInstance, { audit = true }: { audit?: boolean } = {}): void {
  if (!app.hasRequestDecorator('principal')) app.decorateRequest('principal', undefined)
  const auditLog = app.log.child({ audit: true }, { level: audit ? 'info' : 'silent' })
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    done()
  })
  app.addHook('onResponse', (request, reply, done) => {
    done()
    if (!isWrite(request)) return
    const raw = (request.params as { subject?: string } | undefined)?.subject
    auditLog.info(
      {
        reqId: request.id,
        method: request.method,
        url: request.url,
        ...(raw !== undefined ? { subject: qualify(raw).qualified } : {}),
        status: reply.statusCode,
        principal: request.principal?.name ?? 'anonymous',
      },
      'audit',
    )
  })
}

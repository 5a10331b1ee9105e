import { randomUUID } from 'node:crypto'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { qualify } from '../../registry/subjects.js'
import type { RequestHooks } from '../request-hooks.js'

/** POSTs that only read: lookup, compatibility checks and the root probe. */
const READ_POSTS = new Set([
  '/',
  '/subjects/:subject',
  '/compatibility/subjects/:subject/versions',
  '/compatibility/subjects/:subject/versions/:version',
])

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

/** What a write's answer said, kept from `onSend` for its log line. */
interface Outcome {
  readonly errorCode?: number
  readonly reason?: string
  readonly version?: number
  readonly id?: number
}

const REGISTER_ROUTE = '/subjects/:subject/versions'

function outcomeOf(request: FastifyRequest, status: number, payload: unknown): Outcome | undefined {
  const registered = status === 200 && request.method === 'POST' && request.routeOptions.url === REGISTER_ROUTE
  if (status < 400 && !registered) return undefined
  if (typeof payload !== 'string') return undefined
  try {
    const body = JSON.parse(payload) as Record<string, unknown>
    if (status >= 400) {
      return {
        ...(typeof body.error_code === 'number' ? { errorCode: body.error_code } : {}),
        ...(typeof body.message === 'string' ? { reason: body.message } : {}),
      }
    }
    return {
      ...(typeof body.version === 'number' ? { version: body.version } : {}),
      ...(typeof body.id === 'number' ? { id: body.id } : {}),
    }
  } catch {
    return undefined
  }
}

/**
 * Echoes the request id as `X-Request-Id` and writes one line per write (method, url, subject,
 * status, principal): `schema registered` with the version and id, `write refused` with the
 * error code and reason, else `audit`. The lines are at `info`; with the audit trail on they
 * are written even when the log level is higher, so it does not depend on how chatty the rest
 * of the log is. fastify itself logs each request at `info`.
 */
export function installRequestLogging(
  app: FastifyInstance,
  hooks: RequestHooks,
  { audit = true }: { audit?: boolean } = {},
): void {
  if (!app.hasRequestDecorator('principal')) app.decorateRequest('principal', undefined)
  const writeLog = audit ? app.log.child({ audit: true }, { level: 'info' }) : app.log
  const outcomes = new WeakMap<FastifyRequest, Outcome>()
  hooks.onRequest((request, reply) => {
    reply.header('x-request-id', request.id)
    return undefined
  })
  hooks.onSend((request, reply, payload) => {
    if (isWrite(request)) {
      const outcome = outcomeOf(request, reply.statusCode, payload)
      if (outcome) outcomes.set(request, outcome)
    }
    return payload
  })
  hooks.onResponse((request, reply) => {
    if (!isWrite(request)) return
    const raw = (request.params as { subject?: string } | undefined)?.subject
    const outcome = outcomes.get(request)
    const status = reply.statusCode
    writeLog.info(
      {
        reqId: request.id,
        method: request.method,
        url: request.url,
        ...(raw !== undefined ? { subject: qualify(raw).qualified } : {}),
        status,
        principal: request.principal?.name ?? 'anonymous',
        ...(outcome?.errorCode !== undefined ? { error_code: outcome.errorCode } : {}),
        ...(outcome?.reason !== undefined ? { reason: outcome.reason } : {}),
        ...(outcome?.version !== undefined ? { version: outcome.version } : {}),
        ...(outcome?.id !== undefined ? { id: outcome.id } : {}),
      },
      status >= 400 ? 'write refused' : outcome ? 'schema registered' : 'audit',
    )
  })
}

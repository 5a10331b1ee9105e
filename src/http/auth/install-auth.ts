import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { CanRead, Registry } from '../../registry/registry.js'
import { qualify } from '../../registry/subjects.js'
import { configScope } from '../../registry/config.js'
import { GLOBAL_SCOPE, SCHEMA_REGISTRY_V1_JSON } from '../../formats/model.js'
import { negotiate } from '../content-type.js'
import { page, type Query } from '../input.js'
import { aliasesOf } from '../rewrite.js'
import type { AuthSettings } from './auth-file.js'
import { createAuthenticator, type Authenticator } from './authenticate.js'
import { AccessControl, type Access, type Principal } from './permissions.js'
import { routeAccess, type RouteAccess } from './route-access.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; undefined when authentication is off or the route is public. */
    principal: Principal | undefined
    /**
     * The caller's read check on subjects reached indirectly (references); undefined when
     * authentication is off or the caller reads everything.
     */
    canRead: CanRead | undefined
  }
}

/** Confluent's RBAC answers a denied operation with 403 and this code. */
export const DENIED_ERROR_CODE = 40301

/** The status and error_code of a sign-in refused after repeated failures. */
export const THROTTLED_ERROR_CODE = 429

const OPERATION: Record<Access, string> = { read: 'Read', write: 'Write', admin: 'Alter' }

interface ListPaging {
  readonly access: RouteAccess
  readonly query: Query
}

/**
 * Authentication and per-subject authorization, decided in `onRequest` from the route table,
 * before the body is parsed and before anything is looked up: a denied request gets the same
 * 403 whether or not its subject exists.
 */
export function installAuth(app: FastifyInstance, settings: AuthSettings, registry: Registry): Authenticator['stats'] {
  const authenticate = createAuthenticator(settings)
  const acl = new AccessControl(settings.rules)
  const paging = new WeakMap<FastifyRequest, ListPaging>()
  const challenge = [
    `Basic realm="${settings.realm}", charset="UTF-8"`,
    ...(settings.apiKeys.size > 0 || settings.jwt ? [`Bearer realm="${settings.realm}"`] : []),
  ]

  const send = (request: FastifyRequest, reply: FastifyReply, status: number, errorCode: number, message: string) => {
    reply
      .code(status)
      .type(negotiate(request.headers.accept) ?? SCHEMA_REGISTRY_V1_JSON)
      .send({ error_code: errorCode, message })
    return reply
  }

  const canReadSchema = (name: string, id: number, context: string | undefined): boolean => {
    try {
      const uses = registry.usesOfId(id, { ...(context ? { subject: context } : {}), deleted: true })
      return uses.some((u) => acl.allows(name, 'read', u.subject))
    } catch {
      return false
    }
  }

  /** undefined when allowed, else the denied operation's description. */
  const deny = (request: FastifyRequest, name: string, access: RouteAccess): string | undefined => {
    const need = access.need
    const params = (request.params ?? {}) as Record<string, string | undefined>
    const query = (request.query ?? {}) as Query
    switch (need.kind) {
      case 'public':
      case 'authenticated':
      case 'bodySubject':
        return undefined
      case 'global':
        return acl.allowsGlobally(name, need.access) ? undefined : `${OPERATION[need.access]} on Cluster`
      case 'subject':
      case 'scope': {
        const raw = params.subject
        const isScope =
          need.kind === 'scope' && (raw === undefined || configScope(raw) === GLOBAL_SCOPE || /^:\.[^:]*:$/.test(raw))
        if (isScope) {
          if (need.access === 'read') return undefined
          return acl.allowsGlobally(name, need.access) ? undefined : `${OPERATION[need.access]} on Cluster`
        }
        // Through an alias, both the alias named and the subject it stands for must be allowed;
        // the alias is checked first so that a denial never reveals its target.
        for (const alias of aliasesOf(request.raw)) {
          const a = qualify(alias).qualified
          if (!acl.allows(name, need.access, a)) return `${OPERATION[need.access]} on Subject: ${a}`
        }
        const subject = qualify(raw ?? '').qualified
        return acl.allows(name, need.access, subject) ? undefined : `${OPERATION[need.access]} on Subject: ${subject}`
      }
      case 'schemaId': {
        if (acl.allowsGlobally(name, 'read')) return undefined
        const raw = params.id ?? ''
        const id = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN
        const subject = typeof query.subject === 'string' ? query.subject : undefined
        const context = subject === undefined ? undefined : `:${qualify(subject).context}:`
        return Number.isSafeInteger(id) && canReadSchema(name, id, context) ? undefined : `Read on Schema: ${raw}`
      }
      case 'guid': {
        if (acl.allowsGlobally(name, 'read')) return undefined
        const guid = params.guid ?? ''
        const ids = registry.idsOfGuid(guid)
        return ids.some(({ context, id }) => canReadSchema(name, id, `:${context}:`))
          ? undefined
          : `Read on Schema: ${guid}`
      }
    }
  }

  if (!app.hasRequestDecorator('principal')) app.decorateRequest('principal', undefined)
  if (!app.hasRequestDecorator('canRead')) app.decorateRequest('canRead', undefined)

  app.addHook('onRequest', async (request, reply) => {
    const access = routeAccess(request.method, request.routeOptions.url)
    if (access.need.kind === 'public') return
    const result = await authenticate(request.headers.authorization, request.ip)
    if (typeof result === 'object' && 'throttledMs' in result) {
      reply.header('retry-after', String(Math.ceil(result.throttledMs / 1000)))
      return send(request, reply, 429, THROTTLED_ERROR_CODE, 'Too many failed sign-in attempts; retry later')
    }
    if (result === 'missing' || result === 'invalid') {
      reply.header('www-authenticate', challenge)
      return send(request, reply, 401, 401, 'Unauthorized')
    }
    request.principal = result
    if (!acl.allowsGlobally(result.name, 'read')) {
      const name = result.name
      request.canRead = (subject) => acl.allows(name, 'read', subject)
    }
    const denied = deny(request, result.name, access)
    if (denied !== undefined) {
      request.log.info({ principal: result.name, denied }, 'access denied')
      return send(request, reply, 403, DENIED_ERROR_CODE, `User is denied operation ${denied}`)
    }
    if (access.listSubject && !acl.allowsGlobally(result.name, 'read')) {
      // The route pages an unfiltered list; paging moves after the filter.
      const query = request.query as Query
      paging.set(request, { access, query: { offset: query.offset, limit: query.limit } })
      delete query.offset
      delete query.limit
    }
  })

  app.addHook('preHandler', async (request, reply) => {
    const access = routeAccess(request.method, request.routeOptions.url)
    if (access.need.kind !== 'bodySubject' || !request.principal) return
    const raw = (request.body as { subject?: unknown } | null | undefined)?.subject
    if (typeof raw !== 'string') return
    const subject = qualify(raw).qualified
    if (acl.allows(request.principal.name, access.need.access, subject)) return
    const denied = `${OPERATION[access.need.access]} on Subject: ${subject}`
    request.log.info({ principal: request.principal.name, denied }, 'access denied')
    return send(request, reply, 403, DENIED_ERROR_CODE, `User is denied operation ${denied}`)
  })

  app.addHook('preSerialization', async (request, reply, payload: unknown) => {
    const p = paging.get(request)
    if (!p || !Array.isArray(payload) || reply.statusCode !== 200) return payload
    const name = request.principal!.name
    const visible = payload.filter((item) => {
      const subject = p.access.listSubject!(item)
      return subject !== undefined && acl.allows(name, 'read', subject)
    })
    return page(visible, p.query)
  })
  return authenticate.stats
}

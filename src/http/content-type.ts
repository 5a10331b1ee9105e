import type { FastifyInstance } from 'fastify'
import { badRequest } from '../registry/errors.js'
import { assertIntegerLiterals } from '../registry/limits.js'
import { SCHEMA_REGISTRY_JSON, SCHEMA_REGISTRY_V1_JSON } from '../formats/model.js'
import { ANSWERED, type RequestHooks } from './request-hooks.js'

const PRODUCED: readonly (readonly [string, number])[] = [
  [SCHEMA_REGISTRY_V1_JSON, 1],
  [SCHEMA_REGISTRY_JSON, 0.9],
  ['application/json', 0.5],
]
const ACCEPTED = new Set([
  SCHEMA_REGISTRY_V1_JSON,
  SCHEMA_REGISTRY_JSON,
  'application/json',
  'application/octet-stream',
])

/** The 415 message, listing what a request body may be sent as. */
export const UNSUPPORTED_MEDIA_TYPE = `HTTP 415 Unsupported Media Type: send the body as one of ${[...ACCEPTED].join(', ')}`

/**
 * The response type for an `Accept` header, with Confluent's server weights; undefined when
 * nothing acceptable is produced (406).
 */
export function negotiate(accept: string | undefined): string | undefined {
  if (!accept) return SCHEMA_REGISTRY_V1_JSON
  // Clients send the same few headers on every request: each is weighed once.
  const known = negotiated.get(accept)
  if (known !== undefined) return known === NOTHING ? undefined : known
  const type = weigh(accept)
  if (negotiated.size >= NEGOTIATED_KEPT) negotiated.clear()
  if (accept.length <= MAX_REMEMBERED_ACCEPT) negotiated.set(accept, type ?? NOTHING)
  return type
}

/** `Accept` headers already weighed, and their answers; {@link NOTHING} for a 406. */
const negotiated = new Map<string, string>()
const NOTHING = ''
const NEGOTIATED_KEPT = 256
const MAX_REMEMBERED_ACCEPT = 512

function weigh(accept: string): string | undefined {
  if (accept.trim() === '') return SCHEMA_REGISTRY_V1_JSON
  let best: string | undefined
  let bestScore = 0
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().split(';')
    const q = Number(
      params
        .map((p) => p.trim())
        .find((p) => p.startsWith('q='))
        ?.slice(2) ?? 1,
    )
    const type = range.trim().toLowerCase()
    for (const [produced, weight] of PRODUCED) {
      const matches = type === '*/*' || type === 'application/*' || type === produced
      const score = matches ? q * weight : 0
      if (score > bestScore) {
        best = produced
        bestScore = score
      }
    }
  }
  return best
}

function parseJson(body: string): unknown {
  if (body.trim() === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(body)
  } catch (e) {
    throw badRequest(`Unrecognized JSON in request body: ${(e as Error).message}`)
  }
  assertIntegerLiterals(body)
  return value
}

/**
 * Request bodies: the three JSON types and octet-stream are JSON; no Content-Type counts as
 * octet-stream; anything else is 415 (Confluent's `Versions` and JAX-RS behaviour).
 */
export function installContentTypes(app: FastifyInstance, hooks: RequestHooks): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (request, body, done) => {
    const raw = request.headers['content-type']
    const type = raw?.split(';')[0]?.trim().toLowerCase() ?? ''
    if (type !== '' && !ACCEPTED.has(type)) {
      done(
        Object.assign(new Error(UNSUPPORTED_MEDIA_TYPE), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }),
        undefined,
      )
      return
    }
    try {
      done(null, parseJson(body as string))
    } catch (e) {
      done(e as Error, undefined)
    }
  })
  hooks.onRequest((request, reply) => {
    // Routes that set `config.ownContentType` (the web UI's pages) answer their own types.
    if ((request.routeOptions.config as { ownContentType?: boolean } | undefined)?.ownContentType) return undefined
    const type = negotiate(request.headers.accept)
    if (!type) {
      reply.code(406).type(SCHEMA_REGISTRY_V1_JSON).send({ error_code: 406, message: 'HTTP 406 Not Acceptable' })
      return ANSWERED
    }
    reply.type(type)
    return undefined
  })
  // fastify appends `; charset=utf-8` to JSON types; Confluent's Jersey layer sends the bare type.
  hooks.onSend((_request, reply, payload) => {
    const header = reply.getHeader('content-type')
    if (typeof header === 'string' && header.includes(';')) {
      const bare = header.split(';')[0]!.trim()
      if (PRODUCED.some(([t]) => t === bare)) reply.header('content-type', bare)
    }
    return payload
  })
}

import { badRequest, RegistryError, unprocessable } from '../registry/errors.js'
import { assertBodyDepth, requestedId, requestedVersion } from '../registry/limits.js'
import type { SchemaRequest } from '../registry/types.js'
import type { SchemaReference } from '../formats/model.js'

export type Query = Record<string, string | string[] | undefined>

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

/** Confluent booleans: true only for the string `true`, any case; anything else is false. */
export function bool(q: Query, name: string): boolean {
  return first(q[name])?.toLowerCase() === 'true'
}

export function str(q: Query, name: string): string | undefined {
  return first(q[name])
}

const notFound = () => new RegistryError('NOT_FOUND', 'HTTP 404 Not Found')

/** An integer query or path value; one that does not parse is a 404, as in JAX-RS. */
export function int(raw: string | undefined, fallback?: number): number {
  if (raw === undefined || raw === '') {
    if (fallback === undefined) throw notFound()
    return fallback
  }
  if (!/^-?\d+$/.test(raw.trim())) throw notFound()
  const n = Number(raw.trim())
  if (!Number.isSafeInteger(n) || n > 2 ** 31 - 1 || n < -(2 ** 31)) throw notFound()
  return n
}

/** Applies `offset`/`limit` the way Confluent's `normalizeLimit` does. */
export function page<T>(items: readonly T[], q: Query, max?: number): T[] {
  const offset = Math.max(0, int(str(q, 'offset'), 0))
  const requested = int(str(q, 'limit'), -1)
  const limit = requested > 0 && (max === undefined || requested <= max) ? requested : max
  return items.slice(offset, limit === undefined ? undefined : offset + limit)
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function references(v: unknown): SchemaReference[] | undefined {
  if (v === undefined || v === null) return undefined
  if (!Array.isArray(v))
    throw badRequest("Cannot deserialize 'references': expected an array of {name, subject, version}")
  return v.map((r, i) => {
    if (!isObject(r)) throw badRequest(`Cannot deserialize references[${i}]: expected an object`)
    const { name, subject, version } = r
    if (typeof name !== 'string' || name === '') throw unprocessable(`references[${i}].name is required`)
    if (typeof subject !== 'string') throw unprocessable(`references[${i}].subject is required`)
    if (typeof version !== 'number' || !Number.isInteger(version)) {
      throw unprocessable(`references[${i}].version must be an integer`)
    }
    return { name, subject, version }
  })
}

/** The body of register, lookup and compatibility: Confluent's `RegisterSchemaRequest`. */
export function schemaRequest(body: unknown): SchemaRequest {
  if (body === undefined || body === null) throw unprocessable('Request body is required: {"schema": "..."}')
  if (!isObject(body)) throw badRequest('Cannot deserialize the request body: expected a JSON object')
  const { schema, schemaType, metadata, ruleSet } = body
  if (schema !== undefined && schema !== null && typeof schema !== 'string') {
    throw badRequest("Cannot deserialize 'schema': expected the schema as a JSON string")
  }
  if (schemaType !== undefined && schemaType !== null && typeof schemaType !== 'string') {
    throw badRequest("Cannot deserialize 'schemaType': expected a string")
  }
  if (metadata !== undefined && metadata !== null && !isObject(metadata)) {
    throw badRequest("Cannot deserialize 'metadata': expected an object")
  }
  if (ruleSet !== undefined && ruleSet !== null && !isObject(ruleSet)) {
    throw badRequest("Cannot deserialize 'ruleSet': expected an object")
  }
  assertBodyDepth(body, 'request body')
  const refs = references(body.references)
  const id = requestedId(body.id)
  const version = requestedVersion(body.version)
  return {
    ...(typeof schema === 'string' ? { schema } : {}),
    ...(typeof schemaType === 'string' ? { schemaType } : {}),
    ...(refs ? { references: refs } : {}),
    ...(isObject(metadata) ? { metadata } : {}),
    ...(isObject(ruleSet) ? { ruleSet } : {}),
    ...(id !== undefined ? { id } : {}),
    ...(version !== undefined ? { version } : {}),
  }
}

/** A JSON object body (config, mode). */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) throw unprocessable('Request body is required')
  if (!isObject(body)) throw badRequest('Cannot deserialize the request body: expected a JSON object')
  assertBodyDepth(body, 'request body')
  return body
}

import type { FastifyPluginAsync } from 'fastify'
import { DEK_ALGORITHMS, SECRET_KMS_PROPS, type CreateDekRequest } from '../../registry/encryption-keys.js'
import { badRequest, invalidKey, RegistryError } from '../../registry/errors.js'
import { parseVersion } from '../../registry/reads.js'
import type { Registry } from '../../registry/registry.js'
import type { DekRecord, KekRecord } from '../../store/store.js'
import { bool, objectBody, page, type Query, str } from '../input.js'

/** Where the DEK registry's routes live (Confluent's path). */
export const DEK_REGISTRY_BASE = '/dek-registry/v1/keks'

type Kek = { Params: { name: string }; Querystring: Query }
type Dek = { Params: { name: string; subject: string }; Querystring: Query }
type DekVersion = { Params: { name: string; subject: string; version: string }; Querystring: Query }

/** Confluent's `Kek` entity; KMS credentials never leave, whatever the store holds. */
export function kekDto(k: KekRecord) {
  return {
    name: k.name,
    kmsType: k.kmsType,
    kmsKeyId: k.kmsKeyId,
    kmsProps: Object.fromEntries(Object.entries(k.kmsProps).filter(([key]) => !SECRET_KMS_PROPS.has(key))),
    ...(k.doc !== undefined ? { doc: k.doc } : {}),
    shared: k.shared,
    ts: k.ts,
    deleted: k.deleted,
  }
}

/** Confluent's `Dek` entity; `keyMaterial` never: the registry holds no unwrapped key. */
export function dekDto(d: DekRecord) {
  return {
    kekName: d.kekName,
    subject: d.subject,
    version: d.version,
    algorithm: d.algorithm,
    encryptedKeyMaterial: d.encryptedKeyMaterial,
    ts: d.ts,
    deleted: d.deleted,
  }
}

/**
 * The `algorithm` query parameter: absent is the default. An unknown value is a 404, as JAX-RS
 * answers a query parameter it cannot convert, with a message that names it.
 */
function algorithmParam(q: Query): string | undefined {
  const raw = str(q, 'algorithm')
  if (raw === undefined || raw === '') return undefined
  if (!(DEK_ALGORITHMS as readonly string[]).includes(raw)) {
    throw new RegistryError(
      'NOT_FOUND',
      `Query parameter algorithm: '${raw}' is not one of ${DEK_ALGORITHMS.join(', ')}`,
    )
  }
  return raw
}

type Field = 'string' | 'boolean' | 'integer' | 'props'

/** One body field: absent or null is undefined; a value of another JSON type is a 400. */
function field(body: Record<string, unknown>, name: string, type: Field): unknown {
  const v = body[name]
  if (v === undefined || v === null) return undefined
  const ok =
    type === 'string'
      ? typeof v === 'string'
      : type === 'boolean'
        ? typeof v === 'boolean'
        : type === 'integer'
          ? typeof v === 'number' && Number.isInteger(v)
          : typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((x) => typeof x === 'string')
  if (!ok) {
    const expected = type === 'props' ? 'an object of string values' : `a JSON ${type}`
    throw badRequest(`Cannot deserialize '${name}': expected ${expected}`)
  }
  return v
}

const s = (body: Record<string, unknown>, name: string) => field(body, name, 'string') as string | undefined
const b = (body: Record<string, unknown>, name: string) => field(body, name, 'boolean') as boolean | undefined

function dekRequest(raw: unknown): CreateDekRequest {
  const body = objectBody(raw)
  return {
    subject: s(body, 'subject'),
    version: field(body, 'version', 'integer') as number | undefined,
    algorithm: s(body, 'algorithm'),
    encryptedKeyMaterial: s(body, 'encryptedKeyMaterial'),
    deleted: b(body, 'deleted'),
  }
}

/** `/dek-registry/v1/keks/*`: Confluent's DEK registry. */
export const dekRegistryRoutes: FastifyPluginAsync<{ registry: Registry }> = async (app, { registry }) => {
  const keys = registry.encryptionKeys
  const base = DEK_REGISTRY_BASE

  // Newer clients may name a context for their keys; this registry keeps them in the default
  // context only, and refuses another rather than mixing keys of different contexts.
  app.addHook('preHandler', async (req) => {
    const context = str(req.query as Query, 'context')
    if (context !== undefined && context !== '' && context !== '.' && context !== ':.:') {
      throw invalidKey('context', `'${context}': KEKs and DEKs live in the default context only`)
    }
  })

  app.get<{ Querystring: Query }>(base, async (req) => {
    const subjectPrefixes = ([] as string[]).concat(req.query.subjectPrefix ?? [])
    return page(
      keys.kekNames({ deleted: bool(req.query, 'deleted'), subjectPrefixes, canRead: req.canRead }),
      req.query,
    )
  })

  app.post<{ Querystring: Query }>(base, async (req) => {
    const body = objectBody(req.body)
    return kekDto(
      await keys.createKek({
        name: s(body, 'name'),
        kmsType: s(body, 'kmsType'),
        kmsKeyId: s(body, 'kmsKeyId'),
        kmsProps: field(body, 'kmsProps', 'props') as Record<string, string> | undefined,
        doc: s(body, 'doc'),
        shared: b(body, 'shared'),
        deleted: b(body, 'deleted'),
      }),
    )
  })

  app.get<Kek>(`${base}/:name`, async (req) => kekDto(keys.getKek(req.params.name, bool(req.query, 'deleted'))))

  app.put<Kek>(`${base}/:name`, async (req) => {
    const body = objectBody(req.body)
    // An explicit null clears kmsProps or doc; an absent field keeps its value.
    const kmsProps = body.kmsProps === null ? null : (field(body, 'kmsProps', 'props') as Record<string, string>)
    const doc = body.doc === null ? null : s(body, 'doc')
    return kekDto(
      await keys.updateKek(req.params.name, {
        ...('kmsProps' in body ? { kmsProps } : {}),
        ...('doc' in body ? { doc } : {}),
        shared: b(body, 'shared'),
      }),
    )
  })

  app.delete<Kek>(`${base}/:name`, async (req, reply) => {
    await keys.deleteKek(req.params.name, bool(req.query, 'permanent'))
    return reply.code(204).send()
  })

  app.post<Kek>(`${base}/:name/undelete`, async (req, reply) => {
    await keys.undeleteKek(req.params.name)
    return reply.code(204).send()
  })

  app.get<Kek>(`${base}/:name/deks`, async (req) =>
    page(keys.dekSubjects(req.params.name, bool(req.query, 'deleted')), req.query),
  )

  app.post<Kek>(`${base}/:name/deks`, async (req) =>
    dekDto(await keys.createDek(req.params.name, dekRequest(req.body))),
  )

  // Newer clients name the subject in the path too; a body naming another subject is refused.
  app.post<Dek>(`${base}/:name/deks/:subject`, async (req) => {
    const request = dekRequest(req.body)
    if (request.subject !== undefined && request.subject !== req.params.subject) {
      throw invalidKey('subject', `the body names '${request.subject}' but the path names '${req.params.subject}'`)
    }
    return dekDto(await keys.createDek(req.params.name, { ...request, subject: req.params.subject }))
  })

  app.get<Dek>(`${base}/:name/deks/:subject`, async (req) =>
    dekDto(keys.getDek(req.params.name, req.params.subject, 1, algorithmParam(req.query), bool(req.query, 'deleted'))),
  )

  /** The DEK versions a delete or undelete names: all, or the one in the path. */
  const selected = (req: { params: { name: string; subject: string; version?: string }; query: Query }) => ({
    kekName: req.params.name,
    subject: req.params.subject,
    algorithm: algorithmParam(req.query),
    version: req.params.version === undefined ? undefined : parseVersion(req.params.version),
  })

  app.delete<Dek>(`${base}/:name/deks/:subject`, async (req, reply) => {
    await keys.deleteDeks(selected(req), bool(req.query, 'permanent'))
    return reply.code(204).send()
  })

  app.post<Dek>(`${base}/:name/deks/:subject/undelete`, async (req, reply) => {
    await keys.undeleteDeks(selected(req))
    return reply.code(204).send()
  })

  app.get<Dek>(`${base}/:name/deks/:subject/versions`, async (req) =>
    page(
      keys.dekVersions(req.params.name, req.params.subject, algorithmParam(req.query), bool(req.query, 'deleted')),
      req.query,
    ),
  )

  app.get<DekVersion>(`${base}/:name/deks/:subject/versions/:version`, async (req) =>
    dekDto(
      keys.getDek(
        req.params.name,
        req.params.subject,
        parseVersion(req.params.version),
        algorithmParam(req.query),
        bool(req.query, 'deleted'),
      ),
    ),
  )

  app.delete<DekVersion>(`${base}/:name/deks/:subject/versions/:version`, async (req, reply) => {
    await keys.deleteDeks(selected(req), bool(req.query, 'permanent'))
    return reply.code(204).send()
  })

  app.post<DekVersion>(`${base}/:name/deks/:subject/versions/:version/undelete`, async (req, reply) => {
    await keys.undeleteDeks(selected(req))
    return reply.code(204).send()
  })
}

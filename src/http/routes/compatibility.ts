import type { FastifyPluginAsync } from 'fastify'
import { parseVersion } from '../../registry/reads.js'
import type { CanRead, Registry } from '../../registry/registry.js'
import { bool, type Query, schemaRequest } from '../input.js'

/** `/compatibility/subjects/{s}/versions[/{v}]`. */
export const compatibilityRoutes: FastifyPluginAsync<{ registry: Registry }> = async (app, { registry }) => {
  const check = async (
    subject: string,
    version: string | undefined,
    body: unknown,
    q: Query,
    canRead: CanRead | undefined,
  ) => {
    const verbose = bool(q, 'verbose')
    const result = await registry.testCompatibilityYielding(
      subject,
      version === undefined ? undefined : parseVersion(version),
      schemaRequest(body),
      { normalize: bool(q, 'normalize'), verbose, canRead },
    )
    return verbose
      ? { is_compatible: result.isCompatible, messages: result.messages }
      : { is_compatible: result.isCompatible }
  }
  app.post<{ Params: { subject: string; version: string }; Querystring: Query }>(
    '/compatibility/subjects/:subject/versions/:version',
    async (req) => check(req.params.subject, req.params.version, req.body, req.query, req.canRead),
  )
  app.post<{ Params: { subject: string }; Querystring: Query }>(
    '/compatibility/subjects/:subject/versions',
    async (req) => check(req.params.subject, undefined, req.body, req.query, req.canRead),
  )
}

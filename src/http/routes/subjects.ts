import type { FastifyPluginAsync } from 'fastify'
import { parseVersion } from '../../registry/reads.js'
import { qualify } from '../../registry/subjects.js'
import { type CanRead, type Registry, Topic } from '../../registry/registry.js'
import { registerDto, schemaDto } from '../dto.js'
import { bool, page, type Query, schemaRequest, str } from '../input.js'
import type { ResponseCache } from '../response-cache.js'

type Subject = { Params: { subject: string }; Querystring: Query }
type SubjectVersion = { Params: { subject: string; version: string }; Querystring: Query }

/** `/subjects/*`: listing, lookup, register, versions, deletes, referencedby, metadata. */
export const subjectsRoutes: FastifyPluginAsync<{ registry: Registry; answers: ResponseCache }> = async (
  app,
  { registry, answers: cache },
) => {
  app.get<{ Querystring: Query }>('/subjects', async (req) =>
    page(
      registry.listSubjects({
        prefix: str(req.query, 'subjectPrefix') ?? ':*:',
        deleted: bool(req.query, 'deleted'),
        deletedOnly: bool(req.query, 'deletedOnly'),
      }),
      req.query,
    ),
  )

  app.post<Subject>('/subjects/:subject', async (req) => {
    const format = str(req.query, 'format')
    return schemaDto(
      registry.lookup(req.params.subject, schemaRequest(req.body), {
        normalize: bool(req.query, 'normalize'),
        deleted: bool(req.query, 'deleted'),
        canRead: req.canRead,
        ...(format ? { format } : {}),
      }),
    )
  })

  app.delete<Subject>('/subjects/:subject', async (req) =>
    registry.deleteSubject(req.params.subject, bool(req.query, 'permanent'), req.canRead),
  )

  /**
   * What an answer about one subject's versions is derived from: that subject's versions (and
   * the stored schemas they name, which never change); with a `format`, anything (a rendering
   * reads the versions its references name). Settings cover aliases.
   */
  const topicsOfSubject = (req: { params: { subject: string }; query: Query }): string[] => {
    const topics = [Topic.subject(qualify(req.params.subject).qualified), Topic.settings]
    const format = str(req.query, 'format')
    if (format && format !== 'default') topics.push(Topic.subjects)
    return topics
  }

  app.get<Subject>('/subjects/:subject/versions', async (req) =>
    cache.json(req, topicsOfSubject(req), () =>
      page(
        registry.listVersions(req.params.subject, {
          deleted: bool(req.query, 'deleted'),
          deletedOnly: bool(req.query, 'deletedOnly'),
          deletedAsNegative: bool(req.query, 'deletedAsNegative'),
        }),
        req.query,
      ),
    ),
  )

  app.post<Subject>('/subjects/:subject/versions', async (req) => {
    const format = str(req.query, 'format')
    const view = await registry.register(req.params.subject, schemaRequest(req.body), {
      normalize: bool(req.query, 'normalize'),
      force: bool(req.query, 'force'),
      canRead: req.canRead,
      ...(format ? { format } : {}),
    })
    return registerDto(view)
  })

  const version = (req: { params: { subject: string; version: string }; query: Query }) =>
    registry.getVersion(req.params.subject, parseVersion(req.params.version), bool(req.query, 'deleted'))
  /** The version, once the caller may read what its `format` inlines (before any cached answer). */
  const renderable = (req: {
    params: { subject: string; version: string }
    query: Query
    canRead: CanRead | undefined
  }) => {
    const v = version(req)
    registry.assertRenderable(v, str(req.query, 'format'), req.canRead)
    return v
  }

  app.get<SubjectVersion>('/subjects/:subject/versions/:version', async (req) => {
    if (req.canRead) renderable(req)
    return cache.json(req, topicsOfSubject(req), () =>
      schemaDto(registry.versionView(version(req), str(req.query, 'format'))),
    )
  })

  app.get<SubjectVersion>('/subjects/:subject/versions/:version/schema', async (req, reply) => {
    reply.send(registry.renderVersionSchema(renderable(req), str(req.query, 'format')))
  })

  app.get<SubjectVersion>('/subjects/:subject/versions/:version/referencedby', async (req) => {
    const parsed = parseVersion(req.params.version)
    const target = registry.getVersion(req.params.subject, parsed, true)
    return page(
      registry.referencedBy(target, bool(req.query, 'deleted'), req.canRead),
      req.query,
      registry.options.schemaSearchLimit,
    )
  })

  app.delete<SubjectVersion>('/subjects/:subject/versions/:version', async (req) =>
    registry.deleteVersion(
      req.params.subject,
      parseVersion(req.params.version),
      bool(req.query, 'permanent'),
      req.canRead,
    ),
  )

  app.get<Subject>('/subjects/:subject/metadata', async (req) => {
    const keys = ([] as string[]).concat(req.query.key ?? [])
    const values = ([] as string[]).concat(req.query.value ?? [])
    const pairs = keys.map((k, i): [string, string] => [k, values[i] ?? ''])
    const format = str(req.query, 'format')
    return schemaDto(registry.metadataMatch(req.params.subject, pairs, bool(req.query, 'deleted'), format))
  })
}

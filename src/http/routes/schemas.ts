import type { FastifyPluginAsync } from 'fastify'
import { type CanRead, type Registry, Topic } from '../../registry/registry.js'
import { schemaDto, schemaStringDto } from '../dto.js'
import { bool, int, page, type Query, str } from '../input.js'
import type { ResponseCache } from '../response-cache.js'

type IdParams = { Params: { id: string }; Querystring: Query }
type IdRequest = { params: { id: string }; query: Query; canRead: CanRead | undefined }

/** `/schemas/*`: schemas by id and guid, the types, and the flat listing. */
export const schemasRoutes: FastifyPluginAsync<{ registry: Registry; answers: ResponseCache }> = async (
  app,
  { registry, answers: cache },
) => {
  const byId = ({ params, query: q, canRead }: IdRequest) =>
    registry.schemaById(int(params.id), {
      ...(str(q, 'subject') !== undefined ? { subject: str(q, 'subject')! } : {}),
      ...(str(q, 'format') ? { format: str(q, 'format')! } : {}),
      fetchMaxId: bool(q, 'fetchMaxId'),
      canRead,
    })

  /**
   * What the answer for an id is derived from: the id's uses and schema; with `subject`, which
   * contexts exist; with `fetchMaxId`, the highest ids; with a `format`, anything (a rendering
   * reads the versions its references name). Settings cover aliases of `subject`.
   */
  const topicsOfId = ({ params, query: q }: IdRequest): string[] => {
    const topics = [Topic.id(int(params.id)), Topic.settings]
    if (str(q, 'subject') !== undefined) topics.push(Topic.contexts)
    if (bool(q, 'fetchMaxId')) topics.push(Topic.schemas)
    const format = str(q, 'format')
    if (format && format !== 'default') topics.push(Topic.subjects)
    return topics
  }
  app.get<IdParams>('/schemas/ids/:id', async (req) =>
    // Answers cached for one caller must not skip another's reference check.
    req.canRead && str(req.query, 'format')
      ? schemaStringDto(byId(req))
      : cache.json(req, topicsOfId(req), () => schemaStringDto(byId(req))),
  )

  app.get<IdParams>('/schemas/ids/:id/schema', async (req, reply) => {
    reply.send(byId(req).schema)
  })

  const uses = (req: { params: { id: string }; query: Query }) => {
    const subject = str(req.query, 'subject')
    return registry.usesOfId(int(req.params.id), {
      ...(subject ? { subject } : {}),
      deleted: bool(req.query, 'deleted'),
    })
  }
  app.get<IdParams>('/schemas/ids/:id/subjects', async (req) =>
    page([...new Set(uses(req).map((u) => u.subject))], req.query),
  )
  app.get<IdParams>('/schemas/ids/:id/versions', async (req) =>
    page(
      uses(req).map((u) => ({ subject: u.subject, version: u.version })),
      req.query,
    ),
  )

  app.get<{ Params: { guid: string }; Querystring: Query }>('/schemas/guids/:guid', async (req) =>
    schemaStringDto(registry.schemaByGuid(req.params.guid, str(req.query, 'format'), req.canRead)),
  )
  app.get<{ Params: { guid: string } }>('/schemas/guids/:guid/ids', async (req) => registry.idsOfGuid(req.params.guid))

  app.get('/schemas/types', async () => registry.supportedTypes())

  app.get<{ Querystring: Query }>('/schemas', async (req) => {
    const q = req.query
    const ruleType = str(q, 'ruleType')
    const format = str(q, 'format')
    const list = registry.listSchemas({
      prefix: str(q, 'subjectPrefix') ?? '',
      deleted: bool(q, 'deleted'),
      latestOnly: bool(q, 'latestOnly'),
      ...(ruleType ? { ruleType } : {}),
      ...(format ? { format } : {}),
    })
    return page(list.map(schemaDto), q, registry.options.schemaSearchLimit)
  })
}

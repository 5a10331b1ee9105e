import type { FastifyError, FastifyPluginAsync } from 'fastify'
import { configScope } from '../../registry/config.js'
import { badRequest, RegistryError, type RegistryErrorCode, unprocessable } from '../../registry/errors.js'
import type { Registry } from '../../registry/registry.js'
import type { SchemaRequest } from '../../registry/types.js'
import { configDto, registerDto, schemaDto } from '../dto.js'
import { errorAnswer } from '../errors.js'
import { bool, type Query, schemaRequest } from '../input.js'

import { EXPORT_SUBJECTS_PATH, IMPORT_VERSIONS_PATH } from './bulk-paths.js'

/** What a subject without versions, config or mode of its own answers (40401, 40408, 40409). */
const ABSENT = new Set<RegistryErrorCode>([
  'SUBJECT_NOT_FOUND',
  'SUBJECT_COMPATIBILITY_NOT_CONFIGURED',
  'SUBJECT_MODE_NOT_CONFIGURED',
])

/** Versions one import request may carry, and subjects one export request may name. */
export const MAX_IMPORT_VERSIONS = 1000
export const MAX_EXPORT_SUBJECTS = 1000
/** Schema text an export answer gathers before it leaves the remaining subjects for another request. */
export const MAX_EXPORT_ANSWER_BYTES = 32 * 1024 * 1024

/**
 * `POST /registrum/v1/import/versions`: up to 1,000 registrations in one request, for bulk
 * imports. Body `{"versions": [{"subject": "s", "schema": "...", "id": 7, "version": 1, ...}]}`:
 * each item is a subject plus the body `POST /subjects/{subject}/versions` takes. Each is
 * registered exactly as that route would (alias resolution, mode gate, validation, id and
 * version checks) in its own transaction, in the given order, so an item may reference one
 * before it. Answer, in order: `{"results": [{"status": 200, "body": {"id": 7, ...}},
 * {"status": 422, "body": {"error_code": 42205, "message": "..."}}]}`. A global admin grant is
 * needed, as for putting the registry in IMPORT mode.
 */
export const bulkRoutes: FastifyPluginAsync<{ registry: Registry }> = async (app, { registry }) => {
  app.post<{ Querystring: Query }>(IMPORT_VERSIONS_PATH, async (req) => {
    const versions = (req.body as { versions?: unknown } | null | undefined)?.versions
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body) || !Array.isArray(versions)) {
      throw badRequest('Cannot deserialize the request body: expected {"versions": [{"subject": ..., "schema": ...}]}')
    }
    if (versions.length > MAX_IMPORT_VERSIONS) {
      throw unprocessable(`versions: ${versions.length} items, at most ${MAX_IMPORT_VERSIONS} per request`)
    }
    const normalize = bool(req.query, 'normalize')
    const answer = (e: unknown) =>
      errorAnswer(e as FastifyError | RegistryError, registry.options.incompatibleErrorCode, req.log)
    // Items that do not parse are answered as the single route would answer their body.
    type Parsed = { subject: string; req: SchemaRequest } | { error: unknown }
    const parsed: Parsed[] = versions.map((item, i) => {
      try {
        const subject = (item as { subject?: unknown } | null)?.subject
        if (typeof subject !== 'string' || subject === '') throw unprocessable(`versions[${i}].subject is required`)
        return { subject: registry.aliasTarget(subject) ?? subject, req: schemaRequest(item) }
      } catch (error) {
        return { error }
      }
    })
    const valid = parsed.filter((p): p is Exclude<Parsed, { error: unknown }> => !('error' in p))
    const outcomes = await registry.registerAll(
      valid.map(({ subject, req: schema }) => ({ subject, req: schema, opts: { normalize, canRead: req.canRead } })),
    )
    let next = 0
    return {
      results: parsed.map((p) => {
        if ('error' in p) return answer(p.error)
        const outcome = outcomes[next++]!
        return outcome.status === 'fulfilled'
          ? { status: 200, body: registerDto(outcome.value) }
          : answer(outcome.reason)
      }),
    }
  })

  /**
   * `POST /registrum/v1/export/subjects` with `{"subjects": ["s", ...]}` (up to 1,000): for each,
   * what `registrum export` reads about a subject, as the single routes answer it:
   * `{"subject", "versions": [GET /subjects/{s}/versions/{v}?deleted=true for each version,
   * soft-deleted ones included], "config"?: GET /config/{s}, "mode"?: GET /mode/{s}}`, config and
   * mode left out where the subject has none of its own. An answer stops after the subject that
   * takes its schema texts past 32 MiB, so it may hold fewer subjects than asked for; the caller
   * asks again for the rest. Needs a global read grant.
   */
  app.post(EXPORT_SUBJECTS_PATH, async (req) => {
    const subjects = (req.body as { subjects?: unknown } | null | undefined)?.subjects
    if (!Array.isArray(subjects) || !subjects.every((s) => typeof s === 'string')) {
      throw badRequest('Cannot deserialize the request body: expected {"subjects": ["subject", ...]}')
    }
    if (subjects.length > MAX_EXPORT_SUBJECTS) {
      throw unprocessable(`subjects: ${subjects.length} subjects, at most ${MAX_EXPORT_SUBJECTS} per request`)
    }
    const unlessAbsent = <T>(read: () => T): T | undefined => {
      try {
        return read()
      } catch (e) {
        if (e instanceof RegistryError && ABSENT.has(e.code)) return undefined
        throw e
      }
    }
    // Subjects are answered in order until the schema texts pass MAX_EXPORT_ANSWER_BYTES (at least
    // one subject, whatever its size): the client asks again for the ones left out.
    const answered: Record<string, unknown>[] = []
    let bytes = 0
    for (const subject of subjects as string[]) {
      if (answered.length > 0 && bytes > MAX_EXPORT_ANSWER_BYTES) break
      // Version reads resolve an alias as `/subjects/{alias}/...` does; settings stay the alias's own.
      const target = registry.aliasTarget(subject) ?? subject
      const numbers = unlessAbsent(() => registry.listVersions(target, { deleted: true })) ?? []
      const versions = numbers.map((v) => schemaDto(registry.versionView(registry.getVersion(target, v, true))))
      for (const v of versions) bytes += v.schema.length
      const config = unlessAbsent(() => configDto(registry.getConfig(configScope(subject), { defaultToGlobal: false })))
      const mode = unlessAbsent(() => registry.getMode(configScope(subject), { defaultToGlobal: false }))
      answered.push({ subject, versions, ...(config ? { config } : {}), ...(mode ? { mode: { mode } } : {}) })
    }
    return { subjects: answered }
  })
}

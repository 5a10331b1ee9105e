import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { SCHEMA_TYPES, type SchemaType } from '../../formats/format.js'
import { RegistryError, subjectNotFound } from '../../registry/errors.js'
import { parseVersion } from '../../registry/reads.js'
import type { Registry } from '../../registry/registry.js'
import { qualify } from '../../registry/subjects.js'
import type { SchemaRequest } from '../../registry/types.js'
import type { VersionRecord } from '../../store/store.js'
import type { AuthSettings } from '../auth/auth-file.js'
import { AccessControl } from '../auth/permissions.js'
import { ERROR_TABLE } from '../errors.js'
import { accessFor, type UiAccess } from './access.js'
import { ASSETS } from './assets.js'
import { CsrfGuard } from './csrf.js'
import {
  effectiveLevel,
  effectiveMode,
  ownSettings,
  readableContexts,
  referencedByOf,
  referencesOf,
  subjectPage,
} from './data.js'
import { diffView } from './diff-view.js'
import { prettySchema } from './format-text.js'
import { html, type Html } from './html.js'
import { page, subjectCrumbs, UI_BASE, urls, type Crumb } from './layout.js'
import { subjectView } from './subject-view.js'
import { subjectsView } from './subjects-view.js'
import { tryView, type TryModel } from './try-view.js'
import { findingOf, pairVerdicts, parseReferences } from './verdicts.js'
import { versionView } from './version-view.js'

export { UI_BASE }

export interface UiOptions {
  readonly registry: Registry
  /** The API's users and rules; the UI answers to the same ones. */
  readonly auth?: AuthSettings
}

type Params = { subject: string; version: string }
type Form = Record<string, string>
const HTML = 'text/html; charset=utf-8'
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
}
const NOTICES: Readonly<Record<string, string>> = {
  compatibility: 'Compatibility level saved.',
  mode: 'Mode saved.',
  registered: 'Registered.',
}
const MAX_QUERY_TEXT = 256
const EXPIRED_FORM = 'The form has expired or came from another site; reload the page and try again.'

/**
 * The web UI at `/ui`: server-rendered pages over the registry's domain layer, so every view
 * reads the same data, runs the same compatibility engine and answers to the same access rules
 * as the API. Pages work without scripts; a small script only adds copy buttons.
 */
export async function uiRoutes(app: FastifyInstance, { registry, auth }: UiOptions): Promise<void> {
  const acl = auth ? new AccessControl(auth.rules) : undefined
  const csrf = new CsrfGuard()
  const accessOf = (request: FastifyRequest): UiAccess => accessFor(acl, request.principal)

  // Pages answer HTML (assets their own types) whatever the API's content negotiation would pick.
  app.addHook('onRoute', (route) => {
    route.config = { ...(route.config as object | undefined), ownContentType: true }
  })

  // A repeated query parameter counts once (its first value), so every handler sees strings.
  app.addHook('preValidation', async (request) => {
    request.query = singleValues(request.query)
  })

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)))
  })

  const send = (
    reply: FastifyReply,
    status: number,
    title: string,
    crumbs: readonly Crumb[],
    user: string | undefined,
    body: Html,
  ) => reply.code(status).headers(SECURITY_HEADERS).type(HTML).send(page({ title, crumbs, user, body }))

  const errorPage = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) =>
    send(
      reply,
      status,
      `Error ${status}`,
      [{ label: 'Subjects', href: UI_BASE }, { label: `Error ${status}` }],
      accessOf(request).user,
      html`<h1>Error ${status}</h1><p class="notice error" role="alert">${message}</p><p><a href="${UI_BASE}">Back to the subjects</a></p>`,
    )

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof RegistryError) return errorPage(request, reply, ERROR_TABLE[error.code][0], error.message)
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return errorPage(request, reply, error.statusCode, error.message)
    }
    request.log.error({ err: error }, 'ui error')
    return errorPage(request, reply, 500, 'Something went wrong on the server; the log has the details.')
  })

  // The access hook answers 401/403 in the API's JSON envelope; a person gets the same answer as a page.
  app.addHook('onSend', async (request, reply, payload) => {
    const status = reply.statusCode
    if ((status !== 401 && status !== 403) || typeof payload !== 'string' || !payload.startsWith('{')) return payload
    let message = status === 401 ? 'Sign in to see this page.' : 'You may not see this page.'
    try {
      message = String((JSON.parse(payload) as { message?: unknown }).message ?? message)
    } catch {
      // keep the default message
    }
    reply.headers(SECURITY_HEADERS).type(HTML)
    return page({
      title: `Error ${status}`,
      crumbs: [{ label: `Error ${status}` }],
      user: accessOf(request).user,
      body: html`<h1>Error ${status}</h1><p class="notice error" role="alert">${message}</p>`,
    })
  })

  app.get<{ Params: { file: string } }>(`${UI_BASE}/assets/:file`, async (request, reply) => {
    const asset = ASSETS.get(request.params.file)
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Not found')
    reply.headers({
      'cache-control': 'public, max-age=31536000, immutable',
      etag: asset.etag,
      'x-content-type-options': 'nosniff',
    })
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send()
    return reply.type(asset.type).send(asset.body)
  })

  app.get<{ Querystring: Record<string, string | undefined> }>(UI_BASE, async (request, reply) => {
    const access = accessOf(request)
    const q = request.query
    const type = SCHEMA_TYPES.find((t) => t === q.type) ?? ''
    const filter = {
      q: (q.q ?? '').slice(0, MAX_QUERY_TEXT),
      match: q.match === 'prefix' ? ('prefix' as const) : ('contains' as const),
      type: type as SchemaType | '',
      context: (q.context ?? '').slice(0, MAX_QUERY_TEXT),
      deleted: q.deleted === 'true',
      page: /^\d{1,9}$/.test(q.page ?? '') ? Number(q.page) : 1,
    }
    const result = subjectPage(registry, access, filter)
    return send(
      reply,
      200,
      'Subjects',
      [{ label: 'Subjects' }],
      access.user,
      subjectsView(filter, result, readableContexts(registry, access)),
    )
  })

  /** The subject's versions, soft-deleted ones included; 40401 when it has none. */
  const versionsOf = (subject: string): readonly VersionRecord[] => {
    const versions = registry.storedVersions(subject)
    if (versions.length === 0) throw subjectNotFound(subject)
    return versions
  }

  app.get<{ Params: Params; Querystring: { saved?: string } }>(
    `${UI_BASE}/subjects/:subject`,
    async (request, reply) => {
      const access = accessOf(request)
      const subject = qualify(request.params.subject).qualified
      const versions = versionsOf(subject)
      const latest = versions.filter((v) => !v.deleted).at(-1) ?? versions.at(-1)!
      const notice = noticeFor(request.query.saved)
      const body = subjectView({
        subject,
        versions: versions.map((v) => {
          const record = registry.storedSchema(v)
          return { ...v, type: record.schemaType, references: record.references.length }
        }),
        level: effectiveLevel(registry, subject),
        mode: effectiveMode(registry, subject),
        own: ownSettings(registry, subject),
        references: referencesOf(registry, registry.storedSchema(latest)),
        referencedBy: referencedByOf(registry, access, latest),
        canWrite: access.canWrite(subject),
        canAdmin: access.canAdmin(subject),
        csrf: csrf.token(access.user),
        ...(notice ? { notice } : {}),
      })
      return send(reply, 200, subject, subjectCrumbs(subject), access.user, body)
    },
  )

  app.get<{ Params: Params; Querystring: { saved?: string } }>(
    `${UI_BASE}/subjects/:subject/versions/:version`,
    async (request, reply) => {
      const access = accessOf(request)
      const subject = qualify(request.params.subject).qualified
      const v = registry.getVersion(subject, parseVersion(request.params.version), true)
      const notice = noticeFor(request.query.saved)
      const body = versionView({
        view: registry.versionView(v),
        versions: versionsOf(subject).map((x) => x.version),
        references: referencesOf(registry, registry.storedSchema(v)),
        referencedBy: referencedByOf(registry, access, v),
        ...(notice ? { notice } : {}),
      })
      return send(
        reply,
        200,
        `${subject} v${v.version}`,
        [...subjectCrumbs(subject), { label: `v${v.version}` }],
        access.user,
        body,
      )
    },
  )

  app.get<{ Params: Params }>(`${UI_BASE}/subjects/:subject/versions/:version/download`, async (request, reply) => {
    const subject = qualify(request.params.subject).qualified
    const v = registry.getVersion(subject, parseVersion(request.params.version), true)
    const view = registry.versionView(v)
    const ext = view.schemaType === 'PROTOBUF' ? 'proto' : view.schemaType === 'AVRO' ? 'avsc' : 'json'
    const base =
      qualify(subject)
        .name.replace(/[^A-Za-z0-9._-]/g, '_')
        .slice(0, 100) || 'schema'
    return reply
      .headers({ ...SECURITY_HEADERS, 'content-disposition': `attachment; filename="${base}-v${v.version}.${ext}"` })
      .type(view.schemaType === 'PROTOBUF' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8')
      .send(prettySchema(view.schemaType, view.schema))
  })

  app.get<{ Params: Params; Querystring: { from?: string; to?: string; view?: string } }>(
    `${UI_BASE}/subjects/:subject/diff`,
    async (request, reply) => {
      const access = accessOf(request)
      const subject = qualify(request.params.subject).qualified
      const versions = versionsOf(subject)
      const live = versions.filter((v) => !v.deleted)
      const to =
        request.query.to !== undefined ? parseVersion(request.query.to) : (live.at(-1) ?? versions.at(-1)!).version
      const toV = registry.getVersion(subject, to, true)
      const before = versions.filter((v) => v.version < toV.version)
      const from = request.query.from !== undefined ? parseVersion(request.query.from) : (before.at(-1) ?? toV).version
      const fromV = registry.getVersion(subject, from, true)
      const [fromView, toView] = [registry.versionView(fromV), registry.versionView(toV)]
      const view = request.query.view === 'unified' ? 'unified' : 'split'
      const body = diffView({
        subject,
        versions: versions.map((v) => v.version),
        from: fromView,
        to: toView,
        fromText: prettySchema(fromView.schemaType, fromView.schema),
        toText: prettySchema(toView.schemaType, toView.schema),
        view,
        verdicts: pairVerdicts(registry, subject, fromV, toV),
      })
      const title = `${subject} v${fromV.version} → v${toV.version}`
      return send(
        reply,
        200,
        title,
        [...subjectCrumbs(subject), { label: `Compare v${fromV.version} and v${toV.version}` }],
        access.user,
        body,
      )
    },
  )

  const tryModel = (request: FastifyRequest<{ Params: Params }>, form?: Form): TryModel => {
    const access = accessOf(request)
    const subject = qualify(request.params.subject).qualified
    const latest = registry
      .storedVersions(subject)
      .filter((v) => !v.deleted)
      .at(-1)
    const record = latest ? registry.storedSchema(latest) : undefined
    const formType = SCHEMA_TYPES.find((t) => t === form?.schemaType)
    return {
      subject,
      schemaType: formType ?? record?.schemaType ?? 'AVRO',
      schema: form?.schema ?? (record ? prettySchema(record.schemaType, record.schema) : ''),
      references:
        form?.references ?? (record && record.references.length > 0 ? JSON.stringify(record.references, null, 2) : ''),
      level: registry.effectiveConfig(subject).compatibilityLevel,
      canWrite: access.canWrite(subject),
      csrf: csrf.token(access.user),
    }
  }
  const trySend = (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, status: number, model: TryModel) =>
    send(
      reply,
      status,
      `Try a schema: ${model.subject}`,
      [...subjectCrumbs(model.subject), { label: 'Try a schema' }],
      accessOf(request).user,
      tryView(model),
    )

  app.get<{ Params: Params }>(`${UI_BASE}/subjects/:subject/try`, async (request, reply) =>
    trySend(request, reply, 200, tryModel(request)),
  )

  app.post<{ Params: Params; Body: Form }>(`${UI_BASE}/subjects/:subject/try`, async (request, reply) => {
    const access = accessOf(request)
    const form = formOf(request.body)
    if (!csrf.accepts(request, access.user, form.csrf)) return errorPage(request, reply, 403, EXPIRED_FORM)
    const model = tryModel(request, form)
    const refs = parseReferences(form.references ?? '')
    if (typeof refs === 'string')
      return trySend(request, reply, 422, { ...model, outcome: { kind: 'error', message: refs } })
    const req: SchemaRequest = { schema: form.schema ?? '', schemaType: model.schemaType, references: refs }
    try {
      // The caller's read access bounds the references, as on the API's routes.
      const { result } = registry.checkCandidate(model.subject, req, { canRead: request.canRead })
      const format = registry.format(model.schemaType)
      const findings = result.violations.map((v) => findingOf(v, format))
      if (form.action === 'register' && result.compatible) {
        if (!access.canWrite(model.subject))
          return errorPage(request, reply, 403, `You may not register under ${model.subject}.`)
        const registered = await registry.register(model.subject, req, { canRead: request.canRead })
        return reply.redirect(`${urls.version(model.subject, registered.version)}?saved=registered`, 303)
      }
      const outcome = {
        kind: 'verdict' as const,
        compatible: result.compatible,
        findings,
        ...(result.failedVersion ? { failedVersion: result.failedVersion.version } : {}),
      }
      return trySend(request, reply, 200, { ...model, outcome })
    } catch (e) {
      if (!(e instanceof RegistryError)) throw e
      return trySend(request, reply, ERROR_TABLE[e.code][0], {
        ...model,
        outcome: { kind: 'error', message: e.message },
      })
    }
  })

  /** A settings form: same-site with its token, admin on the subject, then back to the subject page. */
  const settingForm = (path: string, saved: string, apply: (subject: string, value: string) => Promise<unknown>) =>
    app.post<{ Params: Params; Body: Form }>(`${UI_BASE}/subjects/:subject/${path}`, async (request, reply) => {
      const access = accessOf(request)
      const form = formOf(request.body)
      const subject = qualify(request.params.subject).qualified
      if (!csrf.accepts(request, access.user, form.csrf)) return errorPage(request, reply, 403, EXPIRED_FORM)
      if (!access.canAdmin(subject))
        return errorPage(request, reply, 403, `You may not change the settings of ${subject}.`)
      await apply(subject, form[saved] ?? '')
      return reply.redirect(`${urls.subject(subject)}?saved=${saved}`, 303)
    })

  // An empty choice means "inherit": the subject's own setting is removed.
  settingForm('config', 'compatibility', async (subject, level) => {
    if (level !== '' || registry.storedConfig(subject))
      await registry.putConfig(subject, { compatibility: level === '' ? null : level })
  })
  settingForm('mode', 'mode', (subject, mode) => registry.putMode(subject, mode === '' ? null : mode, false))
}

/** A form's string fields; anything else a client sends (a JSON body, say) is ignored. */
const formOf = (body: unknown): Form => singleValues(body)

function singleValues(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out
  for (const [key, value] of Object.entries(raw)) {
    const first = Array.isArray(value) ? value[0] : value
    if (typeof first === 'string') out[key] = first
  }
  return out
}

const noticeFor = (key: string | undefined) =>
  key !== undefined && Object.hasOwn(NOTICES, key) ? NOTICES[key] : undefined

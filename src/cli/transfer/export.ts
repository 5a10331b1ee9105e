import { parseArgs } from 'node:util'
import { EXPORT_SUBJECTS_PATH } from '../../http/routes/bulk-paths.js'
import type { SchemaType } from '../../formats/format.js'
import { dumpLines, writeDump, type Dump, type DumpConfig, type DumpMode, type DumpSchema } from '../dump.js'
import { EXIT, InfrastructureError, UsageError } from '../errors.js'
import { CONNECTION_HELP, CONNECTION_OPTIONS, requireConnection } from '../options.js'
import { progress } from '../progress.js'
import { enc, RegistryCalls } from '../registry-calls.js'
import { CONCURRENCY_HELP, inParallel, TRANSFER_CONCURRENCY, transferConcurrency } from './in-parallel.js'
import { collectKeys } from './keys.js'

export const EXPORT_HELP = `Usage: registrum export PATH [options]

Dumps a registry: every subject and version (soft-deleted ones included and flagged) with its id,
schemaType, references, metadata and ruleSet, plus the global, context and subject configs and
modes, and the KEKs and wrapped DEKs of its DEK registry (/dek-registry/v1), if it has one.
Uses plain Confluent REST calls, so it works against any Confluent-compatible registry; from a
Registrum registry, a principal with a global read grant reads 500 subjects a request
(POST /registrum/v1/export/subjects), answered as the single routes would answer.

PATH ending in .jsonl or .ndjson (or '-' for standard output) is written as one JSON-lines file;
any other PATH as a directory (manifest.json plus subjects/<subject>/<version>.json).

Options:
      --layout LAYOUT   jsonl or dir, overriding what PATH suggests
${CONCURRENCY_HELP}
      --one-by-one      read each subject with its own requests, even from a Registrum registry
  -h, --help            show this help

${CONNECTION_HELP}

Examples:
  registrum export backup.jsonl --registry http://old-registry:8081
  registrum export ./registry-export --registry https://psrc-123.confluent.cloud -u KEY --password SECRET

Exit codes:
  0  exported
  2  usage error, or the registry could not be read
`

/** A version as `GET /subjects/{s}/versions/{v}` shows it. */
export interface VersionView {
  subject: string
  version: number
  id: number
  schemaType?: SchemaType
  schema: string
  references?: { name: string; subject: string; version: number }[]
  metadata?: Record<string, unknown>
  ruleSet?: Record<string, unknown>
  /** The soft-delete flag, which registries send since Confluent 8.0. */
  deleted?: boolean
}

/** Version reads in flight per subject, within the subjects read in parallel. */
const VERSIONS_IN_FLIGHT = 4

/** Subjects per request to Registrum's bulk route. */
export const EXPORT_CHUNK = 500

/**
 * Reads `subjects` through Registrum's `POST /registrum/v1/export/subjects`, {@link EXPORT_CHUNK} a
 * request, two requests in flight, handing each subject to `found`. False, having handed over
 * nothing, when the registry has no such route or the caller lacks the global read it needs
 * (the one-by-one reads then export what the caller may read).
 */
async function readInBulk(
  rest: RegistryCalls,
  subjects: readonly string[],
  found: (subject: string, views: VersionView[], config?: Record<string, unknown>, mode?: { mode: string }) => void,
): Promise<boolean> {
  type Answer = {
    subjects: { subject: string; versions: VersionView[]; config?: Record<string, unknown>; mode?: { mode: string } }[]
  }
  const chunks: string[][] = []
  for (let at = 0; at < subjects.length; at += EXPORT_CHUNK) chunks.push(subjects.slice(at, at + EXPORT_CHUNK))
  const read = (chunk: string[]) => rest.post<Answer>(EXPORT_SUBJECTS_PATH, { subjects: chunk })
  const first = await rest.postUnlessRefused<Answer>(
    EXPORT_SUBJECTS_PATH,
    { subjects: chunks[0] ?? [] },
    [403, 404, 405],
  )
  if (first === undefined) return false
  /** Hands over an answer's subjects, and asks again for those a large answer left out (32 MiB of schemas). */
  const take = async (chunk: string[], answer: Answer): Promise<void> => {
    for (const s of answer.subjects) found(s.subject, s.versions, s.config, s.mode)
    const left = chunk.slice(answer.subjects.length)
    if (answer.subjects.length === 0 && left.length > 0)
      throw new InfrastructureError(`${EXPORT_SUBJECTS_PATH} answered no subject`)
    if (left.length > 0) await take(left, await read(left))
  }
  await take(chunks[0] ?? [], first)
  await inParallel(chunks.slice(1), 2, async (chunk) => take(chunk, await read(chunk)))
  return true
}

/** Reads everything `import` needs from a registry, `concurrency` subjects at a time. */
export async function collectDump(rest: RegistryCalls, concurrency = TRANSFER_CONCURRENCY, bulk = true): Promise<Dump> {
  const subjects = (await rest.get<string[]>('/subjects?deleted=true')).sort()
  const bar = progress('export', subjects.length)
  const schemas: DumpSchema[] = []
  const configs: DumpConfig[] = []
  const modes: DumpMode[] = []
  configs.push({ kind: 'config', scope: '', config: await rest.get<Record<string, unknown>>('/config') })
  const globalMode = await rest.get<{ mode: string }>('/mode')
  modes.push({ kind: 'mode', scope: '', mode: globalMode.mode })
  const contexts = (await rest.getOptional<string[]>('/contexts', [40401, 404]).catch(() => undefined)) ?? ['.']
  for (const c of contexts.filter((c) => c !== '.')) {
    const scope = `:${c}:`
    const config = await rest.getOptional<Record<string, unknown>>(`/config/${enc(scope)}`, [40401, 40408])
    if (config) configs.push({ kind: 'config', scope, config })
    const mode = await rest.getOptional<{ mode: string }>(`/mode/${enc(scope)}`, [40401, 40409])
    if (mode) modes.push({ kind: 'mode', scope, mode: mode.mode })
  }
  // Subjects are read in parallel and put together in sorted order.
  const perSubject = new Map<string, { schemas: DumpSchema[]; config?: DumpConfig; mode?: DumpMode }>()
  const found = (subject: string, views: VersionView[], config?: Record<string, unknown>, mode?: { mode: string }) => {
    perSubject.set(subject, {
      schemas: views.map((v) => ({
        kind: 'schema',
        subject,
        version: v.version,
        id: v.id,
        schemaType: v.schemaType ?? 'AVRO',
        schema: v.schema,
        references: v.references ?? [],
        ...(v.metadata ? { metadata: v.metadata } : {}),
        ...(v.ruleSet ? { ruleSet: v.ruleSet } : {}),
        deleted: v.deleted === true,
      })),
      ...(config ? { config: { kind: 'config', scope: subject, config } } : {}),
      ...(mode ? { mode: { kind: 'mode', scope: subject, mode: mode.mode } } : {}),
    })
    bar.tick(subject)
  }
  const inBulk = bulk && (await readInBulk(rest, subjects, found))
  await inParallel(inBulk ? [] : subjects, concurrency, async (subject) => {
    const s = enc(subject)
    const readVersions = async () => {
      const all = await rest.getOptional<number[]>(`/subjects/${s}/versions?deleted=true`, [40401])
      const views: VersionView[] = []
      await inParallel([...(all ?? []).entries()], VERSIONS_IN_FLIGHT, async ([i, version]) => {
        views[i] = await rest.get<VersionView>(`/subjects/${s}/versions/${version}?deleted=true`)
      })
      // A registry that does not flag soft-deleted versions in the view tells them apart by the
      // list of live versions.
      if (views.every((v) => typeof v.deleted === 'boolean')) return views
      const live = new Set((await rest.getOptional<number[]>(`/subjects/${s}/versions`, [40401])) ?? [])
      return views.map((v) => ({ ...v, deleted: !live.has(v.version) }))
    }
    const [views, config, mode] = await Promise.all([
      readVersions(),
      rest.getOptional<Record<string, unknown>>(`/config/${s}`, [40401, 40408]),
      rest.getOptional<{ mode: string }>(`/mode/${s}`, [40401, 40409]),
    ])
    found(subject, views, config, mode)
  })
  for (const subject of subjects) {
    const found = perSubject.get(subject)!
    schemas.push(...found.schemas)
    if (found.config) configs.push(found.config)
    if (found.mode) modes.push(found.mode)
  }
  bar.done()
  const { keks, deks } = await collectKeys(rest)
  return {
    keks,
    deks,
    header: {
      kind: 'registrum-export',
      formatVersion: 1,
      source: rest.connection.url,
      exportedAt: new Date().toISOString(),
    },
    configs,
    modes,
    schemas,
  }
}

/** `registrum export`. */
export async function exportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_OPTIONS,
      layout: { type: 'string' },
      concurrency: { type: 'string' },
      'one-by-one': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    process.stdout.write(EXPORT_HELP)
    return EXIT.OK
  }
  if (positionals.length !== 1) throw new UsageError('export needs exactly one PATH (a .jsonl file, a directory, or -)')
  const path = positionals[0]!
  const layout = values.layout ?? (path === '-' || /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : 'dir')
  if (layout !== 'jsonl' && layout !== 'dir') throw new UsageError(`--layout must be jsonl or dir, got '${layout}'`)
  if (path === '-' && layout !== 'jsonl') throw new UsageError("'-' writes JSON lines; --layout dir needs a directory")
  const concurrency = transferConcurrency(values.concurrency)
  const rest = new RegistryCalls(requireConnection(values, process.env, 'export'), { maxSockets: concurrency })
  const dump = await collectDump(rest, concurrency, !values['one-by-one'])
  const { keks = [], deks = [] } = dump
  if (path === '-') await new Promise<void>((done) => process.stdout.write(dumpLines(dump), () => done()))
  else writeDump(dump, path, layout)
  const deleted = dump.schemas.filter((s) => s.deleted).length
  const subjects = new Set(dump.schemas.map((s) => s.subject)).size
  process.stderr.write(
    `exported ${dump.schemas.length} versions (${deleted} soft-deleted) of ${subjects} subjects, ${dump.configs.length} configs, ${dump.modes.length} modes, ${keks.length} KEKs, ${deks.length} DEKs${path === '-' ? '' : ` to ${path}`}\n`,
  )
  return EXIT.OK
}

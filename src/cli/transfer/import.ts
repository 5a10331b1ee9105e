import { parseArgs } from 'node:util'
import { IMPORT_VERSIONS_PATH } from '../../http/routes/bulk-paths.js'
import { readDump, referenceOrder, type Dump, type DumpSchema } from '../dump.js'
import { EXIT, InfrastructureError, UsageError } from '../errors.js'
import { CONNECTION_HELP, CONNECTION_OPTIONS, requireConnection } from '../options.js'
import { progress } from '../progress.js'
import { enc, SchemaRegistryError, RegistryCalls } from '../registry-calls.js'
import { CONCURRENCY_HELP, inParallel, TRANSFER_CONCURRENCY, transferConcurrency } from './in-parallel.js'
import { type KeyCounts, loadKeys } from './keys.js'

export const IMPORT_HELP = `Usage: registrum import PATH [options]

Loads an export (a JSON-lines file or directory written by 'registrum export') into a registry,
keeping every id and version: the registry is put in IMPORT mode, versions are registered with
their ids in an order that satisfies references, soft deletes are restored, the DEK registry's
KEKs and wrapped DEKs are created in their exported state, then configs and modes, and the
registry returns to its exported global mode (READWRITE unless it was otherwise).
Uses plain Confluent REST calls, so any Confluent-compatible registry can be the target; a
Registrum target takes the versions 500 a request (POST /registrum/v1/import/versions), each
registered and answered as POST /subjects/{subject}/versions would. Keeps
${TRANSFER_CONCURRENCY} requests in flight (a version only after the versions it references),
so the registry can write them in batches.
Running it again is harmless: versions already imported with the same id and schema, and keys
already there with the same content, are left alone; a version the registry holds with another
id or schema is refused. A version the registry refuses is reported and the rest go on; a
registry that fails (5xx) or cannot be reached stops the import, naming the version it was
writing.

Options:
${CONCURRENCY_HELP}
      --one-by-one      register each version with its own request, even on a Registrum target
  -h, --help            show this help

${CONNECTION_HELP}

Examples:
  registrum export backup.jsonl -r http://old-registry:8081
  registrum import backup.jsonl -r http://new-registry:8081

Exit codes:
  0  everything imported
  1  the registry refused some versions (each is reported; the rest were imported)
  2  usage error, or the registry could not be reached
`

const scopePath = (scope: string) => (scope === '' ? '' : `/${enc(scope)}`)

/** What an import did with each version of the dump. */
export interface ImportCounts {
  /** Versions written to the registry. */
  imported: number
  /** Versions the registry already held with the same id (a repeated import). */
  skipped: number
  /** Versions refused, each with the reason. */
  readonly refused: string[]
  /** The DEK registry's KEKs and DEKs (refusals are also in `refused`). */
  keys?: KeyCounts
}

/**
 * Loads `dump` into the registry behind `rest` with `concurrency` requests in flight; returns
 * what was imported, skipped and refused. A failure other than a refusal stops it with an
 * {@link InfrastructureError} naming the version and what was imported before it.
 */
export async function loadDump(
  rest: RegistryCalls,
  dump: Dump,
  concurrency = TRANSFER_CONCURRENCY,
  bulk = true,
): Promise<ImportCounts> {
  const refused: string[] = []
  const counts: ImportCounts = { imported: 0, skipped: 0, refused }
  const contexts = [
    ...new Set(dump.schemas.map((s) => /^:(\.[^:]*):/.exec(s.subject)?.[1]).filter((c) => c !== undefined)),
  ]
  const ordered = referenceOrder(dump.schemas)
  await rest.put('/mode?force=true', { mode: 'IMPORT' })
  for (const c of contexts) await rest.put(`/mode/${enc(`:${c}:`)}?force=true`, { mode: 'IMPORT' })
  // A subject mode (READONLY, say, from an earlier import) would block writes under it until restored.
  const subjectModes = dump.modes.filter((m) => m.scope !== '' && !contexts.some((c) => m.scope === `:${c}:`))
  for (const m of subjectModes) await rest.put(`/mode${scopePath(m.scope)}?force=true`, { mode: 'IMPORT' })
  try {
    const bar = progress('import', ordered.length)
    const present = await presentVersions(rest, dump, concurrency)
    const key = (subject: string, version: number) => `${subject}\u0000${version}`
    const byKey = new Map(ordered.map((s) => [key(s.subject, s.version), s]))
    const dependencies = (s: DumpSchema) =>
      s.references.map((r) => byKey.get(key(r.subject, r.version))).filter((d) => d !== undefined)
    /** What became of one version the target did not hold; a failure of the registry stops the import. */
    const settle = (s: DumpSchema, error?: unknown) => {
      if (error === undefined) counts.imported++
      else if (error instanceof SchemaRegistryError && error.status < 500) {
        refused.push(`${s.subject} version ${s.version} (id ${s.id}): ${error.message}`)
      } else {
        throw new ImportStopped(`${s.subject} version ${s.version} (id ${s.id}): ${(error as Error).message}`, counts, {
          cause: error,
        })
      }
      bar.tick(s.subject)
    }
    /** One version, its own request: registered, or judged against what the target holds. */
    const one = async (s: DumpSchema): Promise<void> => {
      const there = present.get(key(s.subject, s.version))
      if (there === undefined) {
        let error: unknown
        try {
          await rest.post(`/subjects/${enc(s.subject)}/versions`, registration(s))
        } catch (e) {
          error = e
        }
        settle(s, error)
        return
      }
      try {
        if (there.id !== s.id) {
          refused.push(`${s.subject} version ${s.version} (id ${s.id}): the target has it with id ${there.id}`)
        } else if (there.schema === s.schema || (await holds(rest, s))) {
          counts.skipped++
        } else {
          refused.push(
            `${s.subject} version ${s.version} (id ${s.id}): the target has another schema as this version, with this id`,
          )
        }
      } catch (e) {
        settle(s, e)
        return
      }
      bar.tick(s.subject)
    }
    const oneByOne = (versions: readonly DumpSchema[]) => inParallel(versions, concurrency, one, dependencies)
    const missing = ordered.filter((s) => !present.has(key(s.subject, s.version)))
    if (bulk && (await registerInBulk(rest, missing, settle, oneByOne))) {
      await oneByOne(ordered.filter((s) => present.has(key(s.subject, s.version))))
    } else {
      await oneByOne(ordered)
    }
    bar.done()
    // Referrers first, so a soft-deleted version is never still referenced by a live one.
    const deleted = [...ordered].reverse().filter((x) => x.deleted)
    const referrers = new Map<DumpSchema, DumpSchema[]>()
    for (const s of deleted) for (const d of dependencies(s)) referrers.set(d, [...(referrers.get(d) ?? []), s])
    await inParallel(
      deleted,
      concurrency,
      async (s) => {
        try {
          await rest.delete(`/subjects/${enc(s.subject)}/versions/${s.version}`)
        } catch (e) {
          // 40406: already soft-deleted (a repeated import).
          if (!(e instanceof SchemaRegistryError) || e.errorCode !== 40406) throw e
        }
      },
      (s) => referrers.get(s) ?? [],
    )
    if (dump.keks?.length || dump.deks?.length) {
      counts.keys = await loadKeys(rest, dump.keks ?? [], dump.deks ?? [])
      refused.push(...counts.keys.refused)
    }
    for (const c of dump.configs) {
      const { compatibilityLevel, ...rest_ } = c.config
      const body = Object.fromEntries(
        Object.entries({ ...rest_, compatibility: compatibilityLevel }).filter(([, v]) => v != null),
      )
      await rest.put(`/config${scopePath(c.scope)}`, body)
    }
  } catch (e) {
    // The modes are put back as far as the registry lets; the failure that stopped the import is
    // what gets reported, not a later one from the same unreachable registry.
    await restoreModes().catch(() => undefined)
    throw e
  }
  await restoreModes()
  return counts

  async function restoreModes(): Promise<void> {
    const modeOf = (scope: string) => dump.modes.find((m) => m.scope === scope)?.mode
    for (const m of subjectModes) {
      await rest.put(`/mode${scopePath(m.scope)}?force=true`, { mode: m.mode })
    }
    for (const c of contexts) {
      const scope = `:${c}:`
      const mode = modeOf(scope)
      if (mode) await rest.put(`/mode${scopePath(scope)}?force=true`, { mode })
      else await rest.delete(`/mode${scopePath(scope)}`)
    }
    await rest.put('/mode?force=true', { mode: modeOf('') ?? 'READWRITE' })
  }
}

/** Versions per request to Registrum's bulk route, and the most JSON text one request carries. */
export const IMPORT_CHUNK = 500
const IMPORT_CHUNK_BYTES = 4 * 1024 * 1024

/**
 * Registers `versions` (in reference order) through Registrum's `POST /registrum/v1/import/versions`,
 * up to {@link IMPORT_CHUNK} versions and about 4 MiB a request, one request after another so
 * each finds the versions it references; `settle` gets each version's outcome. A request the
 * registry refuses whole (a 4xx: too large for its body limit, say) has its versions registered
 * by `oneByOne` before the next. False, having sent nothing that took effect, when the registry
 * has no such route (any other Confluent-compatible registry).
 */
async function registerInBulk(
  rest: RegistryCalls,
  versions: readonly DumpSchema[],
  settle: (s: DumpSchema, error?: unknown) => void,
  oneByOne: (chunk: readonly DumpSchema[]) => Promise<void>,
): Promise<boolean> {
  type Answer = { results: { status: number; body: { error_code?: number; message?: string } }[] }
  let first = true
  for (let at = 0; at < versions.length; ) {
    const items: Record<string, unknown>[] = []
    let bytes = 0
    for (; at < versions.length && items.length < IMPORT_CHUNK; at++) {
      const s = versions[at]!
      const item = { subject: s.subject, ...registration(s) }
      const size = s.schema.length + s.subject.length + 256
      if (items.length > 0 && bytes + size > IMPORT_CHUNK_BYTES) break
      items.push(item)
      bytes += size
    }
    const chunk = versions.slice(at - items.length, at)
    let answer: Answer | undefined
    try {
      // Only the first request may find the route missing; nothing was sent before it.
      answer = await rest.postUnlessRefused<Answer>(IMPORT_VERSIONS_PATH, { versions: items }, first ? [404, 405] : [])
    } catch (e) {
      if (!(e instanceof SchemaRegistryError) || e.status >= 500) {
        settle(chunk[0]!, e)
        return true
      }
      await oneByOne(chunk)
      first = false
      continue
    }
    if (answer === undefined) return false
    first = false
    // Every outcome of the request is counted before a failure of the registry stops the import.
    let stop: (() => void) | undefined
    for (const [i, r] of answer.results.entries()) {
      const s = chunk[i]!
      const error =
        r.status === 200
          ? undefined
          : rest.answerError('POST', `/subjects/${enc(s.subject)}/versions`, r.status, r.body)
      const refusal = error instanceof SchemaRegistryError && error.status < 500
      if (error !== undefined && !refusal) stop ??= () => settle(s, error)
      else settle(s, error)
    }
    stop?.()
  }
  return true
}

/** The body that registers `s` in IMPORT mode with its id and version. */
export function registration(s: DumpSchema): Record<string, unknown> {
  return {
    schema: s.schema,
    schemaType: s.schemaType,
    ...(s.references.length > 0 ? { references: s.references } : {}),
    ...(s.metadata ? { metadata: s.metadata } : {}),
    ...(s.ruleSet ? { ruleSet: s.ruleSet } : {}),
    id: s.id,
    version: s.version,
  }
}

/**
 * The registry failed (5xx) or could not be reached while a version was being written: the import
 * stops there. The versions already in flight are settled first, so `counts` is what the target
 * holds from this run.
 */
export class ImportStopped extends InfrastructureError {
  constructor(
    at: string,
    readonly counts: ImportCounts,
    options?: ErrorOptions,
  ) {
    super(`import stopped at ${at}`, options)
  }
}

/**
 * True when the target holds `s` as that very version and id, its text written otherwise (the
 * registry's lookup, soft-deleted versions included, decides what is the same schema).
 */
async function holds(rest: RegistryCalls, s: DumpSchema): Promise<boolean> {
  const { id: _id, version: _version, ...body } = registration(s)
  try {
    const found = await rest.post<{ id: number; version: number }>(`/subjects/${enc(s.subject)}?deleted=true`, body)
    return found.id === s.id && found.version === s.version
  } catch (e) {
    if (e instanceof SchemaRegistryError && e.status === 404) return false
    throw e
  }
}

/** Subject-versions of the dump the target already holds (a repeated import): id and text. */
async function presentVersions(
  rest: RegistryCalls,
  dump: Dump,
  concurrency: number,
): Promise<Map<string, { id: number; schema: string }>> {
  const out = new Map<string, { id: number; schema: string }>()
  const wanted = new Set(dump.schemas.map((s) => s.subject))
  const existing = (await rest.get<string[]>('/subjects?deleted=true')).filter((s) => wanted.has(s))
  await inParallel(existing, concurrency, async (subject) => {
    const versions =
      (await rest.getOptional<number[]>(`/subjects/${enc(subject)}/versions?deleted=true`, [40401])) ?? []
    for (const v of versions) {
      const view = await rest.get<{ id: number; schema: string }>(
        `/subjects/${enc(subject)}/versions/${v}?deleted=true`,
      )
      out.set(`${subject}\u0000${v}`, { id: view.id, schema: view.schema })
    }
  })
  return out
}

/** `registrum import`. */
export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_OPTIONS,
      concurrency: { type: 'string' },
      'one-by-one': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    process.stdout.write(IMPORT_HELP)
    return EXIT.OK
  }
  if (positionals.length !== 1) throw new UsageError('import needs exactly one PATH (an export file or directory)')
  const concurrency = transferConcurrency(values.concurrency)
  const rest = new RegistryCalls(requireConnection(values, process.env, 'import'), { maxSockets: concurrency })
  const dump = readDump(positionals[0]!)
  const report = ({ imported, skipped, refused, keys }: ImportCounts, end: string) => {
    for (const r of refused) process.stderr.write(`registrum: refused: ${r}\n`)
    const failedVersions = refused.length - (keys?.refused.length ?? 0)
    process.stderr.write(
      `${dump.schemas.length} versions: ${imported} imported, ${skipped} skipped (already there), ${failedVersions} failed${end}\n`,
    )
  }
  let counts: ImportCounts
  try {
    counts = await loadDump(rest, dump, concurrency, !values['one-by-one'])
  } catch (e) {
    // What got in is said before the reason; running the import again skips it.
    if (e instanceof ImportStopped) report(e.counts, ' before the import stopped; running it again skips what is in')
    throw e
  }
  const { keys } = counts
  const keyLine = keys
    ? `; ${(dump.keks?.length ?? 0) + (dump.deks?.length ?? 0)} keys: ${keys.imported} imported, ${keys.skipped} skipped, ${keys.refused.length} failed`
    : ''
  report(counts, `; ${dump.configs.length} configs, ${dump.modes.length} modes${keyLine}`)
  return counts.refused.length > 0 ? EXIT.FAILED : EXIT.OK
}

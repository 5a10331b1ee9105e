import { parseArgs } from 'node:util'
import { readDump, referenceOrder, type Dump, type DumpSchema } from '../dump.js'
import { EXIT, UsageError } from '../errors.js'
import { CONNECTION_HELP, CONNECTION_OPTIONS, requireConnection } from '../options.js'
import { progress } from '../progress.js'
import { enc, SchemaRegistryError, RegistryCalls } from '../registry-calls.js'
import { inParallel, TRANSFER_CONCURRENCY } from './in-parallel.js'
import { type KeyCounts, loadKeys } from './keys.js'

export const IMPORT_HELP = `Usage: registrum import PATH [options]

Loads an export (a JSON-lines file or directory written by 'registrum export') into a registry,
keeping every id and version: the registry is put in IMPORT mode, versions are registered with
their ids in an order that satisfies references, soft deletes are restored, the DEK registry's
KEKs and wrapped DEKs are created in their exported state, then configs and modes, and the
registry returns to its exported global mode (READWRITE unless it was otherwise).
Uses plain Confluent REST calls, so any Confluent-compatible registry can be the target. Keeps
${TRANSFER_CONCURRENCY} requests in flight (a version only after the versions it references),
so the registry can write them in batches.
Running it again is harmless: versions already imported with the same id, and keys already
there with the same content, are left alone.

Options:
  -h, --help   show this help

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

/** Loads `dump` into the registry behind `rest`; returns what was imported, skipped and refused. */
export async function loadDump(rest: RegistryCalls, dump: Dump): Promise<ImportCounts> {
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
    const present = await presentVersions(rest, dump)
    const key = (subject: string, version: number) => `${subject}\u0000${version}`
    const byKey = new Map(ordered.map((s) => [key(s.subject, s.version), s]))
    const dependencies = (s: DumpSchema) =>
      s.references.map((r) => byKey.get(key(r.subject, r.version))).filter((d) => d !== undefined)
    await inParallel(
      ordered,
      TRANSFER_CONCURRENCY,
      async (s) => {
        const there = present.get(key(s.subject, s.version))
        if (there !== undefined) {
          if (there !== s.id)
            refused.push(`${s.subject} version ${s.version} (id ${s.id}): the target has it with id ${there}`)
          else counts.skipped++
          bar.tick(s.subject)
          return
        }
        try {
          await rest.post(`/subjects/${enc(s.subject)}/versions`, {
            schema: s.schema,
            schemaType: s.schemaType,
            ...(s.references.length > 0 ? { references: s.references } : {}),
            ...(s.metadata ? { metadata: s.metadata } : {}),
            ...(s.ruleSet ? { ruleSet: s.ruleSet } : {}),
            id: s.id,
            version: s.version,
          })
          counts.imported++
        } catch (e) {
          if (!(e instanceof SchemaRegistryError) || e.status >= 500) throw e
          refused.push(`${s.subject} version ${s.version} (id ${s.id}): ${e.message}`)
        }
        bar.tick(s.subject)
      },
      dependencies,
    )
    bar.done()
    // Referrers first, so a soft-deleted version is never still referenced by a live one.
    const deleted = [...ordered].reverse().filter((x) => x.deleted)
    const referrers = new Map<DumpSchema, DumpSchema[]>()
    for (const s of deleted) for (const d of dependencies(s)) referrers.set(d, [...(referrers.get(d) ?? []), s])
    await inParallel(
      deleted,
      TRANSFER_CONCURRENCY,
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
  } finally {
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
  return counts
}

/** Subject-versions of the dump the target already holds (a repeated import), with their ids. */
async function presentVersions(rest: RegistryCalls, dump: Dump): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  const wanted = new Set(dump.schemas.map((s) => s.subject))
  const existing = (await rest.get<string[]>('/subjects?deleted=true')).filter((s) => wanted.has(s))
  for (const subject of existing) {
    const versions =
      (await rest.getOptional<number[]>(`/subjects/${enc(subject)}/versions?deleted=true`, [40401])) ?? []
    for (const v of versions) {
      const view = await rest.get<{ id: number }>(`/subjects/${enc(subject)}/versions/${v}?deleted=true`)
      out.set(`${subject}\u0000${v}`, view.id)
    }
  }
  return out
}

/** `registrum import`. */
export async function importCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CONNECTION_OPTIONS, help: { type: 'boolean', short: 'h' } },
    strict: true,
  })
  if (values.help) {
    process.stdout.write(IMPORT_HELP)
    return EXIT.OK
  }
  if (positionals.length !== 1) throw new UsageError('import needs exactly one PATH (an export file or directory)')
  const rest = new RegistryCalls(requireConnection(values, process.env, 'import'))
  const dump = readDump(positionals[0]!)
  const { imported, skipped, refused, keys } = await loadDump(rest, dump)
  for (const r of refused) process.stderr.write(`registrum: refused: ${r}\n`)
  const failedVersions = refused.length - (keys?.refused.length ?? 0)
  const keyLine = keys
    ? `; ${(dump.keks?.length ?? 0) + (dump.deks?.length ?? 0)} keys: ${keys.imported} imported, ${keys.skipped} skipped, ${keys.refused.length} failed`
    : ''
  process.stderr.write(
    `${dump.schemas.length} versions: ${imported} imported, ${skipped} skipped (already there), ${failedVersions} failed; ` +
      `${dump.configs.length} configs, ${dump.modes.length} modes${keyLine}\n`,
  )
  return refused.length > 0 ? EXIT.FAILED : EXIT.OK
}

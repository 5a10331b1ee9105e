import type { DumpSchema } from '../dump.js'
import { InfrastructureError } from '../errors.js'
import { enc, SchemaRegistryError, type RegistryCalls } from '../registry-calls.js'
import type { VersionView } from '../transfer/export.js'
import { OfflineEngine } from './offline.js'
import type { Candidate, CompatEngine, Verdict } from './outcome.js'

/** Wire body of register, lookup and compatibility requests for a candidate. */
export function requestBody(c: Pick<Candidate, 'schema' | 'type' | 'references'>): Record<string, unknown> {
  return {
    schema: c.schema,
    schemaType: c.type,
    ...(c.references.length > 0
      ? { references: c.references.map((r) => ({ name: r.name, subject: r.subject, version: r.version ?? -1 })) }
      : {}),
  }
}

/**
 * Checks against a live registry with `POST /compatibility/subjects/{s}/versions?verbose=true`,
 * so each subject is judged under the level the registry has for it.
 *
 * Referenced subjects are checked (and staged) first. When a candidate references a subject whose
 * working-tree schema the registry does not hold yet (new or changed in the same change), the
 * registry would resolve the reference to its own latest version, or not at all; the candidate
 * is then judged by the server's engine in memory instead: the registry's versions of every
 * subject involved and the subject's level are loaded, the staged working-tree schemas are added
 * on top, and the same check is asked of it.
 */
export class OnlineEngine implements CompatEngine {
  readonly #staged = new Map<string, { candidate: Candidate; registered: boolean }>()

  constructor(readonly rest: RegistryCalls) {}

  async stage(candidate: Candidate): Promise<void> {
    this.#staged.set(candidate.subject, { candidate, registered: await this.#registered(candidate) })
  }

  async check(candidate: Candidate): Promise<Verdict> {
    const local = candidate.references.some(
      (r) => r.version === undefined && this.#staged.get(r.subject)?.registered === false,
    )
    return local ? this.#checkInMemory(candidate) : this.#checkOnServer(candidate)
  }

  async #checkOnServer(candidate: Candidate): Promise<Verdict> {
    const s = enc(candidate.subject)
    let answer: { is_compatible: boolean; messages?: string[] }
    try {
      answer = await this.rest.post(`/compatibility/subjects/${s}/versions?verbose=true`, requestBody(candidate))
    } catch (e) {
      // Servers that do not fold parse errors into a verbose answer send 42201 instead.
      if (e instanceof SchemaRegistryError && e.status === 422) return { compatible: false, messages: [e.message] }
      if (e instanceof SchemaRegistryError) throw new InfrastructureError(e.message)
      throw e
    }
    const level = await this.#level(candidate.subject)
    const versions = await this.rest.getOptional<number[]>(`/subjects/${s}/versions`, [40401]).catch(() => undefined)
    return {
      compatible: answer.is_compatible,
      messages: answer.messages ?? [],
      ...(level ? { level } : {}),
      ...(versions ? { previousVersions: versions.length } : { previousVersions: 0 }),
    }
  }

  async #checkInMemory(candidate: Candidate): Promise<Verdict> {
    const schemas = await this.#versionsOf([candidate.subject, ...this.#staged.keys()])
    const engine = new OfflineEngine()
    await engine.seedDump({
      header: {
        kind: 'registrum-export',
        formatVersion: 1,
        source: this.rest.connection.url,
        exportedAt: new Date().toISOString(),
      },
      configs: [],
      modes: [],
      schemas,
    })
    for (const { candidate: staged, registered } of this.#staged.values()) if (!registered) await engine.stage(staged)
    const level = await this.#level(candidate.subject)
    if (level) engine.setLevel(candidate.subject, level as Parameters<OfflineEngine['setLevel']>[1])
    return engine.check(candidate)
  }

  /** True when the registry holds exactly this schema under the subject. */
  async #registered(c: Candidate): Promise<boolean> {
    try {
      await this.rest.post(`/subjects/${enc(c.subject)}`, requestBody(c))
      return true
    } catch (e) {
      if (e instanceof SchemaRegistryError && (e.status === 404 || e.status === 422)) return false
      if (e instanceof SchemaRegistryError) throw new InfrastructureError(e.message)
      throw e
    }
  }

  async #level(subject: string): Promise<string | undefined> {
    const config = await this.rest
      .getOptional<{ compatibilityLevel?: string }>(`/config/${enc(subject)}?defaultToGlobal=true`, [40401, 40408])
      .catch(() => undefined)
    return config?.compatibilityLevel
  }

  /** The live versions of `subjects` and of every subject they reference, as export records. */
  async #versionsOf(subjects: readonly string[]): Promise<DumpSchema[]> {
    const out: DumpSchema[] = []
    const seen = new Set<string>()
    const queue: { subject: string; version?: number }[] = subjects.map((subject) => ({ subject }))
    for (let next = queue.shift(); next; next = queue.shift()) {
      const s = enc(next.subject)
      const versions =
        next.version !== undefined
          ? [next.version]
          : ((await this.rest.getOptional<number[]>(`/subjects/${s}/versions`, [40401])) ?? [])
      for (const version of versions) {
        const key = `${next.subject}\u0000${version}`
        if (seen.has(key)) continue
        seen.add(key)
        const v = await this.rest.get<VersionView>(`/subjects/${s}/versions/${version}`)
        const references = v.references ?? []
        out.push({
          kind: 'schema',
          subject: next.subject,
          version: v.version,
          id: v.id,
          schemaType: v.schemaType ?? 'AVRO',
          schema: v.schema,
          references,
          deleted: false,
        })
        for (const r of references) queue.push({ subject: r.subject, version: r.version })
      }
    }
    return out
  }
}

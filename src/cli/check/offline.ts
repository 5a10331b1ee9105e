import type { CompatibilityLevel } from '../../compat/levels.js'
import { InfrastructureError } from '../errors.js'
import type { SchemaType } from '../../formats/format.js'
import { RegistryError } from '../../registry/errors.js'
import { createRegistry, type Registry } from '../../registry/registry.js'
import type { CompatibilityView } from '../../registry/types.js'
import { MemoryStore } from '../../store/memory/memory-store.js'
import { GLOBAL_SCOPE } from '../../formats/model.js'
import { referenceOrder, type Dump } from '../dump.js'
import type { ProjectReference } from '../project.js'
import type { Candidate, CompatEngine, Verdict } from './outcome.js'

const refsOf = (references: readonly ProjectReference[]) =>
  references.map((r) => ({ name: r.name, subject: r.subject, version: r.version ?? -1 }))

/**
 * Checks with no server: an in-memory registry, the server's own engine over a MemoryStore, is
 * seeded with the baseline and then asked exactly what the server would be asked, so verdicts and
 * messages are the server's.
 */
export class OfflineEngine implements CompatEngine {
  readonly registry: Registry = createRegistry({ store: new MemoryStore() })
  readonly #levels = new Map<string, CompatibilityLevel>()

  /**
   * Registers earlier versions of a subject, oldest first, skipping the compatibility check.
   * A version the registry refuses (it does not parse, or a reference does not resolve) is never
   * skipped silently: the latest one, or any one when every earlier version counts (`transitive`),
   * stops the check with the version's origin and the reason; an older one that a non-transitive
   * level never reads is returned as a note.
   */
  async seedHistory(
    subject: string,
    type: SchemaType,
    versions: readonly { label: string; schema: string }[],
    references: readonly ProjectReference[],
    transitive = false,
  ): Promise<string[]> {
    const notes: string[] = []
    for (const [i, v] of versions.entries()) {
      try {
        await this.registry.register(
          subject,
          { schema: v.schema, schemaType: type, references: refsOf(references) },
          { force: true },
        )
      } catch (e) {
        if (!(e instanceof RegistryError)) throw e
        if (transitive || i === versions.length - 1) {
          throw new InfrastructureError(
            `cannot load the baseline of ${subject} from ${v.label}: ${e.message}` +
              (/reference/i.test(e.message)
                ? ' (declare the referenced subject in the project file, or keep its versions beside this one in the baseline)'
                : ''),
          )
        }
        notes.push(`${subject}: ignored ${v.label}, an older version the level does not read: ${e.message}`)
      }
    }
    return notes
  }

  /** Loads an export with its ids, versions, soft deletes and configs, as `import` would. */
  async seedDump(dump: Dump): Promise<void> {
    const r = this.registry
    await r.putMode(GLOBAL_SCOPE, 'IMPORT', true)
    const contexts = new Set(
      dump.schemas.map((s) => /^:(\.[^:]*):/.exec(s.subject)?.[1]).filter((c) => c !== undefined),
    )
    for (const c of contexts) await r.putMode(`:${c}:`, 'IMPORT', true)
    for (const s of referenceOrder(dump.schemas)) {
      await r.register(
        s.subject,
        {
          schema: s.schema,
          schemaType: s.schemaType,
          references: s.references,
          id: s.id,
          version: s.version,
          ...(s.metadata ? { metadata: s.metadata } : {}),
          ...(s.ruleSet ? { ruleSet: s.ruleSet } : {}),
        },
        {},
      )
    }
    for (const s of [...referenceOrder(dump.schemas)].reverse()) {
      if (s.deleted) await r.deleteVersion(s.subject, s.version, false)
    }
    for (const c of dump.configs) {
      const { compatibilityLevel, ...rest } = c.config
      await r.putConfig(c.scope === '' ? GLOBAL_SCOPE : c.scope, { ...rest, compatibility: compatibilityLevel })
    }
    await r.putMode(GLOBAL_SCOPE, 'READWRITE', true)
    for (const c of contexts) await r.putMode(`:${c}:`, null, true)
  }

  /** Sets the level a subject is checked under (from `--level` or the project file). */
  setLevel(subject: string, level: CompatibilityLevel): void {
    this.#levels.set(subject, level)
  }

  async check(candidate: Candidate): Promise<Verdict> {
    const level = this.#levels.get(candidate.subject)
    if (level) await this.registry.putConfig(candidate.subject, { compatibility: level })
    const body = { schema: candidate.schema, schemaType: candidate.type, references: refsOf(candidate.references) }
    let answer: CompatibilityView
    try {
      answer = this.registry.testCompatibility(candidate.subject, undefined, body, { verbose: true })
    } catch (e) {
      if (e instanceof RegistryError) return { compatible: false, messages: [e.message] }
      throw e
    }
    const config = this.registry.getConfig(candidate.subject, { defaultToGlobal: true })
    let previous = 0
    try {
      previous = this.registry.listVersions(candidate.subject).length
    } catch {
      previous = 0
    }
    return {
      compatible: answer.isCompatible,
      messages: answer.messages,
      level: String(config.compatibilityLevel),
      previousVersions: previous,
    }
  }

  async stage(candidate: Candidate): Promise<void> {
    const body = { schema: candidate.schema, schemaType: candidate.type, references: refsOf(candidate.references) }
    try {
      await this.registry.register(candidate.subject, body, { force: true })
    } catch (e) {
      if (!(e instanceof RegistryError)) throw e
    }
  }
}

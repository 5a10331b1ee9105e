import type { SchemaType } from '../formats/format.js'
import type {
  ConfigRecord,
  Mutation,
  SchemaRecord,
  StoreReader,
  StoreTx,
  VersionRecord,
} from './store.js'

const key = (...parts: (string | number)[]) => parts.join('\u0000')

/**
 * The registry's state in memory, with the indexes the hot paths need. Every store keeps one and
 * feeds it mutations in the order they became durable; this is the only place that applies them.
 */
export class RegistryState implements StoreReader {
  readonly #schemas = new Map<string, SchemaRecord>()
  readonly #byHash = new Map<string, number>()
  readonly #versions = new Map<string, VersionRecord[]>()
  readonly #uses = new Map<string, VersionRecord[]>()
  readonly #referrers = new Map<string, Map<string, { context: string; id: number }>>()
  readonly #maxId = new Map<string, number>()
  readonly #configs = new Map<string, ConfigRecord>()
  readonly #modes = new Map<string, string>()
  #generation = 0

  apply(m: Mutation): void {
    this.#generation++
    switch (m.kind) {
      case 'schema':
        return this.#putSchema(m.record)
      case 'version':
        return this.#putVersion(m.record)
      case 'deleteVersion':
        return this.#deleteVersion(m.subject, m.version)
      case 'config':
        if (m.config === null) this.#configs.delete(m.scope)
        else this.#configs.set(m.scope, m.config)
        return
      case 'mode':
        if (m.mode === null) this.#modes.delete(m.scope)
        else this.#modes.set(m.scope, m.mode)
        return
    }
  }

  #putSchema(r: SchemaRecord): void {
    this.#schemas.set(key(r.context, r.id), r)
    this.#byHash.set(key(r.context, r.schemaType, r.guid), r.id)
    if (r.id > (this.#maxId.get(r.context) ?? 0)) this.#maxId.set(r.context, r.id)
    for (const ref of r.references) {
      const k = key(ref.subject, ref.version)
      let set = this.#referrers.get(k)
      if (!set) this.#referrers.set(k, (set = new Map()))
      set.set(key(r.context, r.id), { context: r.context, id: r.id })
    }
  }

  #putVersion(r: VersionRecord): void {
    this.#removeVersion(r.subject, r.version)
    const list = this.#versions.get(r.subject) ?? []
    list.push(r)
    list.sort((a, b) => a.version - b.version)
    this.#versions.set(r.subject, list)
    const uk = key(r.context, r.id)
    const uses = this.#uses.get(uk) ?? []
    uses.push(r)
    this.#uses.set(uk, uses)
  }

  #deleteVersion(subject: string, version: number): void {
    this.#removeVersion(subject, version)
  }

  #removeVersion(subject: string, version: number): void {
    const list = this.#versions.get(subject)
    const old = list?.find((v) => v.version === version)
    if (!list || !old) return
    const rest = list.filter((v) => v !== old)
    if (rest.length === 0) this.#versions.delete(subject)
    else this.#versions.set(subject, rest)
    const uk = key(old.context, old.id)
    const uses = (this.#uses.get(uk) ?? []).filter((v) => v !== old)
    if (uses.length === 0) this.#uses.delete(uk)
    else this.#uses.set(uk, uses)
  }

  schemaById(context: string, id: number): SchemaRecord | undefined {
    return this.#schemas.get(key(context, id))
  }

  idByHash(context: string, schemaType: SchemaType, guid: string): number | undefined {
    return this.#byHash.get(key(context, schemaType, guid))
  }

  versionsOf(subject: string): readonly VersionRecord[] {
    return this.#versions.get(subject) ?? []
  }

  subjects(): Iterable<string> {
    return this.#versions.keys()
  }

  usesOf(context: string, id: number): readonly VersionRecord[] {
    return this.#uses.get(key(context, id)) ?? []
  }

  referrersOf(subject: string, version: number): readonly { context: string; id: number }[] {
    return [...(this.#referrers.get(key(subject, version))?.values() ?? [])]
  }

  maxId(context: string): number {
    return this.#maxId.get(context) ?? 0
  }

  config(scope: string): ConfigRecord | undefined {
    return this.#configs.get(scope)
  }

  mode(scope: string): string | undefined {
    return this.#modes.get(scope)
  }

  generation(): number {
    return this.#generation
  }

  contexts(): string[] {
    const found = new Set<string>(['.'])
    for (const list of this.#versions.values()) for (const v of list) found.add(v.context)
    return [...found].sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a < b ? -1 : a > b ? 1 : 0))
  }
}

/** A transaction over a state: reads go to the state, writes are collected as mutations. */
export class BufferedTx implements StoreTx {
  readonly mutations: Mutation[] = []
  constructor(readonly state: StoreReader) {}

  putSchema(record: SchemaRecord): void {
    this.mutations.push({ kind: 'schema', record })
  }
  putVersion(record: VersionRecord): void {
    this.mutations.push({ kind: 'version', record })
  }
  deleteVersion(subject: string, version: number): void {
    this.mutations.push({ kind: 'deleteVersion', subject, version })
  }
  putConfig(scope: string, config: ConfigRecord | null): void {
    this.mutations.push({ kind: 'config', scope, config })
  }
  putMode(scope: string, mode: string | null): void {
    this.mutations.push({ kind: 'mode', scope, mode })
  }

  schemaById = (context: string, id: number) => this.state.schemaById(context, id)
  idByHash = (context: string, type: SchemaType, guid: string) => this.state.idByHash(context, type, guid)
  versionsOf = (subject: string) => this.state.versionsOf(subject)
  subjects = () => this.state.subjects()
  usesOf = (context: string, id: number) => this.state.usesOf(context, id)
  referrersOf = (subject: string, version: number) => this.state.referrersOf(subject, version)
  maxId = (context: string) => this.state.maxId(context)
  config = (scope: string) => this.state.config(scope)
  mode = (scope: string) => this.state.mode(scope)
  contexts = () => this.state.contexts()
  generation = () => this.state.generation()
}

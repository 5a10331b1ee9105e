import type { SchemaType } from '../formats/format.js'
import {
  type ConfigRecord,
  type DekKey,
  type DekRecord,
  type KekRecord,
  type Mutation,
  type SchemaRecord,
  type StoreReader,
  type StoreTx,
  Topic,
  type VersionRecord,
} from './store.js'

const key = (...parts: (string | number)[]) => parts.join('\u0000')

/**
 * The registry's state in memory, with the indexes the hot paths need. Every store keeps one and
 * feeds it mutations in the order they became durable; this is the only place that applies them.
 *
 * A state built over a `base` is a layer: it answers from its own changes and falls back to the
 * base for everything else, so a writer can see writes that are not durable yet while readers
 * keep reading the base. A layer never changes its base.
 */
export class RegistryState implements StoreReader {
  readonly #schemas = new Map<string, SchemaRecord>()
  readonly #byHash = new Map<string, number>()
  readonly #versions = new Map<string, VersionRecord[]>()
  readonly #uses = new Map<string, VersionRecord[]>()
  readonly #referrers = new Map<string, Map<string, { context: string; id: number }>>()
  readonly #maxId = new Map<string, number>()
  readonly #configs = new Map<string, ConfigRecord | null>()
  readonly #modes = new Map<string, string | null>()
  /** The generation at which each topic last changed in this state. */
  readonly #stamps = new Map<string, number>()
  readonly #keks = new Map<string, KekRecord | null>()
  /** DEKs by KEK name, in {@link compareDeks} order. */
  readonly #deks = new Map<string, DekRecord[]>()
  #generation = 0

  constructor(readonly base?: StoreReader) {}

  apply(m: Mutation): void {
    this.#generation++
    switch (m.kind) {
      case 'schema':
        this.#touch(Topic.schemas, Topic.id(m.record.id))
        return this.#putSchema(m.record)
      case 'version': {
        const old = this.versionsOf(m.record.subject).find((v) => v.version === m.record.version)
        if (old) this.#touchVersion(old)
        this.#touchVersion(m.record)
        return this.#putVersion(m.record)
      }
      case 'deleteVersion': {
        const old = this.versionsOf(m.subject).find((v) => v.version === m.version)
        if (old) this.#touchVersion(old)
        return this.#deleteVersion(m.subject, m.version)
      }
      case 'config':
        this.#touch(Topic.settings)
        this.#setOrRemove(this.#configs, m.scope, m.config)
        return
      case 'mode':
        this.#touch(Topic.settings)
        this.#setOrRemove(this.#modes, m.scope, m.mode)
        return
      case 'kek':
        this.#setOrRemove(this.#keks, m.name, m.record)
        return
      case 'dek':
        return this.#putDek(m.key, m.record)
    }
  }

  #touch(...topics: string[]): void {
    for (const t of topics) this.#stamps.set(t, this.#generation)
  }

  /** The topics a version added or removed changes. */
  #touchVersion(v: VersionRecord): void {
    this.#touch(Topic.subject(v.subject), Topic.id(v.id), Topic.subjects)
    if (v.context !== '.') this.#touch(Topic.contexts)
  }

  #putDek(k: DekKey, record: DekRecord | null): void {
    const list = this.#own(this.#deks, k.kekName, () => this.base?.deksOf(k.kekName)).filter((d) => !sameDek(d, k))
    if (record) {
      list.push(record)
      list.sort(compareDeks)
    }
    this.#setList(this.#deks, k.kekName, list)
  }

  /** A layer records a removal as `null`, so the base's value stays hidden. */
  #setOrRemove<V>(map: Map<string, V | null>, key: string, value: V | null): void {
    if (value !== null) map.set(key, value)
    else if (this.base) map.set(key, null)
    else map.delete(key)
  }

  #putSchema(r: SchemaRecord): void {
    this.#schemas.set(key(r.context, r.id), r)
    this.#byHash.set(key(r.context, r.schemaType, r.guid), r.id)
    if (r.id > this.maxId(r.context)) this.#maxId.set(r.context, r.id)
    for (const ref of r.references) {
      const k = key(ref.subject, ref.version)
      let set = this.#referrers.get(k)
      if (!set) this.#referrers.set(k, (set = new Map()))
      set.set(key(r.context, r.id), { context: r.context, id: r.id })
    }
  }

  #putVersion(r: VersionRecord): void {
    this.#removeVersion(r.subject, r.version)
    const list = this.#own(this.#versions, r.subject, () => this.base?.versionsOf(r.subject))
    list.push(r)
    list.sort((a, b) => a.version - b.version)
    const uses = this.#own(this.#uses, key(r.context, r.id), () => this.base?.usesOf(r.context, r.id))
    uses.push(r)
  }

  /** This state's own list under `k`, copied from the base's on first change. */
  #own<V>(map: Map<string, V[]>, k: string, fromBase: () => readonly V[] | undefined): V[] {
    const own = map.get(k)
    if (own) return own
    const list = [...(fromBase() ?? [])]
    map.set(k, list)
    return list
  }

  /** Stores a list, or forgets it when empty (a layer keeps the empty list to hide the base's). */
  #setList<V>(map: Map<string, V[]>, k: string, list: V[]): void {
    if (list.length > 0 || this.base) map.set(k, list)
    else map.delete(k)
  }

  #deleteVersion(subject: string, version: number): void {
    this.#removeVersion(subject, version)
  }

  #removeVersion(subject: string, version: number): void {
    const list = this.versionsOf(subject)
    const old = list.find((v) => v.version === version)
    if (!old) return
    this.#setList(
      this.#versions,
      subject,
      list.filter((v) => v !== old),
    )
    const uk = key(old.context, old.id)
    this.#setList(
      this.#uses,
      uk,
      this.usesOf(old.context, old.id).filter((v) => v !== old),
    )
  }

  schemaById(context: string, id: number): SchemaRecord | undefined {
    return this.#schemas.get(key(context, id)) ?? this.base?.schemaById(context, id)
  }

  idByHash(context: string, schemaType: SchemaType, guid: string): number | undefined {
    return this.#byHash.get(key(context, schemaType, guid)) ?? this.base?.idByHash(context, schemaType, guid)
  }

  versionsOf(subject: string): readonly VersionRecord[] {
    return this.#versions.get(subject) ?? this.base?.versionsOf(subject) ?? []
  }

  subjects(): Iterable<string> {
    if (!this.base) return this.#versions.keys()
    const found = new Set(this.base.subjects())
    for (const [subject, list] of this.#versions) {
      if (list.length > 0) found.add(subject)
      else found.delete(subject)
    }
    return found
  }

  usesOf(context: string, id: number): readonly VersionRecord[] {
    return this.#uses.get(key(context, id)) ?? this.base?.usesOf(context, id) ?? []
  }

  referrersOf(subject: string, version: number): readonly { context: string; id: number }[] {
    const own = [...(this.#referrers.get(key(subject, version))?.values() ?? [])]
    if (!this.base) return own
    const inBase = this.base.referrersOf(subject, version)
    return [...inBase, ...own.filter((r) => !inBase.some((b) => b.context === r.context && b.id === r.id))]
  }

  maxId(context: string): number {
    return Math.max(this.#maxId.get(context) ?? 0, this.base?.maxId(context) ?? 0)
  }

  config(scope: string): ConfigRecord | undefined {
    const own = this.#configs.get(scope)
    return own === null ? undefined : (own ?? this.base?.config(scope))
  }

  mode(scope: string): string | undefined {
    const own = this.#modes.get(scope)
    return own === null ? undefined : (own ?? this.base?.mode(scope))
  }

  generation(): number {
    return this.#generation + (this.base?.generation() ?? 0)
  }

  stamp(topic: string): number {
    return (this.#stamps.get(topic) ?? 0) + (this.base?.stamp(topic) ?? 0)
  }

  kek(name: string): KekRecord | undefined {
    const own = this.#keks.get(name)
    return own === null ? undefined : (own ?? this.base?.kek(name))
  }

  keks(): Iterable<KekRecord> {
    const found = new Map<string, KekRecord>()
    if (this.base) for (const k of this.base.keks()) found.set(k.name, k)
    for (const [name, k] of this.#keks) {
      if (k) found.set(name, k)
      else found.delete(name)
    }
    return found.values()
  }

  deksOf(kekName: string): readonly DekRecord[] {
    return this.#deks.get(kekName) ?? this.base?.deksOf(kekName) ?? []
  }

  contexts(): string[] {
    const found = new Set<string>(['.'])
    for (const subject of this.subjects()) for (const v of this.versionsOf(subject)) found.add(v.context)
    return [...found].sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a < b ? -1 : a > b ? 1 : 0))
  }
}

/** Whether a DEK has this identity. */
export function sameDek(a: DekKey, b: DekKey): boolean {
  return a.kekName === b.kekName && a.subject === b.subject && a.algorithm === b.algorithm && a.version === b.version
}

/** DEK order: subject, algorithm, version. */
export function compareDeks(a: DekKey, b: DekKey): number {
  if (a.subject !== b.subject) return a.subject < b.subject ? -1 : 1
  if (a.algorithm !== b.algorithm) return a.algorithm < b.algorithm ? -1 : 1
  return a.version - b.version
}

/**
 * A {@link StoreReader} that answers every read from {@link reads}, looked up on each call. The
 * reads are methods on the prototype: a store transaction creates one of these per call, and
 * per-instance bound functions made each of them fifteen closures bigger.
 */
export abstract class ReadThrough implements StoreReader {
  /** Where the reads go. */
  protected abstract get reads(): StoreReader

  schemaById(c: string, id: number): SchemaRecord | undefined {
    return this.reads.schemaById(c, id)
  }
  idByHash(c: string, t: SchemaType, g: string): number | undefined {
    return this.reads.idByHash(c, t, g)
  }
  versionsOf(s: string): readonly VersionRecord[] {
    return this.reads.versionsOf(s)
  }
  subjects(): Iterable<string> {
    return this.reads.subjects()
  }
  usesOf(c: string, id: number): readonly VersionRecord[] {
    return this.reads.usesOf(c, id)
  }
  referrersOf(s: string, v: number): readonly { context: string; id: number }[] {
    return this.reads.referrersOf(s, v)
  }
  maxId(c: string): number {
    return this.reads.maxId(c)
  }
  config(s: string): ConfigRecord | undefined {
    return this.reads.config(s)
  }
  mode(s: string): string | undefined {
    return this.reads.mode(s)
  }
  contexts(): string[] {
    return this.reads.contexts()
  }
  generation(): number {
    return this.reads.generation()
  }
  stamp(t: string): number {
    return this.reads.stamp(t)
  }
  kek(n: string): KekRecord | undefined {
    return this.reads.kek(n)
  }
  keks(): Iterable<KekRecord> {
    return this.reads.keks()
  }
  deksOf(n: string): readonly DekRecord[] {
    return this.reads.deksOf(n)
  }
}

/** A transaction over a state: reads go to the state, writes are collected as mutations. */
export class BufferedTx extends ReadThrough implements StoreTx {
  readonly mutations: Mutation[] = []
  constructor(readonly state: StoreReader) {
    super()
  }

  protected get reads(): StoreReader {
    return this.state
  }

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
  putKek(name: string, record: KekRecord | null): void {
    this.mutations.push({ kind: 'kek', name, record })
  }
  putDek(key: DekKey, record: DekRecord | null): void {
    const { kekName, subject, algorithm, version } = key
    this.mutations.push({ kind: 'dek', key: { kekName, subject, algorithm, version }, record })
  }
}

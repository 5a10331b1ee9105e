import { RegistryState } from '../state.js'
import type { Mutation } from '../store.js'
import {
  contextOf,
  decodeKey,
  encodeKey,
  hashStoredText,
  isStateKey,
  NOOP_KEY,
  overlay,
  recordMutations,
  touchedKeys,
  truthValue,
  type LogRecord,
  type RecordKey,
  type StoredSchemaHash,
  type TruthReader,
} from './records.js'

/** Header names of our records; Confluent and Karapace ignore headers. */
export const H = {
  txn: 'registrum.txn',
  base: 'registrum.base',
  count: 'registrum.count',
  mutations: 'registrum.mutations',
} as const

/** One record read from the topic. */
export interface IncomingRecord {
  readonly offset: number
  readonly key: string | null
  readonly value: string | null
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly timestamp: number
}

/** Where a node stands in the log; with the state, this is everything a snapshot must hold. */
export interface LogPosition {
  /** Next offset to read. */
  readonly next: number
  /** Offset of the last record that changed the state (a winning group or a foreign record). */
  readonly lastWrite: number
  /** Keys whose latest record is a losing one with a value that differs from the state. */
  readonly outstanding: readonly string[]
}

interface OpenGroup {
  readonly txn: string
  readonly base: number
  readonly count: number
  readonly mutations: Mutation[]
  readonly records: IncomingRecord[]
}

/**
 * Applies the topic to a state in log order by one deterministic rule, so every node that reads
 * the same log holds the same state:
 *
 * - our transaction is a group, one producer batch (so it lands whole and contiguous): a NOOP
 *   marker carrying the exact mutations and the offset its state was read at (`base`), then
 *   the records in Confluent's format;
 * - a group wins when nothing changed the state at or after its `base` (`lastWrite < base`);
 *   a losing group changes nothing;
 * - a record without our headers (written by Confluent or Karapace), or ours whose marker
 *   compaction removed, is applied as the incumbent applies it: last write wins per key;
 * - a key whose latest record is a loser with another value than the state's is outstanding
 *   until a winning group rewrites it, so the log's last value per key (what compaction keeps
 *   and what the incumbent reads) converges on the state.
 */
export class LogApplier {
  readonly state = new RegistryState()
  #next = 0
  #lastWrite = -1
  readonly #outstanding = new Map<string, RecordKey>()
  #open: OpenGroup | undefined

  constructor(
    private readonly hooks: {
      /** Mutations as applied, in order (for the snapshot). */
      applied?: (mutations: readonly Mutation[]) => void
      /** The fate of one of our groups, by transaction id. */
      decided?: (txn: string, won: boolean) => void
      /** The dedup hash of a schema record the incumbent wrote (default: of its text as stored). */
      hashForeign?: StoredSchemaHash
    } = {},
  ) {}

  get position(): LogPosition {
    return { next: this.#next, lastWrite: this.#lastWrite, outstanding: [...this.#outstanding.keys()] }
  }

  /** Resumes from a snapshot's position (its state must be loaded into {@link state}). */
  restore(p: LogPosition): void {
    this.#next = p.next
    this.#lastWrite = p.lastWrite
    this.#outstanding.clear()
    for (const raw of p.outstanding) {
      const k = decodeKey(raw)
      if (isStateKey(k)) this.#outstanding.set(raw, k)
    }
  }

  get next(): number {
    return this.#next
  }

  /** True when a group is waiting for more of its records. */
  get midGroup(): boolean {
    return this.#open !== undefined
  }

  handle(r: IncomingRecord): void {
    if (r.offset < this.#next) return
    this.#next = r.offset + 1
    const txn = r.headers[H.txn]
    const isMarker = txn !== undefined && r.key === NOOP_KEY && r.headers[H.base] !== undefined
    if (this.#open && (isMarker || txn !== this.#open.txn)) this.#closeIncomplete()
    if (isMarker) {
      const base = Number(r.headers[H.base])
      const count = Number(r.headers[H.count] ?? '0')
      const mutations = JSON.parse(r.headers[H.mutations] ?? '[]') as Mutation[]
      this.#open = { txn, base, count, mutations, records: [] }
      if (count === 0) this.#decide(r.offset)
      return
    }
    if (this.#open) {
      this.#open.records.push(r)
      if (this.#open.records.length === this.#open.count) this.#decide(r.offset)
      return
    }
    this.#applyAsIncumbent(r)
  }

  /** Settles a group cut short (only compaction does that); call once caught up. */
  settle(): void {
    if (this.#open) this.#closeIncomplete()
  }

  /**
   * Records that rewrite every outstanding key with the state's value: first a tombstone for
   * every outstanding SCHEMA key (so a reader drops whatever id the stale record claimed), then
   * the state's value for every key that has one. {@link groupRecords} puts a transaction's own
   * records between the two.
   */
  repairs(): LogRecord[] {
    const clear: LogRecord[] = []
    const restore: LogRecord[] = []
    for (const [raw, k] of this.#outstanding) {
      const value = truthValue(this.state, k)
      if (k.keytype === 'SCHEMA' || value === null) clear.push({ key: raw, value: null })
      if (value !== null) restore.push({ key: raw, value })
    }
    return [...clear, ...restore]
  }

  #decide(offset: number): void {
    const g = this.#open!
    this.#open = undefined
    const won = this.#lastWrite < g.base
    if (won) {
      this.#apply(g.mutations)
      this.#lastWrite = offset
      for (const r of g.records) if (r.key !== null) this.#outstanding.delete(r.key)
      // A stale record still in the log may claim an id this group's records use; the
      // incumbent's reader ignores a record whose id already names another schema, so these
      // records are written again after the stale one is tombstoned.
      if ([...this.#outstanding.values()].some((k) => k.keytype === 'SCHEMA')) {
        for (const r of g.records) if (r.value !== null) this.#markSchemaKey(r.key)
      }
    } else {
      const last = new Map<string, IncomingRecord>()
      for (const r of g.records) if (r.key !== null) last.set(r.key, r)
      for (const r of last.values()) {
        const k = decodeKey(r.key!)
        if (!isStateKey(k)) continue
        if (truthValue(this.state, k) !== r.value) this.#outstanding.set(k.raw, k)
        if (k.keytype === 'SCHEMA' && r.value !== null) this.#reassertClaimedId(k.subject, r.value)
      }
    }
    this.hooks.decided?.(g.txn, won)
  }

  #markSchemaKey(raw: string | null): void {
    const k = raw === null ? undefined : decodeKey(raw)
    if (k?.keytype === 'SCHEMA') this.#outstanding.set(k.raw, k)
  }

  /**
   * A losing record claimed an id that names another schema in the state: a reader that takes
   * the last record per id (Karapace) would serve the loser's text, so one version using the id
   * is written again.
   */
  #reassertClaimedId(subject: string, rawValue: string): void {
    let value: { id?: unknown; schema?: unknown }
    try {
      value = JSON.parse(rawValue) as { id?: unknown; schema?: unknown }
    } catch {
      return
    }
    if (typeof value.id !== 'number') return
    const context = contextOf(subject)
    const held = this.state.schemaById(context, value.id)
    if (!held || held.schema === value.schema) return
    const use = this.state.usesOf(context, value.id)[0]
    if (use) this.#markSchemaKey(encodeKey({ keytype: 'SCHEMA', subject: use.subject, version: use.version }))
  }

  #closeIncomplete(): void {
    const g = this.#open!
    this.#open = undefined
    for (const r of g.records) this.#applyAsIncumbent(r)
    this.hooks.decided?.(g.txn, false)
  }

  #applyAsIncumbent(r: IncomingRecord): void {
    if (r.key === null) return
    // Our records keep their transaction header after compaction removed the group's marker.
    const ours = r.headers[H.txn] !== undefined
    const mutations = recordMutations(
      this.state,
      r.key,
      r.value,
      r.timestamp,
      ours ? undefined : (this.hooks.hashForeign ?? hashStoredText),
    )
    if (mutations.length === 0) return
    this.#apply(mutations)
    this.#lastWrite = r.offset
    this.#outstanding.delete(r.key)
  }

  #apply(mutations: readonly Mutation[]): void {
    for (const m of mutations) this.state.apply(m)
    this.hooks.applied?.(mutations)
  }
}

/** The records of one transaction: marker first, then one record per touched key, then repairs. */
export function groupRecords(
  txn: string,
  base: number,
  mutations: readonly Mutation[],
  before: TruthReader,
  repairs: readonly LogRecord[],
): { key: string; value: string | null; headers: Record<string, string> }[] {
  const after = overlay(before, mutations)
  const body = touchedKeys(mutations).map((k) => ({ key: encodeKey(k), value: truthValue(after, k) }))
  const keys = new Set(body.map((r) => r.key))
  // Tombstones first, so a reader drops what stale records claimed before any value lands.
  const clear = repairs.filter((r) => r.value === null)
  const restore = repairs.filter((r) => r.value !== null && !keys.has(r.key))
  const all = [...clear, ...body, ...restore]
  return [
    {
      key: NOOP_KEY,
      value: null,
      headers: {
        [H.txn]: txn,
        [H.base]: String(base),
        [H.count]: String(all.length),
        [H.mutations]: JSON.stringify(mutations),
      },
    },
    ...all.map((r) => ({ key: r.key, value: r.value, headers: { [H.txn]: txn } })),
  ]
}

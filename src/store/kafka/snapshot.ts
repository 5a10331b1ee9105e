import type { Database as Db, Statement } from 'better-sqlite3'
import { openDatabase } from '../sqlite/open.js'
import { StateTables } from '../sqlite/state-tables.js'
import type { RegistryState } from '../state.js'
import type { Mutation } from '../store.js'
import type { LogPosition } from './log-applier.js'

/**
 * A local SQLite copy of the state a node built from the topic, with the position it reached,
 * so a restart reads only the tail. Same tables as the SQLite store. It is a cache, never the
 * truth: mutations are re-applied idempotently from the stored position, so a snapshot that is
 * behind (or a lost one) only costs replay time.
 */
export class Snapshot {
  readonly #db: Db
  readonly #tables: StateTables
  readonly #putPosition: Statement
  #pending: Mutation[] = []

  constructor(
    path: string,
    private readonly topic: string,
  ) {
    // The topic is the durable copy; the snapshot may lag behind after a crash.
    this.#db = openDatabase(path, { synchronous: 'NORMAL', constrained: false })
    this.#tables = new StateTables(this.#db)
    this.#putPosition = this.#db.prepare(
      'INSERT OR REPLACE INTO kafka_position (topic, next_offset, last_write, outstanding) VALUES (?, ?, ?, ?)',
    )
  }

  /** Loads the stored state into `state`; the position to resume from, if any. */
  load(state: RegistryState): LogPosition | undefined {
    const row = this.#db.prepare('SELECT * FROM kafka_position WHERE topic = ?').get(this.topic) as
      | { next_offset: number; last_write: number; outstanding: string }
      | undefined
    if (!row) return undefined
    this.#tables.load(state)
    return { next: row.next_offset, lastWrite: row.last_write, outstanding: JSON.parse(row.outstanding) }
  }

  /** Queues applied mutations until the next {@link flush}. */
  record(mutations: readonly Mutation[]): void {
    this.#pending.push(...mutations)
  }

  /** Writes queued mutations and the position in one SQLite transaction. */
  flush(p: LogPosition): void {
    const pending = this.#pending
    this.#pending = []
    this.#db.transaction(() => {
      for (const m of pending) this.#tables.persist(m)
      this.#putPosition.run(this.topic, p.next, p.lastWrite, JSON.stringify(p.outstanding))
    })()
  }

  close(): void {
    if (this.#db.open) this.#db.close()
  }
}

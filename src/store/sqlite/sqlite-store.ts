import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database, { type Database as Db } from 'better-sqlite3'
import { packageRoot } from '../../paths.js'
import { BufferedTx, RegistryState } from '../state.js'
import type { Store, StoreTx } from '../store.js'
import { migrate } from './migrate.js'
import { StateTables } from './state-tables.js'

/**
 * The embedded default store: one SQLite file in WAL mode, loaded into memory at start so every
 * read is a map lookup; each transaction is one SQLite transaction, applied to memory only after
 * it committed.
 */
export class SqliteStore extends RegistryState implements Store {
  readonly #db: Db
  readonly #tables: StateTables

  constructor(readonly path: string) {
    super()
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.#db = new Database(path)
    this.#db.pragma('journal_mode = WAL')
    // FULL syncs the WAL on every commit: an acknowledged write survives kill -9 and also a
    // machine crash. Schema writes are rare, so the fsync costs nothing that matters.
    this.#db.pragma('synchronous = FULL')
    this.#db.pragma('foreign_keys = ON')
    this.#db.pragma('busy_timeout = 5000')
    migrate(this.#db, join(packageRoot(), 'migrations'))
    this.#tables = new StateTables(this.#db)
    this.#tables.load(this)
  }

  async transaction<T>(fn: (tx: StoreTx) => T): Promise<T> {
    // Runs synchronously from start to commit, so transactions never interleave in this process.
    const tx = new BufferedTx(this)
    const result = fn(tx)
    if (tx.mutations.length > 0) {
      this.#db.transaction(() => {
        for (const m of tx.mutations) this.#tables.persist(m)
      })()
      for (const m of tx.mutations) this.apply(m)
    }
    return result
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close()
  }
}

import { GroupCommit } from '../group-commit.js'
import { RegistryState } from '../state.js'
import type { Store, StoreTx } from '../store.js'
import { openDatabase } from './open.js'
import { InlineWriter, ThreadWriter } from './sqlite-writer.js'
import { StateTables } from './state-tables.js'

/**
 * The embedded default store: one SQLite file in WAL mode, loaded into memory at start so every
 * read is a map lookup. Writes use group commit: the transactions that arrive while a batch is
 * being synced share the next SQLite transaction and its one sync, written by a worker thread so
 * reads never wait for it; each is applied to memory, and answered, only after it is durable.
 */
export class SqliteStore extends RegistryState implements Store {
  readonly #commit: GroupCommit

  constructor(readonly path: string) {
    super()
    const db = openDatabase(path)
    new StateTables(db).load(this)
    if (path === ':memory:') {
      this.#commit = new GroupCommit(this, new InlineWriter(db))
    } else {
      db.close()
      this.#commit = new GroupCommit(this, new ThreadWriter(path))
    }
  }

  transaction<T>(fn: (tx: StoreTx) => T): Promise<T> {
    return this.#commit.transaction(fn)
  }

  async ready(): Promise<void> {}

  async close(): Promise<void> {
    await this.#commit.drain()
    await this.#commit.writer.close()
  }
}

import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database, { type Database as Db } from 'better-sqlite3'
import { packageRoot } from '../../paths.js'
import type { Mutation } from '../store.js'
import { TransactionWriteError } from '../group-commit.js'
import { migrate } from './migrate.js'
import type { StateTables } from './state-tables.js'

export interface OpenOptions {
  /**
   * `FULL` (the default) syncs the WAL on every commit: an acknowledged write survives kill -9
   * and also a machine crash; group commit shares one sync among the transactions that arrive
   * together. `NORMAL` suits a copy that may lag behind after a crash, like the Kafka snapshot.
   */
  readonly synchronous?: 'FULL' | 'NORMAL'
  /** Enforce foreign keys and wait up to 5 s for a lock (default true). */
  readonly constrained?: boolean
  /** Apply the migrations the file has not seen (default true; off for a file already opened). */
  readonly migrate?: boolean
}

/**
 * Opens (creating its folder) a SQLite file holding the registry's tables, in WAL mode, and
 * brings it to the latest migration.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`)
  if (options.constrained ?? true) {
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000')
  }
  if (options.migrate ?? true) migrate(db, join(packageRoot(), 'migrations'))
  return db
}

/**
 * Writes a batch of transactions as one SQLite transaction: one commit, one sync. When a
 * transaction's rows fail, the batch rolls back and the error names that transaction.
 */
export function writeBatch(db: Db, tables: StateTables, batch: readonly (readonly Mutation[])[]): void {
  let at = -1
  try {
    db.transaction(() => {
      batch.forEach((mutations, i) => {
        at = i
        for (const m of mutations) tables.persist(m)
      })
      at = -1
    })()
  } catch (e) {
    if (at >= 0) throw new TransactionWriteError(at, (e as Error).message, (e as { code?: string }).code)
    throw e
  }
}

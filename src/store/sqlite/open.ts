import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database, { type Database as Db } from 'better-sqlite3'
import type { Mutation } from '../store.js'
import { TransactionWriteError } from '../group-commit.js'
import type { StateTables } from './state-tables.js'

/** Opens the registry's SQLite file with the settings every connection to it uses. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  // FULL syncs the WAL on every commit: an acknowledged write survives kill -9 and also a
  // machine crash. Group commit shares one sync among the transactions that arrive together.
  db.pragma('synchronous = FULL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
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

import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database, { type Database as Db, type Statement } from 'better-sqlite3'
import type { SchemaType } from '../../formats/format.js'
import { packageRoot } from '../../paths.js'
import { BufferedTx, RegistryState } from '../state.js'
import type { Mutation, SchemaRecord, Store, StoreTx, VersionRecord } from '../store.js'
import { migrate } from './migrate.js'

interface SchemaRow {
  context: string
  id: number
  schema_type: string
  schema: string
  refs: string
  metadata: string | null
  rule_set: string | null
  guid: string
}
interface VersionRow {
  subject: string
  version: number
  context: string
  id: number
  deleted: number
  ts: number
}

/**
 * The embedded default store: one SQLite file in WAL mode, loaded into memory at start so every
 * read is a map lookup; each transaction is one SQLite transaction, applied to memory only after
 * it committed.
 */
export class SqliteStore extends RegistryState implements Store {
  readonly #db: Db
  readonly #stmts: Record<
    'putSchema' | 'putVersion' | 'deleteVersion' | 'putConfig' | 'deleteConfig' | 'putMode' | 'deleteMode',
    Statement
  >

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
    this.#stmts = {
      putSchema: this.#db.prepare(
        `INSERT OR REPLACE INTO schemas (context, id, schema_type, schema, refs, metadata, rule_set, guid)
         VALUES (@context, @id, @schema_type, @schema, @refs, @metadata, @rule_set, @guid)`,
      ),
      putVersion: this.#db.prepare(
        `INSERT OR REPLACE INTO versions (subject, version, context, id, deleted, ts)
         VALUES (@subject, @version, @context, @id, @deleted, @ts)`,
      ),
      deleteVersion: this.#db.prepare('DELETE FROM versions WHERE subject = ? AND version = ?'),
      putConfig: this.#db.prepare('INSERT OR REPLACE INTO configs (scope, config) VALUES (?, ?)'),
      deleteConfig: this.#db.prepare('DELETE FROM configs WHERE scope = ?'),
      putMode: this.#db.prepare('INSERT OR REPLACE INTO modes (scope, mode) VALUES (?, ?)'),
      deleteMode: this.#db.prepare('DELETE FROM modes WHERE scope = ?'),
    }
    this.#load()
  }

  #load(): void {
    for (const r of this.#db.prepare('SELECT * FROM schemas ORDER BY context, id').all() as SchemaRow[]) {
      const record: SchemaRecord = {
        context: r.context,
        id: r.id,
        schemaType: r.schema_type as SchemaType,
        schema: r.schema,
        references: JSON.parse(r.refs),
        ...(r.metadata ? { metadata: JSON.parse(r.metadata) } : {}),
        ...(r.rule_set ? { ruleSet: JSON.parse(r.rule_set) } : {}),
        guid: r.guid,
      }
      this.apply({ kind: 'schema', record })
    }
    for (const r of this.#db.prepare('SELECT * FROM versions ORDER BY subject, version').all() as VersionRow[]) {
      const record: VersionRecord = { ...r, deleted: r.deleted === 1 }
      this.apply({ kind: 'version', record })
    }
    for (const r of this.#db.prepare('SELECT scope, config FROM configs').all() as { scope: string; config: string }[]) {
      this.apply({ kind: 'config', scope: r.scope, config: JSON.parse(r.config) })
    }
    for (const r of this.#db.prepare('SELECT scope, mode FROM modes').all() as { scope: string; mode: string }[]) {
      this.apply({ kind: 'mode', scope: r.scope, mode: r.mode })
    }
  }

  #persist(m: Mutation): void {
    switch (m.kind) {
      case 'schema': {
        const r = m.record
        this.#stmts.putSchema.run({
          context: r.context,
          id: r.id,
          schema_type: r.schemaType,
          schema: r.schema,
          refs: JSON.stringify(r.references),
          metadata: r.metadata ? JSON.stringify(r.metadata) : null,
          rule_set: r.ruleSet ? JSON.stringify(r.ruleSet) : null,
          guid: r.guid,
        })
        return
      }
      case 'version':
        this.#stmts.putVersion.run({ ...m.record, deleted: m.record.deleted ? 1 : 0 })
        return
      case 'deleteVersion':
        this.#stmts.deleteVersion.run(m.subject, m.version)
        return
      case 'config':
        if (m.config === null) this.#stmts.deleteConfig.run(m.scope)
        else this.#stmts.putConfig.run(m.scope, JSON.stringify(m.config))
        return
      case 'mode':
        if (m.mode === null) this.#stmts.deleteMode.run(m.scope)
        else this.#stmts.putMode.run(m.scope, m.mode)
        return
    }
  }

  async transaction<T>(fn: (tx: StoreTx) => T): Promise<T> {
    // Runs synchronously from start to commit, so transactions never interleave in this process.
    const tx = new BufferedTx(this)
    const result = fn(tx)
    if (tx.mutations.length > 0) {
      this.#db.transaction(() => {
        for (const m of tx.mutations) this.#persist(m)
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

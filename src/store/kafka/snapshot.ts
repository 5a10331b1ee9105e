import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database, { type Database as Db, type Statement } from 'better-sqlite3'
import type { SchemaType } from '../../formats/format.js'
import { packageRoot } from '../../paths.js'
import { migrate } from '../sqlite/migrate.js'
import type { RegistryState } from '../state.js'
import type { Mutation } from '../store.js'
import type { LogPosition } from './log-applier.js'

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
 * A local SQLite copy of the state a node built from the topic, with the position it reached,
 * so a restart reads only the tail. Same tables as the SQLite store. It is a cache, never the
 * truth: mutations are re-applied idempotently from the stored position, so a snapshot that is
 * behind (or a lost one) only costs replay time.
 */
export class Snapshot {
  readonly #db: Db
  readonly #s: Record<string, Statement>
  #pending: Mutation[] = []

  constructor(
    path: string,
    private readonly topic: string,
  ) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    this.#db = new Database(path)
    this.#db.pragma('journal_mode = WAL')
    // The topic is the durable copy; the snapshot may lag behind after a crash.
    this.#db.pragma('synchronous = NORMAL')
    migrate(this.#db, join(packageRoot(), 'migrations'))
    this.#db.exec(`CREATE TABLE IF NOT EXISTS kafka_position (
      topic TEXT PRIMARY KEY, next_offset INTEGER NOT NULL, last_write INTEGER NOT NULL, outstanding TEXT NOT NULL) STRICT`)
    this.#s = {
      putSchema: this.#db.prepare(
        `INSERT OR REPLACE INTO schemas (context, id, schema_type, schema, refs, metadata, rule_set, guid)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      putVersion: this.#db.prepare(
        'INSERT OR REPLACE INTO versions (subject, version, context, id, deleted, ts) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      deleteVersion: this.#db.prepare('DELETE FROM versions WHERE subject = ? AND version = ?'),
      putConfig: this.#db.prepare('INSERT OR REPLACE INTO configs (scope, config) VALUES (?, ?)'),
      deleteConfig: this.#db.prepare('DELETE FROM configs WHERE scope = ?'),
      putMode: this.#db.prepare('INSERT OR REPLACE INTO modes (scope, mode) VALUES (?, ?)'),
      deleteMode: this.#db.prepare('DELETE FROM modes WHERE scope = ?'),
      putPosition: this.#db.prepare(
        'INSERT OR REPLACE INTO kafka_position (topic, next_offset, last_write, outstanding) VALUES (?, ?, ?, ?)',
      ),
    }
  }

  /** Loads the stored state into `state`; the position to resume from, if any. */
  load(state: RegistryState): LogPosition | undefined {
    const row = this.#db.prepare('SELECT * FROM kafka_position WHERE topic = ?').get(this.topic) as
      | { next_offset: number; last_write: number; outstanding: string }
      | undefined
    if (!row) return undefined
    for (const r of this.#db.prepare('SELECT * FROM schemas ORDER BY context, id').all() as SchemaRow[]) {
      state.apply({
        kind: 'schema',
        record: {
          context: r.context,
          id: r.id,
          schemaType: r.schema_type as SchemaType,
          schema: r.schema,
          references: JSON.parse(r.refs),
          ...(r.metadata ? { metadata: JSON.parse(r.metadata) } : {}),
          ...(r.rule_set ? { ruleSet: JSON.parse(r.rule_set) } : {}),
          guid: r.guid,
        },
      })
    }
    for (const r of this.#db.prepare('SELECT * FROM versions ORDER BY subject, version').all() as VersionRow[]) {
      state.apply({
        kind: 'version',
        record: { subject: r.subject, version: r.version, context: r.context, id: r.id, deleted: r.deleted === 1, ts: r.ts },
      })
    }
    for (const r of this.#db.prepare('SELECT scope, config FROM configs').all() as { scope: string; config: string }[]) {
      state.apply({ kind: 'config', scope: r.scope, config: JSON.parse(r.config) })
    }
    for (const r of this.#db.prepare('SELECT scope, mode FROM modes').all() as { scope: string; mode: string }[]) {
      state.apply({ kind: 'mode', scope: r.scope, mode: r.mode })
    }
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
      for (const m of pending) this.#persist(m)
      this.#s.putPosition!.run(this.topic, p.next, p.lastWrite, JSON.stringify(p.outstanding))
    })()
  }

  #persist(m: Mutation): void {
    const s = this.#s
    switch (m.kind) {
      case 'schema': {
        const r = m.record
        s.putSchema!.run(r.context, r.id, r.schemaType, r.schema, JSON.stringify(r.references),
          r.metadata ? JSON.stringify(r.metadata) : null, r.ruleSet ? JSON.stringify(r.ruleSet) : null, r.guid)
        return
      }
      case 'version': {
        const r = m.record
        s.putVersion!.run(r.subject, r.version, r.context, r.id, r.deleted ? 1 : 0, r.ts)
        return
      }
      case 'deleteVersion':
        s.deleteVersion!.run(m.subject, m.version)
        return
      case 'config':
        if (m.config === null) s.deleteConfig!.run(m.scope)
        else s.putConfig!.run(m.scope, JSON.stringify(m.config))
        return
      case 'mode':
        if (m.mode === null) s.deleteMode!.run(m.scope)
        else s.putMode!.run(m.scope, m.mode)
        return
    }
  }

  close(): void {
    if (this.#db.open) this.#db.close()
  }
}

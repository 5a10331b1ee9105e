import type { Database, Statement } from 'better-sqlite3'
import type { SchemaType } from '../../formats/format.js'
import type { RegistryState } from '../state.js'
import type { SchemaReference } from '../../formats/model.js'
import type { Mutation } from '../store.js'

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

interface KekRow {
  name: string
  kms_type: string
  kms_key_id: string
  kms_props: string
  doc: string | null
  shared: number
  deleted: number
  ts: number
}
interface DekRow {
  kek_name: string
  subject: string
  algorithm: string
  version: number
  encrypted_key_material: string
  deleted: number
  ts: number
}

/** Shared by every loaded schema without references, rather than one empty array each. */
const NO_REFERENCES: readonly SchemaReference[] = Object.freeze([])

/**
 * The registry state's tables (migrations/0001_init.sql): loading them into a RegistryState and
 * writing mutations to them, with statements prepared once. Shared by the SQLite store and the
 * Kafka store's snapshot, so the row format lives in one place.
 */
export class StateTables {
  readonly #s: Record<
    | 'putSchema'
    | 'putVersion'
    | 'deleteVersion'
    | 'putConfig'
    | 'deleteConfig'
    | 'putMode'
    | 'deleteMode'
    | 'putKek'
    | 'deleteKek'
    | 'putDek'
    | 'deleteDek',
    Statement
  >

  constructor(readonly db: Database) {
    this.#s = {
      putSchema: db.prepare(
        `INSERT OR REPLACE INTO schemas (context, id, schema_type, schema, refs, metadata, rule_set, guid)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      putVersion: db.prepare(
        'INSERT OR REPLACE INTO versions (subject, version, context, id, deleted, ts) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      deleteVersion: db.prepare('DELETE FROM versions WHERE subject = ? AND version = ?'),
      putConfig: db.prepare('INSERT OR REPLACE INTO configs (scope, config) VALUES (?, ?)'),
      deleteConfig: db.prepare('DELETE FROM configs WHERE scope = ?'),
      putMode: db.prepare('INSERT OR REPLACE INTO modes (scope, mode) VALUES (?, ?)'),
      deleteMode: db.prepare('DELETE FROM modes WHERE scope = ?'),
      putKek: db.prepare(
        `INSERT OR REPLACE INTO keks (name, kms_type, kms_key_id, kms_props, doc, shared, deleted, ts)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      deleteKek: db.prepare('DELETE FROM keks WHERE name = ?'),
      putDek: db.prepare(
        `INSERT OR REPLACE INTO deks (kek_name, subject, algorithm, version, encrypted_key_material, deleted, ts)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      deleteDek: db.prepare('DELETE FROM deks WHERE kek_name = ? AND subject = ? AND algorithm = ? AND version = ?'),
    }
  }

  /** Applies every stored row to `state`: schemas, then versions, configs, modes, KEKs and DEKs. */
  load(state: RegistryState): void {
    for (const r of this.db.prepare('SELECT * FROM schemas ORDER BY context, id').all() as SchemaRow[]) {
      state.apply({
        kind: 'schema',
        record: {
          context: r.context,
          id: r.id,
          schemaType: r.schema_type as SchemaType,
          schema: r.schema,
          references: r.refs === '[]' ? NO_REFERENCES : JSON.parse(r.refs),
          ...(r.metadata ? { metadata: JSON.parse(r.metadata) } : {}),
          ...(r.rule_set ? { ruleSet: JSON.parse(r.rule_set) } : {}),
          guid: r.guid,
        },
      })
    }
    for (const r of this.db.prepare('SELECT * FROM versions ORDER BY subject, version').all() as VersionRow[]) {
      state.apply({
        kind: 'version',
        record: {
          subject: r.subject,
          version: r.version,
          context: r.context,
          id: r.id,
          deleted: r.deleted === 1,
          ts: r.ts,
        },
      })
    }
    for (const r of this.db.prepare('SELECT scope, config FROM configs').all() as { scope: string; config: string }[]) {
      state.apply({ kind: 'config', scope: r.scope, config: JSON.parse(r.config) })
    }
    for (const r of this.db.prepare('SELECT scope, mode FROM modes').all() as { scope: string; mode: string }[]) {
      state.apply({ kind: 'mode', scope: r.scope, mode: r.mode })
    }
    for (const r of this.db.prepare('SELECT * FROM keks').all() as KekRow[]) {
      state.apply({
        kind: 'kek',
        name: r.name,
        record: {
          name: r.name,
          kmsType: r.kms_type,
          kmsKeyId: r.kms_key_id,
          kmsProps: JSON.parse(r.kms_props),
          ...(r.doc !== null ? { doc: r.doc } : {}),
          shared: r.shared === 1,
          deleted: r.deleted === 1,
          ts: r.ts,
        },
      })
    }
    for (const r of this.db.prepare('SELECT * FROM deks').all() as DekRow[]) {
      const key = { kekName: r.kek_name, subject: r.subject, algorithm: r.algorithm, version: r.version }
      state.apply({
        kind: 'dek',
        key,
        record: { ...key, encryptedKeyMaterial: r.encrypted_key_material, deleted: r.deleted === 1, ts: r.ts },
      })
    }
  }

  /** Writes one mutation; the caller wraps a batch in a transaction. */
  persist(m: Mutation): void {
    const s = this.#s
    switch (m.kind) {
      case 'schema': {
        const r = m.record
        const json = (v: unknown) => (v ? JSON.stringify(v) : null)
        s.putSchema.run(
          r.context,
          r.id,
          r.schemaType,
          r.schema,
          JSON.stringify(r.references),
          json(r.metadata),
          json(r.ruleSet),
          r.guid,
        )
        return
      }
      case 'version': {
        const r = m.record
        s.putVersion.run(r.subject, r.version, r.context, r.id, r.deleted ? 1 : 0, r.ts)
        return
      }
      case 'deleteVersion':
        s.deleteVersion.run(m.subject, m.version)
        return
      case 'config':
        if (m.config === null) s.deleteConfig.run(m.scope)
        else s.putConfig.run(m.scope, JSON.stringify(m.config))
        return
      case 'mode':
        if (m.mode === null) s.deleteMode.run(m.scope)
        else s.putMode.run(m.scope, m.mode)
        return
      case 'kek': {
        const r = m.record
        if (r === null) s.deleteKek.run(m.name)
        else
          s.putKek.run(
            r.name,
            r.kmsType,
            r.kmsKeyId,
            JSON.stringify(r.kmsProps),
            r.doc ?? null,
            r.shared ? 1 : 0,
            r.deleted ? 1 : 0,
            r.ts,
          )
        return
      }
      case 'dek': {
        const r = m.record
        const k = m.key
        if (r === null) s.deleteDek.run(k.kekName, k.subject, k.algorithm, k.version)
        else s.putDek.run(r.kekName, r.subject, r.algorithm, r.version, r.encryptedKeyMaterial, r.deleted ? 1 : 0, r.ts)
        return
      }
    }
  }
}

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { noteRead } from '../../src/io-first.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { startServer, type TestServer } from '../support/server.js'

// Concurrent writers against the real server on a SQLite file: group commit must give exactly
// what serial execution gives, and only ever acknowledge what is durable.

const CLIENTS = 16
const dir = mkdtempSync(join(tmpdir(), 'registrum-group-commit-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const record = (name: string, fields: object[]) => JSON.stringify({ type: 'record', name, fields })

async function post(url: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method: path.startsWith('/config') ? 'PUT' : 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, body: await res.json() }
}
const register = (url: string, subject: string, schema: string) =>
  post(url, `/subjects/${subject}/versions`, { schema })
const get = async (url: string, path: string) => (await fetch(url + path)).json() as Promise<any>

/** Each of `CLIENTS` clients runs `rounds` requests back to back, all clients at once. */
async function clients<T>(rounds: number, request: (client: number, round: number) => Promise<T>): Promise<T[][]> {
  return Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      const out: T[] = []
      for (let r = 0; r < rounds; r++) out.push(await request(c, r))
      return out
    }),
  )
}

async function withServer(db: string, fn: (server: TestServer) => Promise<void>): Promise<void> {
  const server = await startServer({ db })
  try {
    await fn(server)
  } finally {
    await server.close()
  }
}

describe('group commit on a SQLite file', () => {
  it('hands out every id once, in order, and versions per subject in acknowledgement order', async () => {
    const db = join(dir, 'order.db')
    const acked: { client: number; subject: string; id: number }[] = []
    await withServer(db, async ({ url }) => {
      expect((await post(url, '/config', { compatibility: 'NONE' })).status).toBe(200)
      await clients(20, async (c, r) => {
        // Half the traffic goes to one shared subject, half to a subject per client.
        const subject = r % 2 === 0 ? 'shared' : `own-${c}`
        const res = await register(url, subject, record(`R${c}_${r}`, [{ name: 'n', type: 'int' }]))
        expect(res.status).toBe(200)
        acked.push({ client: c, subject, id: res.body.id })
      })
      const ids = acked.map((a) => a.id).sort((a, b) => a - b)
      expect(ids).toEqual(Array.from({ length: CLIENTS * 20 }, (_, i) => i + 1))
      // A subject's versions are numbered 1..n with no gap, and in id order: the order serial
      // execution assigns both in.
      for (const subject of new Set(acked.map((a) => a.subject))) {
        const versions = (await get(url, `/subjects/${subject}/versions`)) as number[]
        const expected = acked.filter((a) => a.subject === subject).length
        expect(versions).toEqual(Array.from({ length: expected }, (_, i) => i + 1))
        const byVersion = await Promise.all(versions.map((v) => get(url, `/subjects/${subject}/versions/${v}`)))
        const idsOfSubject = byVersion.map((v) => v.id)
        expect(idsOfSubject).toEqual([...idsOfSubject].sort((a, b) => a - b))
      }
      // Each client's own acknowledgements carry increasing ids.
      for (let c = 0; c < CLIENTS; c++) {
        const mine = acked.filter((a) => a.client === c).map((a) => a.id)
        expect(mine).toEqual([...mine].sort((a, b) => a - b))
      }
    })
    // All of it was durable when acknowledged, so it is all there after a restart.
    await withServer(db, async ({ url }) => {
      for (const a of acked.filter((x) => x.subject !== 'shared')) {
        expect((await get(url, `/schemas/ids/${a.id}/versions`)).map((v: any) => v.subject)).toContain(a.subject)
      }
      expect(((await get(url, '/subjects/shared/versions')) as number[]).length).toBe(CLIENTS * 10)
    })
  })

  it('answers concurrent identical registrations with one id and one version', async () => {
    await withServer(join(dir, 'idempotent.db'), async ({ url }) => {
      const schema = record('Same', [{ name: 'n', type: 'int' }])
      const results = (await clients(5, (c) => register(url, c % 2 === 0 ? 'same-a' : 'same-b', schema))).flat()
      expect(results.every((r) => r.status === 200)).toBe(true)
      expect(new Set(results.map((r) => r.body.id))).toEqual(new Set([1]))
      expect(await get(url, '/subjects/same-a/versions')).toEqual([1])
      expect(await get(url, '/subjects/same-b/versions')).toEqual([1])
    })
  })

  it('decides compatibility against the writes queued before it, as serial execution would', async () => {
    await withServer(join(dir, 'compat.db'), async ({ url }) => {
      const base = [{ name: 'a', type: 'int' }]
      const subjects = Array.from({ length: 24 }, (_, i) => `compat-${i}`)
      for (const s of subjects) expect((await register(url, s, record('C', base))).status).toBe(200)
      // Each pair is sent at once: b as int, and b as string. Either is BACKWARD compatible with
      // version 1, but not with each other, so exactly one of each pair may be stored.
      const pairs = await Promise.all(
        subjects.map((s) =>
          Promise.all([
            register(url, s, record('C', [...base, { name: 'b', type: 'int', default: 0 }])),
            register(url, s, record('C', [...base, { name: 'b', type: 'string', default: '' }])),
          ]),
        ),
      )
      for (const [i, pair] of pairs.entries()) {
        expect(pair.map((r) => r.status).sort()).toEqual([200, 409])
        expect(await get(url, `/subjects/${subjects[i]}/versions`)).toEqual([1, 2])
      }
    })
  })

  it('fails only the transaction whose rows fail, and keeps the others of its batch', async () => {
    const db = join(dir, 'poison.db')
    // Create the tables, then make SQLite itself refuse one subject's rows.
    await new SqliteStore(db).close()
    const raw = new Database(db)
    raw.exec(`CREATE TRIGGER poison BEFORE INSERT ON versions WHEN NEW.subject LIKE 'poison-%'
      BEGIN SELECT RAISE(ABORT, 'refused by trigger'); END`)
    raw.close()
    const ok: { subject: string; id: number }[] = []
    await withServer(db, async ({ url }) => {
      const results = await clients(12, async (c, r) => {
        const subject = r % 3 === 1 ? `poison-${c}-${r}` : `fine-${c}-${r}`
        const res = await register(url, subject, record(`P${c}_${r}`, [{ name: 'n', type: 'int' }]))
        if (res.status === 200) ok.push({ subject, id: res.body.id })
        return { subject, status: res.status }
      })
      for (const { subject, status } of results.flat()) expect(status).toBe(subject.startsWith('poison') ? 500 : 200)
      // Refused writes take no id: the others got 1..n with no gap.
      expect(ok.map((o) => o.id).sort((a, b) => a - b)).toEqual(Array.from({ length: ok.length }, (_, i) => i + 1))
      expect(((await get(url, '/subjects')) as string[]).some((s) => s.startsWith('poison'))).toBe(false)
    })
    await withServer(db, async ({ url }) => {
      for (const o of ok) expect((await get(url, `/subjects/${o.subject}/versions/1`)).id).toBe(o.id)
      expect(((await get(url, '/subjects')) as string[]).length).toBe(ok.length)
    })
  })
  it('shows readers a write only once its caller has been told, while replies wait behind reads', async () => {
    const store = new SqliteStore(join(dir, 'reveal.db'))
    // Reads are arriving: the replies of a committed batch are spread over the loop's turns.
    noteRead()
    const told = new Set<string>()
    let seen = 0
    let untold = 0
    let polling = true
    // A reader on every turn of the loop, as reads arriving between those replies would be.
    const poll = () => {
      for (const subject of store.subjects()) {
        seen++
        if (!told.has(subject)) untold++
      }
      if (polling) setImmediate(poll)
    }
    setImmediate(poll)
    try {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          store
            .transaction((tx) => {
              const id = tx.maxId('.') + 1
              const schema = JSON.stringify({ type: 'record', name: `R${i}`, fields: [] })
              tx.putSchema({ context: '.', id, schemaType: 'AVRO', schema, references: [], guid: `g${i}` })
              tx.putVersion({ subject: `s${i}`, version: 1, context: '.', id, deleted: false, ts: 0 })
            })
            .then(() => told.add(`s${i}`)),
        ),
      )
    } finally {
      polling = false
      await store.close()
    }
    expect(seen).toBeGreaterThan(0)
    expect(untold).toBe(0)
    expect(told.size).toBe(200)
  })
  it('applies durable transactions in commit order when a reply starts another one mid-slice', async () => {
    // In memory the write is synchronous, so a transaction started by a reply commits at once.
    const store = new SqliteStore(':memory:')
    noteRead()
    const spin = (ms: number) => {
      const end = performance.now() + ms
      while (performance.now() < end) {
        // a reply's own work, longer than a slice
      }
    }
    const put = (subject: string, id: number) =>
      store.transaction((tx) => {
        const schema = JSON.stringify({ type: 'record', name: `R${id}`, fields: [] })
        tx.putSchema({ context: '.', id, schemaType: 'AVRO', schema, references: [], guid: `g${id}` })
        tx.putVersion({ subject, version: 1, context: '.', id, deleted: false, ts: 0 })
      })
    let third: Promise<void> | undefined
    try {
      // The first reply overruns its slice and deletes what the second wrote: the second must be
      // applied before the delete, whatever order their tasks run in.
      const first = put('first', 1).then(() => {
        spin(1)
        third = store.transaction((tx) => tx.deleteVersion('second', 1))
      })
      const second = put('second', 2)
      await Promise.all([first, second])
      await third
      expect(store.versionsOf('first').map((v) => v.id)).toEqual([1])
      expect(store.versionsOf('second')).toEqual([])
    } finally {
      await store.close()
    }
  })
})

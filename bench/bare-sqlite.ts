// The ceiling for durable registrations: a bare better-sqlite3 loop on the same disk, WAL with
// synchronous=FULL, one transaction (so one sync) per ROWS_PER_TX (default 1) inserted rows of a
// schema's size, as group commit batches them. Prints the rows/s it reached as one JSON line.
// Usage: bare-sqlite.ts SECONDS [ROWS_PER_TX]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'

const seconds = Number(process.argv[2] ?? 3)
const perTx = Number(process.argv[3] ?? 1)
const dir = mkdtempSync(join(tmpdir(), 'registrum-bare-sqlite-'))
const db = new Database(join(dir, 'bare.db'))
db.pragma('journal_mode = WAL')
db.pragma('synchronous = FULL')
db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL) STRICT')
const insert = db.prepare('INSERT INTO t (id, body) VALUES (?, ?)')
const body = 'x'.repeat(400)
const write = db.transaction((first: number) => {
  for (let i = first; i < first + perTx; i++) insert.run(i, body)
})
const end = performance.now() + seconds * 1000
let n = 0
while (performance.now() < end) {
  write(n + 1)
  n += perTx
}
const rate = n / seconds
db.close()
rmSync(dir, { recursive: true, force: true })
process.stdout.write(`${JSON.stringify({ rate })}\n`)

// The SQLite writer thread: one connection, one SQLite transaction per batch it is sent.
import { parentPort, workerData } from 'node:worker_threads'
import type { Mutation } from '../store.js'
import { TransactionWriteError } from '../group-commit.js'
import { lowerThreadPriority } from '../../threads.js'
import { openDatabase, writeBatch } from './open.js'
import { StateTables } from './state-tables.js'

export type WriterReply =
  | { seq: number; ok: true }
  | { seq: number; ok: false; index: number; message: string; code?: string }
type WriterRequest = { seq: number; batch: Mutation[][] } | { close: true }

// The store migrated the file before starting this thread.
const db = openDatabase((workerData as { path: string }).path, { migrate: false })
const tables = new StateTables(db)
const port = parentPort!
// Requests the event loop can answer at once go first when CPUs are scarce.
lowerThreadPriority()

port.on('message', (req: WriterRequest) => {
  if ('close' in req) {
    db.close()
    port.close()
    return
  }
  let reply: WriterReply
  try {
    writeBatch(db, tables, req.batch)
    reply = { seq: req.seq, ok: true }
  } catch (e) {
    const index = e instanceof TransactionWriteError ? e.index : -1
    const code = (e as { code?: unknown } | null)?.code
    reply = {
      seq: req.seq,
      ok: false,
      index,
      message: (e as Error)?.message ?? String(e),
      ...(typeof code === 'string' ? { code } : {}),
    }
  }
  port.postMessage(reply)
})

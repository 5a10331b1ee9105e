import type { Worker } from 'node:worker_threads'
import type { Database as Db } from 'better-sqlite3'
import { startThread } from '../../threads.js'
import { TransactionWriteError, writeError, type BatchWriter } from '../group-commit.js'
import type { Mutation } from '../store.js'
import { writeBatch } from './open.js'
import { StateTables } from './state-tables.js'
import type { WriterReply } from './writer-thread.js'

/** Writes batches on the calling thread (an in-memory database has no file to share). */
export class InlineWriter implements BatchWriter {
  readonly #tables: StateTables
  constructor(readonly db: Db) {
    this.#tables = new StateTables(db)
  }

  async write(batch: readonly (readonly Mutation[])[]): Promise<void> {
    writeBatch(this.db, this.#tables, batch)
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close()
  }
}

/**
 * Writes batches on a worker thread with its own connection, so the commit and its sync never
 * hold up the event loop and reads go on while a batch is being made durable.
 */
export class ThreadWriter implements BatchWriter {
  readonly #worker: Worker
  readonly #waiting = new Map<number, { resolve: () => void; reject: (e: unknown) => void }>()
  #seq = 0
  #broken: Error | undefined
  readonly #exited: Promise<void>

  constructor(path: string) {
    this.#worker = startThread(new URL('./writer-thread.js', import.meta.url), { path })
    this.#worker.on('message', (reply: WriterReply) => {
      const waiter = this.#waiting.get(reply.seq)
      this.#waiting.delete(reply.seq)
      if (!waiter) return
      if (reply.ok) waiter.resolve()
      else
        waiter.reject(
          reply.index >= 0
            ? new TransactionWriteError(reply.index, reply.message, reply.code)
            : writeError(reply.message, reply.code),
        )
    })
    this.#exited = new Promise((resolve) => {
      this.#worker.once('exit', () => {
        this.#fail(this.#broken ?? new Error('The SQLite writer thread stopped'))
        resolve()
      })
    })
    this.#worker.on('error', (e) => this.#fail(e))
  }

  #fail(e: Error): void {
    this.#broken ??= e
    for (const w of this.#waiting.values()) w.reject(e)
    this.#waiting.clear()
  }

  write(batch: readonly (readonly Mutation[])[]): Promise<void> {
    if (this.#broken) return Promise.reject(this.#broken)
    const seq = ++this.#seq
    return new Promise((resolve, reject) => {
      this.#waiting.set(seq, { resolve, reject })
      this.#worker.postMessage({ seq, batch })
    })
  }

  async close(): Promise<void> {
    this.#worker.postMessage({ close: true })
    await this.#exited
  }
}

import { afterIo } from '../io-first.js'
import { BufferedTx, RegistryState } from './state.js'
import type { Mutation, StoreTx } from './store.js'

/** Writes batches of transactions durably. */
export interface BatchWriter {
  /**
   * Writes every transaction's mutations in one durable transaction, all or none. When one
   * transaction's writes fail, rejects with a {@link TransactionWriteError} naming it.
   */
  write(batch: readonly (readonly Mutation[])[]): Promise<void>
  close(): Promise<void>
}

/** One transaction of a batch could not be written; the batch was rolled back. */
export class TransactionWriteError extends Error {
  constructor(
    readonly index: number,
    message: string,
    /** The database's error code (`SQLITE_FULL`, ...), when it gave one. */
    readonly code?: string,
  ) {
    super(message)
  }
}

/** An error from the database, as a writer on another thread reports it: message and code. */
export function writeError(message: string, code: string | undefined): Error {
  return Object.assign(new Error(message), code ? { code } : {})
}

type Outcome =
  | { readonly ok: true; readonly value: unknown; readonly mutations: readonly Mutation[] }
  | { readonly ok: false; readonly error: unknown }

/**
 * Runs transactions one after another as one: each sees the state `into` reads plus the writes
 * of those before it, and its writes are added to `into`. A transaction that throws adds
 * nothing. Returns each one's outcome, to be told to its caller once `into` is durable.
 */
export function runInOrder(fns: readonly ((tx: StoreTx) => unknown)[], into: BufferedTx): Outcome[] {
  const view = new RegistryState(into)
  return fns.map((fn) => {
    const tx = new BufferedTx(view)
    try {
      const value = fn(tx)
      for (const m of tx.mutations) {
        view.apply(m)
        into.mutations.push(m)
      }
      return { ok: true, value, mutations: tx.mutations }
    } catch (error) {
      return { ok: false, error }
    }
  })
}

/**
 * Tells a caller its transaction's outcome, after the I/O that has arrived ({@link afterIo}): the
 * replies of a committed batch wait behind reads.
 */
export function settleOutcome(
  outcome: Outcome,
  resolve: (value: unknown) => void,
  reject: (error: unknown) => void,
): void {
  afterIo(() => {
    if (outcome.ok) resolve(outcome.value)
    else reject(outcome.error)
  })
}

interface Entry {
  readonly fn: (tx: StoreTx) => unknown
  readonly resolve: (value: unknown) => void
  readonly reject: (error: unknown) => void
  outcome: Outcome
}

/**
 * Group commit over a durable in-memory state. Each transaction runs at once, in arrival order,
 * against the durable state plus the writes of the transactions before it that are not durable
 * yet, so ids, versions and compatibility decisions are exactly those of serial execution. The
 * transactions that arrive while a batch is being written form the next batch: one write, one
 * sync. Readers only ever see `durable`; a transaction's caller hears its outcome (result or
 * error) only once everything it saw is durable. When a batch fails, the transactions it did
 * not name are run again, in order, on the durable state, as the store contract allows.
 */
export class GroupCommit {
  #pending: RegistryState
  #queue: Entry[] = []
  #inFlight: Entry[] | undefined
  #drained: (() => void)[] = []

  constructor(
    readonly durable: RegistryState,
    readonly writer: BatchWriter,
  ) {
    this.#pending = new RegistryState(durable)
  }

  transaction<T>(fn: (tx: StoreTx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Entry = {
        fn,
        resolve: resolve as (v: unknown) => void,
        reject,
        outcome: { ok: false, error: undefined },
      }
      this.#run(entry)
      const writes = entry.outcome.ok && entry.outcome.mutations.length > 0
      if (!writes && !this.#inFlight && this.#queue.length === 0) return settle(entry)
      this.#queue.push(entry)
      this.#flush()
    })
  }

  /** Resolves once every transaction accepted so far has been settled. */
  drain(): Promise<void> {
    if (!this.#inFlight && this.#queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.#drained.push(resolve))
  }

  #run(entry: Entry): void {
    const tx = new BufferedTx(this.#pending)
    try {
      const value = entry.fn(tx)
      entry.outcome = { ok: true, value, mutations: tx.mutations }
      for (const m of tx.mutations) this.#pending.apply(m)
    } catch (error) {
      entry.outcome = { ok: false, error }
    }
  }

  #flush(): void {
    if (this.#inFlight || this.#queue.length === 0) return
    const batch = this.#queue
    this.#queue = []
    this.#inFlight = batch
    const writing = batch.filter((e) => e.outcome.ok && e.outcome.mutations.length > 0)
    const write =
      writing.length > 0
        ? this.writer.write(writing.map((e) => (e.outcome.ok ? e.outcome.mutations : [])))
        : Promise.resolve()
    write.then(
      () => this.#committed(batch),
      (error: unknown) => this.#failed(batch, writing, error),
    )
  }

  #committed(batch: Entry[]): void {
    for (const e of batch) if (e.outcome.ok) for (const m of e.outcome.mutations) this.durable.apply(m)
    this.#inFlight = undefined
    this.#rebase(this.#queue)
    for (const e of batch) settle(e)
    this.#next()
  }

  #failed(batch: Entry[], writing: Entry[], error: unknown): void {
    this.#inFlight = undefined
    // When the writer names the transaction that failed, only it fails; otherwise every write of
    // the batch does. Everything else runs again on the durable state, in order.
    const culprit = error instanceof TransactionWriteError ? writing[error.index] : undefined
    const rejected = culprit ? [culprit] : writing
    const rerun = [...batch.filter((e) => !rejected.includes(e)), ...this.#queue]
    for (const e of rejected) afterIo(() => e.reject(error))
    this.#pending = new RegistryState(this.durable)
    this.#queue = []
    for (const e of rerun) {
      this.#run(e)
      this.#queue.push(e)
    }
    this.#next()
  }

  /** Rebuilds the writers' view as the new durable state plus the queue's writes. */
  #rebase(queue: readonly Entry[]): void {
    this.#pending = new RegistryState(this.durable)
    for (const e of queue) if (e.outcome.ok) for (const m of e.outcome.mutations) this.#pending.apply(m)
  }

  #next(): void {
    if (this.#queue.length > 0) this.#flush()
    // After the replies queued before it: drained means every caller has heard.
    else for (const done of this.#drained.splice(0)) afterIo(done)
  }
}

function settle(entry: Entry): void {
  settleOutcome(entry.outcome, entry.resolve, entry.reject)
}

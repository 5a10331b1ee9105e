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

/** Tells a caller its transaction's outcome. */
export function settleOutcome(
  outcome: Outcome,
  resolve: (value: unknown) => void,
  reject: (error: unknown) => void,
): void {
  if (outcome.ok) resolve(outcome.value)
  else reject(outcome.error)
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
 *
 * Once a batch is durable, each of its transactions is applied to `durable` in the same task that
 * tells its caller, one task per transaction through {@link afterIo}: reads that arrived meanwhile
 * go first, and a reader never sees a write whose caller has not been told. Until then those
 * transactions are `#unseen`, and the writers' view includes them.
 */
export class GroupCommit {
  #pending: RegistryState
  #queue: Entry[] = []
  #inFlight: Entry[] | undefined
  /** Durable transactions not yet applied to `durable` nor told, in order. */
  #unseen: Entry[] = []
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
      if (!writes && this.#idle()) return afterIo(() => settle(entry))
      this.#queue.push(entry)
      this.#flush()
    })
  }

  /** Resolves once every transaction accepted so far has been settled. */
  drain(): Promise<void> {
    if (this.#idle()) return Promise.resolve()
    return new Promise((resolve) => this.#drained.push(resolve))
  }

  #idle(): boolean {
    return !this.#inFlight && this.#queue.length === 0 && this.#unseen.length === 0
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
    this.#inFlight = undefined
    this.#unseen.push(...batch)
    // At once when no reads are arriving; else each in a later task.
    for (let i = 0; i < batch.length; i++) afterIo(() => this.#revealNext())
    // The same view, rebuilt on what `durable` now holds: the layer keeps only the writes not
    // applied there yet, not every write since the start.
    this.#rebase()
    this.#next()
  }

  /**
   * Applies the oldest unseen transaction to `durable` and tells its caller, in one task. Each task
   * takes whichever is oldest, so they are applied in commit order even if a task queued by a
   * promise reaction runs ahead of one queued before it.
   */
  #revealNext(): void {
    const entry = this.#unseen.shift()!
    if (entry.outcome.ok) for (const m of entry.outcome.mutations) this.durable.apply(m)
    settle(entry)
    if (this.#idle()) this.#wake()
  }

  #failed(batch: Entry[], writing: Entry[], error: unknown): void {
    this.#inFlight = undefined
    // When the writer names the transaction that failed, only it fails; otherwise every write of
    // the batch does. Everything else runs again on the durable state, in order.
    const culprit = error instanceof TransactionWriteError ? writing[error.index] : undefined
    const rejected = culprit ? [culprit] : writing
    const rerun = [...batch.filter((e) => !rejected.includes(e)), ...this.#queue]
    for (const e of rejected) afterIo(() => e.reject(error))
    this.#queue = []
    this.#rebase()
    for (const e of rerun) {
      this.#run(e)
      this.#queue.push(e)
    }
    this.#next()
  }

  /** Rebuilds the writers' view as the durable state plus the unseen and queued writes. */
  #rebase(): void {
    this.#pending = new RegistryState(this.durable)
    for (const e of [...this.#unseen, ...this.#queue]) {
      if (e.outcome.ok) for (const m of e.outcome.mutations) this.#pending.apply(m)
    }
  }

  #next(): void {
    if (this.#queue.length > 0) this.#flush()
    else if (this.#idle()) this.#wake()
  }

  /** Tells those waiting in {@link drain}, after every caller queued before them has heard. */
  #wake(): void {
    for (const done of this.#drained.splice(0)) afterIo(done)
  }
}

function settle(entry: Entry): void {
  settleOutcome(entry.outcome, entry.resolve, entry.reject)
}

import type { Worker } from 'node:worker_threads'
import type { CompatibilityLevel, DirectedViolation } from '../compat/levels.js'
import type { CompatOptions, ResolvedRef, SchemaType } from '../formats/format.js'
import type { JsonObject } from '../formats/model.js'
import { afterIo } from '../io-first.js'
import { startThread } from '../threads.js'
import type { RegistryOptions } from './core.js'
import type { SchemaSource } from './prepare.js'

/** A stored version a check on a parse thread reads: parsed there once per `key`. */
export interface PriorSource {
  /** Identifies the stored schema (context, id and content hash). */
  readonly key: string
  readonly version: number
  readonly type: SchemaType
  readonly text: string
  readonly refs: readonly ResolvedRef[]
  readonly metadata?: JsonObject
}

/** A compatibility check to run on a parse thread, in the same terms as `checkLevel`. */
export interface JudgeJob {
  readonly level: CompatibilityLevel
  readonly candidate: SchemaSource
  readonly priors: readonly PriorSource[]
  readonly options: CompatOptions
  /** The check's time budget; 0 for none. */
  readonly budgetMs: number
}

/** A parse thread's verdict: the level's result, the budget spent, or a failure to decide there. */
export type JudgeAnswer =
  | {
      readonly result: {
        readonly compatible: boolean
        readonly failedVersion?: number
        readonly violations: readonly DirectedViolation[]
      }
    }
  | { readonly undecided: string }
  | { readonly failed: string }

export type OffloadJob =
  | { readonly kind: 'canonical'; readonly sources: readonly SchemaSource[] }
  | ({ readonly kind: 'judge' } & JudgeJob)

export type OffloadReply = { readonly seq: number } & ({ readonly canonical: readonly (string | null)[] } | JudgeAnswer)

/**
 * Where the CPU-heavy work of registrations and compatibility checks runs instead of the event
 * loop: parsing and canonicalizing request schemas, and compatibility checks. Every answer is
 * optional: undefined means the caller does the work itself, with the same code.
 */
export interface Offload {
  /** The canonical text of each source (`prepareSchema`'s), null where it does not parse. */
  canonical(sources: readonly SchemaSource[]): Promise<readonly (string | null)[] | undefined>
  judge(job: JudgeJob): Promise<JudgeAnswer | undefined>
  close(): Promise<void>
}

interface Thread {
  readonly worker: Worker
  /** Jobs sent and not answered yet. */
  readonly waiting: Set<number>
  /** Jobs to send at the end of this turn of the event loop, in one message. */
  outbox: { seq: number; job: OffloadJob }[]
  broken: boolean
}

/**
 * A small pool of worker threads running `offload-thread.ts`, each job to the thread with the
 * fewest jobs waiting. A thread that fails takes no more jobs; its waiting jobs are answered
 * undefined, so their callers do the work themselves.
 */
export class OffloadThreads implements Offload {
  readonly #threads: Thread[]
  readonly #waiting = new Map<number, (reply: OffloadReply | undefined) => void>()
  #seq = 0

  constructor(count: number, options: RegistryOptions) {
    this.#threads = Array.from({ length: count }, () => {
      const thread: Thread = {
        worker: startThread(new URL('./offload-thread.js', import.meta.url), { options }),
        waiting: new Set<number>(),
        outbox: [],
        broken: false,
      }
      const fail = () => {
        thread.broken = true
        for (const seq of thread.waiting) this.#settle(seq, undefined)
        thread.waiting.clear()
      }
      thread.worker.on('message', (replies: OffloadReply[]) => {
        for (const reply of replies) {
          thread.waiting.delete(reply.seq)
          this.#settle(reply.seq, reply)
        }
      })
      thread.worker.on('error', fail)
      thread.worker.on('exit', fail)
      // Idle threads never keep the process alive.
      thread.worker.unref()
      return thread
    })
  }

  #settle(seq: number, reply: OffloadReply | undefined): void {
    const resolve = this.#waiting.get(seq)
    this.#waiting.delete(seq)
    if (resolve) afterIo(() => resolve(reply))
  }

  #run(job: OffloadJob): Promise<OffloadReply | undefined> {
    let thread: Thread | undefined
    for (const t of this.#threads) if (!t.broken && (!thread || t.waiting.size < thread.waiting.size)) thread = t
    if (!thread) return Promise.resolve(undefined)
    const seq = ++this.#seq
    const chosen = thread
    return new Promise((resolve) => {
      this.#waiting.set(seq, resolve)
      chosen.waiting.add(seq)
      // A message costs more than cloning the job in it: the jobs of one turn travel together.
      if (chosen.outbox.push({ seq, job }) === 1) setImmediate(() => this.#send(chosen))
    })
  }

  #send(thread: Thread): void {
    const batch = thread.outbox
    thread.outbox = []
    try {
      thread.worker.postMessage(batch)
    } catch {
      for (const { seq } of batch) {
        thread.waiting.delete(seq)
        this.#settle(seq, undefined)
      }
    }
  }

  async canonical(sources: readonly SchemaSource[]): Promise<readonly (string | null)[] | undefined> {
    const reply = await this.#run({ kind: 'canonical', sources })
    return reply && 'canonical' in reply ? reply.canonical : undefined
  }

  async judge(job: JudgeJob): Promise<JudgeAnswer | undefined> {
    const reply = await this.#run({ kind: 'judge', ...job })
    return reply && !('canonical' in reply) ? reply : undefined
  }

  async close(): Promise<void> {
    await Promise.all(this.#threads.map((t) => t.worker.terminate()))
  }
}

import { randomUUID } from 'node:crypto'
import kafkajs, { type Admin, type Consumer, type KafkaMessage, type Producer } from 'kafkajs'
import { runInOrder, settleOutcome } from '../group-commit.js'
import { BufferedTx, ReadThrough } from '../state.js'
import type { Store, StoreReader, StoreTx } from '../store.js'
import { groupRecords, LogApplier } from './log-applier.js'
import type { StoredSchemaHash } from './records.js'
import { Snapshot } from './snapshot.js'
import { StartupError } from '../../startup-error.js'
import { DeadlineError, ensureTopic, untilDeadline } from './topic.js'

export interface KafkaStoreOptions {
  /** `host:port` list of the Kafka cluster. */
  readonly brokers: readonly string[]
  /** State topic; Confluent's default `_schemas`. */
  readonly topic?: string
  /** SQLite file holding the state and offset reached, so a restart replays only the tail. */
  readonly snapshot?: string
  /** Attempts of one transaction before giving up when other nodes keep winning. */
  readonly maxAttempts?: number
  /** How long a write waits to see its own records come back. */
  readonly writeTimeoutMs?: number
  /** How long start-up waits for the brokers and the topic before it fails (default 60 s). */
  readonly initTimeoutMs?: number
  /** Told once when start-up has to wait for the brokers or the topic, with the reason. */
  readonly onWait?: (message: string) => void
  /**
   * The dedup hash of a schema the incumbent wrote, from the registry's canonical form of its
   * text (`storedSchemaGuid`); without it the stored text is hashed as it is.
   */
  readonly hashForeignSchema?: StoredSchemaHash
  readonly clientId?: string
}

// kafkajs is CommonJS: Node's ESM loader only sees its default export.
const { Kafka, logLevel } = kafkajs

const DEFAULT_ATTEMPTS = 100
/** Most transactions of this node sent as one batch. */
const MAX_BATCH = 256
const DEFAULT_WRITE_TIMEOUT_MS = 60_000
export const DEFAULT_INIT_TIMEOUT_MS = 60_000

/** How the store's producer writes: one request at a time, idempotent, acks=all per send. */
export const KAFKA_PRODUCER_SETTINGS = {
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
} as const
/** How the store's consumer reads the topic back (the bare-Kafka bench uses the same). */
export const KAFKA_CONSUMER_SETTINGS = { maxWaitTimeInMs: 250 } as const

/**
 * Registry state in a single-partition compacted Kafka topic, in Confluent's `_schemas` record
 * format, written from any node without a leader: a transaction is appended as one batch whose
 * fate every node decides by the same rule (see {@link LogApplier}); the writer answers once its
 * own reader has decided it, and runs `fn` again on the newer state when it lost.
 *
 * @example
 * const store = new KafkaStore({ brokers: ['127.0.0.1:9092'], snapshot: './data/kafka.db' })
 * await store.ready()
 */
export class KafkaStore extends ReadThrough implements Store {
  readonly topic: string
  readonly #opts: KafkaStoreOptions
  readonly #node = randomUUID()
  readonly #kafka: InstanceType<typeof Kafka>
  readonly #admin: Admin
  readonly #producer: Producer
  readonly #consumer: Consumer
  readonly #snapshot: Snapshot | undefined
  readonly #applier: LogApplier
  readonly #waiters = new Map<string, (won: boolean) => void>()
  #seq = 0
  #queue: { fn: (tx: StoreTx) => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = []
  #writing = false
  #ready = false
  #readyTarget = 0
  #readyWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = []
  #startError: unknown
  #started: Promise<void>
  #closed = false
  #repairScheduled = false
  /** The offset this process started reading at: the snapshot's position, or the log start. */
  #resumedFrom = 0

  constructor(opts: KafkaStoreOptions) {
    super()
    this.#opts = opts
    this.topic = opts.topic ?? '_schemas'
    const client = { clientId: opts.clientId ?? 'registrum', brokers: [...opts.brokers], logLevel: logLevel.NOTHING }
    this.#kafka = new Kafka({ ...client, retry: { retries: 12, initialRetryTime: 200, maxRetryTime: 5_000 } })
    // Used only at start, where every step is retried until the init deadline: no hidden retries
    // of its own (kafkajs takes them from the client), so a broker not up yet is reported at once.
    this.#admin = new Kafka({ ...client, retry: { retries: 0 } }).admin()
    this.#producer = this.#kafka.producer(KAFKA_PRODUCER_SETTINGS)
    this.#consumer = this.#kafka.consumer({
      groupId: `registrum-${this.#node}`,
      ...KAFKA_CONSUMER_SETTINGS,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 2_000 },
    })
    this.#snapshot = opts.snapshot ? new Snapshot(opts.snapshot, this.topic) : undefined
    this.#applier = new LogApplier({
      applied: (m) => this.#snapshot?.record(m),
      decided: (txn, won) => {
        const w = this.#waiters.get(txn)
        this.#waiters.delete(txn)
        w?.(won)
      },
      ...(opts.hashForeignSchema ? { hashForeign: opts.hashForeignSchema } : {}),
    })
    const position = this.#snapshot?.load(this.#applier.state)
    if (position) this.#applier.restore(position)
    this.#started = this.#start()
    this.#started.catch((e) => {
      this.#startError = e
      for (const w of this.#readyWaiters.splice(0)) w.reject(e)
    })
  }

  async #start(): Promise<void> {
    const timeout = this.#opts.initTimeoutMs ?? DEFAULT_INIT_TIMEOUT_MS
    const where = `Kafka at ${this.#opts.brokers.join(',')} (topic ${this.topic})`
    let told = false
    const waiting = (reason: string) => {
      if (!told) this.#opts.onWait?.(`waiting for ${where}: ${reason}; giving up after ${timeout} ms`)
      told = true
    }
    // A broker still starting, or a topic created a moment ago, answers with retriable errors.
    const retry = <T>(attempt: () => Promise<T>) => untilDeadline(deadline, attempt, waiting)
    const deadline = Date.now() + timeout
    let offsets: Awaited<ReturnType<Admin['fetchTopicOffsets']>>
    try {
      await retry(() => this.#admin.connect())
      await retry(() => ensureTopic(this.#admin, this.topic))
      await retry(() => this.#producer.connect())
      offsets = await retry(() => this.#admin.fetchTopicOffsets(this.topic))
    } catch (e) {
      if (!(e instanceof DeadlineError)) throw e
      throw new StartupError(
        `${where} was not ready within ${timeout} ms (${e.message}); start the broker, check --bootstrap, or raise --kafka-init-timeout`,
        { cause: e },
      )
    }
    const [p0] = offsets
    this.#readyTarget = Number(p0?.high ?? 0)
    const low = Number(p0?.low ?? 0)
    if (this.#applier.next > this.#readyTarget) {
      throw new Error(
        `snapshot ${this.#opts.snapshot} is at offset ${this.#applier.next} but topic ${this.topic} ends at ${this.#readyTarget}: it belongs to another topic or cluster`,
      )
    }
    if (this.#applier.next < low) this.#applier.restore({ ...this.#applier.position, next: low })
    this.#resumedFrom = this.#applier.next
    await this.#consumer.connect()
    await this.#consumer.subscribe({ topic: this.topic, fromBeginning: true })
    // No committed offsets: every (re)join resumes exactly where this node's state stands.
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, () => {
      this.#consumer.seek({ topic: this.topic, partition: 0, offset: String(this.#applier.next) })
    })
    await this.#consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) this.#applier.handle(toIncoming(m))
        this.#afterBatch()
      },
    })
    try {
      this.#consumer.seek({ topic: this.topic, partition: 0, offset: String(this.#applier.next) })
    } catch {
      // The group is rejoining after a failed first join (slow broker): the GROUP_JOIN handler seeks then.
    }
    this.#checkReady()
  }

  #afterBatch(): void {
    if (!this.#ready && this.#applier.next >= this.#readyTarget) this.#applier.settle()
    this.#snapshot?.flush(this.#applier.position)
    this.#checkReady()
    if (this.#ready && this.#applier.position.outstanding.length > 0) this.#scheduleRepair()
  }

  #checkReady(): void {
    if (this.#ready || this.#applier.next < this.#readyTarget) return
    this.#ready = true
    for (const w of this.#readyWaiters.splice(0)) w.resolve()
  }

  /** Another node lost a write and left a stale record behind: rewrite it with the state's value. */
  #scheduleRepair(): void {
    if (this.#repairScheduled || this.#closed) return
    this.#repairScheduled = true
    setTimeout(
      () => {
        this.#repairScheduled = false
        if (this.#closed) return
        this.transaction(() => undefined).catch(() => undefined)
      },
      20 + Math.floor(Math.random() * 200),
    ).unref()
  }

  /** True once the store has read the topic up to where it ended at start. */
  /** Where this node stands in the log, for `/health/ready`: a restart from a snapshot reads only the tail. */
  status(): { topic: string; resumedFrom: number; next: number; end: number } {
    return { topic: this.topic, resumedFrom: this.#resumedFrom, next: this.#applier.next, end: this.#readyTarget }
  }

  isReady(): boolean {
    return this.#ready
  }

  ready(): Promise<void> {
    if (this.#ready) return Promise.resolve()
    if (this.#startError) return Promise.reject(this.#startError)
    return new Promise((resolve, reject) => this.#readyWaiters.push({ resolve, reject }))
  }

  transaction<T>(fn: (tx: StoreTx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ fn, resolve: resolve as (v: unknown) => void, reject })
      if (!this.#writing) void this.#writeQueued()
    })
  }

  /**
   * One batch at a time per node, so this node's writes never race each other: the transactions
   * queued meanwhile run one after another as a single transaction (one batch of records, one
   * marker, one decision), and each caller hears its own outcome once the batch has won.
   */
  async #writeQueued(): Promise<void> {
    this.#writing = true
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, MAX_BATCH)
      try {
        const outcomes = await this.#transact((tx) =>
          runInOrder(
            batch.map((e) => e.fn),
            tx,
          ),
        )
        for (const [i, e] of batch.entries()) settleOutcome(outcomes[i]!, e.resolve, e.reject)
      } catch (e) {
        for (const entry of batch) entry.reject(e)
      }
    }
    this.#writing = false
  }

  async #transact<T>(fn: (tx: BufferedTx) => T): Promise<T> {
    await this.ready()
    const attempts = this.#opts.maxAttempts ?? DEFAULT_ATTEMPTS
    let lastError: unknown
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (this.#closed) throw new Error('the Kafka store is closed')
      const base = this.#applier.next
      const tx = new BufferedTx(this.#applier.state)
      const result = fn(tx)
      const repairs = this.#applier.repairs()
      if (tx.mutations.length === 0 && repairs.length === 0) return result
      const txn = `${this.#node}:${++this.#seq}`
      const fate = this.#fateOf(txn)
      try {
        await this.#producer.send({
          topic: this.topic,
          acks: -1,
          messages: groupRecords(txn, base, tx.mutations, this.#applier.state, repairs).map((r) => ({
            ...r,
            partition: 0,
          })),
        })
      } catch (e) {
        // The batch may still land; if it does, its fate is decided like any other and the
        // next attempt runs against the state that includes it, so nothing is written twice.
        this.#waiters.delete(txn)
        lastError = e
        await sleep(Math.min(2_000, 100 * (attempt + 1)))
        continue
      }
      if (await fate) return result
      lastError = new Error('another node wrote first')
    }
    throw new Error(`the Kafka store gave up after ${attempts} attempts`, { cause: lastError })
  }

  #fateOf(txn: string): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(txn)
        reject(
          new Error(
            `no answer from topic ${this.topic} for a write within ${this.#opts.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS} ms`,
          ),
        )
      }, this.#opts.writeTimeoutMs ?? DEFAULT_WRITE_TIMEOUT_MS)
      this.#waiters.set(txn, (won) => {
        clearTimeout(timer)
        resolve(won)
      })
    })
  }

  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#started.catch(() => undefined)
    await Promise.allSettled([this.#consumer.disconnect(), this.#producer.disconnect(), this.#admin.disconnect()])
    this.#snapshot?.flush(this.#applier.position)
    this.#snapshot?.close()
    for (const w of this.#readyWaiters.splice(0)) w.reject(new Error('the Kafka store is closed'))
  }

  /** Reads are served from the state this node built from the topic. */
  protected get reads(): StoreReader {
    return this.#applier.state
  }
}

function toIncoming(m: KafkaMessage) {
  const headers: Record<string, string> = {}
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    const one = Array.isArray(v) ? v[0] : v
    if (one !== undefined) headers[k] = one.toString()
  }
  return {
    offset: Number(m.offset),
    key: m.key ? m.key.toString() : null,
    value: m.value && m.value.length > 0 ? m.value.toString() : null,
    headers,
    timestamp: Number(m.timestamp),
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

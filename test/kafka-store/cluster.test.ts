/**
 * Several registry nodes on one broker, no leader: concurrent registrations through every node,
 * a node killed with SIGKILL and restarted from its snapshot, and the broker restarted under
 * load. One broker for the whole file.
 */
import Database from 'better-sqlite3'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/main.js'
import { KafkaStore } from '../../src/store/kafka/kafka-store.js'
import type { Store } from '../../src/store/store.js'
import { ConfluentReader } from '../support/confluent-reader.js'
import { describeKafka, startKafka, type KafkaBroker } from '../support/kafka.js'
import { waitFor, within } from '../support/wait.js'

let kafka: KafkaBroker | undefined
let dir: string
const CT = 'application/vnd.schemaregistry.v1+json'

const record = (name: string, fields: string[]) =>
  JSON.stringify({ type: 'record', name, fields: fields.map((f) => ({ name: f, type: 'string' })) })

async function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url + path, {
    method,
    headers: { 'content-type': CT },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  return { status: res.status, json: await res.json() }
}

const register = (url: string, subject: string, schema: string) =>
  call(url, 'POST', `/subjects/${encodeURIComponent(subject)}/versions`, { schema })

async function startNode(topic: string, name: string): Promise<RunningServer> {
  const store = new KafkaStore({ brokers: [kafka!.bootstrap], topic, snapshot: join(dir, `${name}.db`) })
  return startServer({ host: '127.0.0.1', port: 0, logLevel: 'silent', audit: false }, store)
}

/** A write through each node: once it answers, that node has read everything acknowledged before. */
async function barrier(urls: string[]): Promise<void> {
  for (const [i, url] of urls.entries()) {
    const res = await call(url, 'PUT', `/config/barrier-${i}`, { compatibility: 'NONE' })
    expect(res.status).toBe(200)
  }
}

/** Everything a store serves, in a comparable form. */
function dump(store: Store) {
  const subjects = [...store.subjects()].sort()
  return {
    subjects: subjects.map((s) => ({ s, versions: store.versionsOf(s).map((v) => [v.version, v.id, v.deleted]) })),
    schemas: Array.from({ length: store.maxId('.') }, (_, i) => store.schemaById('.', i + 1)?.schema ?? null),
    configs: subjects.map((s) => store.config(s) ?? null),
    global: store.config(':.:') ?? null,
  }
}

interface Ack {
  subject: string
  schema: string
  id: number
}

describeKafka('registry nodes sharing one Kafka topic', () => {
  beforeAll(async () => {
    kafka = await startKafka()
    dir = mkdtempSync(join(tmpdir(), 'registrum-cluster-'))
  }, 120_000)
  afterAll(async () => {
    await kafka?.stop()
    rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  it('hands out one id per schema and the same state on every node under concurrent writes', async () => {
    const nodes = await Promise.all(['a', 'b', 'c'].map((n) => startNode('_schemas', `conc-${n}`)))
    const urls = nodes.map((n) => n.url)
    expect((await call(urls[0]!, 'PUT', '/config', { compatibility: 'NONE' })).status).toBe(200)

    // 8 shared schemas registered into 6 subjects from every node, plus distinct ones.
    const shared = Array.from({ length: 8 }, (_, i) => record(`Shared${i}`, [`f${i}`]))
    const jobs: { url: string; subject: string; schema: string }[] = []
    for (let i = 0; i < 24; i++) jobs.push({ url: urls[i % 3]!, subject: `subject-${i % 6}`, schema: shared[i % 8]! })
    for (let i = 0; i < 24; i++)
      jobs.push({ url: urls[(i + 1) % 3]!, subject: `subject-${i % 6}`, schema: shared[(i + 3) % 8]! })
    for (let i = 0; i < 24; i++)
      jobs.push({ url: urls[(i + 2) % 3]!, subject: `own-${i % 4}`, schema: record(`Own${i}`, ['x', `y${i}`]) })

    const acks: Ack[] = []
    await Promise.all(
      jobs.map(async (j) => {
        const res = await register(j.url, j.subject, j.schema)
        expect(res.status, JSON.stringify(res.json)).toBe(200)
        acks.push({ subject: j.subject, schema: j.schema, id: res.json.id })
      }),
    )
    await barrier(urls)

    const views = nodes.map((n) => dump(n.store))
    expect(views[1]).toEqual(views[0])
    expect(views[2]).toEqual(views[0])

    // One id per schema text and one schema per id.
    const idOf = new Map<string, number>()
    const schemaOf = new Map<number, string>()
    for (const a of acks) {
      expect(idOf.get(a.schema) ?? a.id).toBe(a.id)
      expect(schemaOf.get(a.id) ?? a.schema).toBe(a.schema)
      idOf.set(a.schema, a.id)
      schemaOf.set(a.id, a.schema)
    }
    expect(new Set(idOf.values()).size).toBe(8 + 24)

    // Every acknowledged registration is served, by every node.
    for (const url of urls) {
      for (const a of acks) {
        const res = await call(url, 'POST', `/subjects/${a.subject}`, { schema: a.schema })
        expect(res.status).toBe(200)
        expect(res.json.id).toBe(a.id)
      }
      const ids = await Promise.all([...schemaOf.keys()].map((id) => call(url, 'GET', `/schemas/ids/${id}`)))
      for (const r of ids) expect(r.status).toBe(200)
    }
    // Versions in a subject are 1..n without gaps or repeats.
    for (const s of nodes[0]!.store.subjects()) {
      const vs = nodes[0]!.store.versionsOf(s).map((v) => v.version)
      expect(vs).toEqual(vs.map((_, i) => i + 1))
    }
    await Promise.all(nodes.map((n) => n.close()))
  }, 120_000)

  it("leaves a topic whose plain reading (the incumbent's) is what every node serves", async () => {
    const topic = 'plain-reading'
    const nodes = await Promise.all(['a', 'b'].map((n) => startNode(topic, `plain-${n}`)))
    const urls = nodes.map((n) => n.url)
    expect((await call(urls[0]!, 'PUT', '/config', { compatibility: 'NONE' })).status).toBe(200)
    // 80 distinct schemas in 80 subjects from two nodes at once: most rounds have a loser that
    // took the same id as the winner for another schema.
    await Promise.all(
      Array.from({ length: 80 }, async (_, i) => {
        const res = await register(urls[i % 2]!, `plain-${i}`, record(`Plain${i}`, [`f${i}`]))
        expect(res.status, JSON.stringify(res.json)).toBe(200)
      }),
    )
    await barrier(urls)

    const reader = new ConfluentReader()
    const consumer = new Kafka({ brokers: [kafka!.bootstrap], logLevel: logLevel.NOTHING }).consumer({
      groupId: `plain-${process.pid}`,
    })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ message: m }) => reader.apply(m.key?.toString() ?? null, m.value?.toString() ?? null),
    })
    const differences = () => {
      const out: string[] = []
      for (const n of nodes) {
        const store = n.store
        for (let id = 1; id <= Math.max(store.maxId('.'), ...reader.ids()); id++) {
          const held = store.usesOf('.', id).length > 0 ? store.schemaById('.', id)?.schema : undefined
          if (reader.schemaById(id) !== held)
            out.push(`id ${id}: topic reads ${reader.schemaById(id)}, node serves ${held}`)
          if (held !== undefined && reader.lastTextById(id) !== held)
            out.push(`id ${id}: last record carries ${reader.lastTextById(id)}`)
        }
        const subjects = reader.subjects()
        for (const s of new Set([...store.subjects(), ...subjects.keys()])) {
          const served = JSON.stringify(store.versionsOf(s).map((v) => [v.version, v.id, v.deleted]))
          const read = JSON.stringify(subjects.get(s) ?? [])
          if (served !== read) out.push(`${s}: topic reads ${read}, node serves ${served}`)
        }
      }
      return out
    }
    // Repairs are written by whichever node sees them first; wait for them to land, not a fixed time.
    const deadline = Date.now() + 30_000
    while (differences().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    await consumer.disconnect()
    expect(differences()).toEqual([])
    expect(reader.ids()).toHaveLength(80)
    await Promise.all(nodes.map((n) => n.close()))
  }, 120_000)

  it('catches a SIGKILLed node up from its snapshot after a restart', async () => {
    const topic = 'killed'
    const snapshot = join(dir, 'killed-node.db')
    const peer = await startNode(topic, 'killed-peer')
    await call(peer.url, 'PUT', '/config', { compatibility: 'NONE' })
    let child = await serveChild(topic, snapshot)
    for (let i = 0; i < 5; i++) expect((await register(child.url, 'k', record(`K${i}`, ['a']))).status).toBe(200)
    child.process.kill('SIGKILL')
    await within('the killed node to exit', new Promise((r) => child.process.once('exit', r)))
    const saved = new Database(snapshot, { readonly: true })
    const { next_offset: savedAt } = saved.prepare('SELECT next_offset FROM kafka_position').get() as {
      next_offset: number
    }
    saved.close()
    expect(savedAt).toBeGreaterThan(0)

    for (let i = 5; i < 10; i++) expect((await register(peer.url, 'k', record(`K${i}`, ['a']))).status).toBe(200)
    child = await serveChild(topic, snapshot)
    await barrier([child.url])
    // It resumed from its snapshot, past the five versions it wrote itself, and read only the tail.
    const health = await call(child.url, 'GET', '/health/ready')
    expect(health.status).toBe(200)
    const position = health.json.store as { resumedFrom: number; next: number; end: number }
    expect(position.resumedFrom).toBe(savedAt)
    expect(position.next).toBeGreaterThanOrEqual(position.end)
    const versions = await call(child.url, 'GET', '/subjects/k/versions')
    expect(versions.json).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    const next = await register(child.url, 'k', record('K10', ['a']))
    expect(next.json.id).toBe(11)
    child.process.kill('SIGTERM')
    await within('the node to exit on SIGTERM', new Promise((r) => child.process.once('exit', r)))
    await peer.close()
  }, 120_000)

  it('loses no acknowledged write when the broker restarts mid-load', async () => {
    const nodes = await Promise.all(['a', 'b'].map((n) => startNode('restarted', `restart-${n}`)))
    const urls = nodes.map((n) => n.url)
    await call(urls[0]!, 'PUT', '/config', { compatibility: 'NONE' })
    const acks: Ack[] = []
    let stop = false
    const writers = urls.map(async (url, w) => {
      for (let i = 0; !stop && i < 200; i++) {
        const schema = record(`W${w}N${i}`, ['a'])
        const res = await register(url, `load-${w}`, schema).catch(() => undefined)
        if (res?.status === 200) acks.push({ subject: `load-${w}`, schema, id: res.json.id })
      }
    })
    try {
      await waitFor('10 acknowledged writes before the broker restart', () => acks.length >= 10, { timeoutMs: 60_000 })
      await kafka!.restart()
      const before = acks.length
      await waitFor('10 more acknowledged writes after the broker restart', () => acks.length >= before + 10, {
        timeoutMs: 90_000,
      })
    } finally {
      stop = true
      await Promise.all(writers)
    }
    await barrier(urls)

    for (const n of nodes) {
      for (const a of acks) {
        const v = n.store.versionsOf(a.subject).find((x) => n.store.schemaById('.', x.id)?.schema === a.schema)
        expect(v?.id).toBe(a.id)
      }
    }
    expect(dump(nodes[1]!.store)).toEqual(dump(nodes[0]!.store))
    await Promise.all(nodes.map((n) => n.close()))
  }, 180_000)
})

async function serveChild(topic: string, snapshot: string): Promise<{ url: string; process: ChildProcess }> {
  const code =
    "const { main } = await import('./src/cli/main.ts'); process.exitCode = await main(process.argv.slice(1))"
  const args = ['serve', '--port', '0', '--log-level', 'silent', '--no-audit', '--store', 'kafka']
  args.push('--bootstrap', kafka!.bootstrap, '--topic', topic, '--snapshot', snapshot)
  const child = spawn('node', ['--import', 'tsx', '--input-type=module', '-e', code, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const listening = new Promise<string>((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /listening on (\S+)/.exec(out)
      if (m) resolve(m[1]!)
    })
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)))
  })
  const url = await within('the served node to say it is listening', listening, 60_000).catch((e: unknown) => {
    child.kill('SIGKILL')
    throw e
  })
  return { url, process: child }
}

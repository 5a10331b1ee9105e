/**
 * A real single-node Apache Kafka (KRaft, combined broker + controller) on 127.0.0.1 for tests
 * and local runs. The jars come from Maven Central through fetch-jars.sh; the broker runs from a
 * fresh temporary log dir on free ports and is stopped (and its files removed) by `stop()`.
 *
 * Run by hand: `node --import tsx scripts/kafka/broker.ts` prints the bootstrap address and
 * keeps the broker up until Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { openSync, closeSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const START_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 15_000

export interface KafkaBroker {
  /** `127.0.0.1:<port>`, for kafkajs `brokers: [bootstrap]`. */
  readonly bootstrap: string
  /** Stops the broker (SIGTERM, then SIGKILL after a grace period) and removes its files. */
  stop(): Promise<void>
  /** Kills the broker (SIGKILL) and starts it again on the same ports and log dir. */
  restart(): Promise<void>
}

export interface StartKafkaOptions {
  /** Default partition count of auto-created topics (default 1). */
  readonly partitions?: number
  /** Max heap of the broker JVM (default `512m`). */
  readonly heap?: string
}

/** True when a `java` binary runs on this machine. */
export function javaAvailable(): boolean {
  const res = spawnSync('java', ['-version'], { stdio: 'ignore' })
  return res.error === undefined && res.status === 0
}

/** Fetches the broker jars once (cached under ~/.cache/registrum-kafka) and returns their folder. */
export function kafkaLibs(): string {
  const res = spawnSync('bash', [join(HERE, 'fetch-jars.sh')], { encoding: 'utf8' })
  if (res.status !== 0) {
    throw new Error(
      `fetching the Kafka jars failed (exit ${res.status}): ${res.stderr ?? ''}${res.error?.message ?? ''}`,
    )
  }
  return res.stdout.trim()
}

/**
 * Starts a broker and resolves once it accepts connections.
 *
 * @example
 * const kafka = await startKafka()
 * const client = new Kafka({ brokers: [kafka.bootstrap] })
 * // ...
 * await kafka.stop()
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaBroker> {
  const libs = kafkaLibs()
  const dir = mkdtempSync(join(tmpdir(), 'registrum-kafka-'))
  const [port, controllerPort] = await freePorts(2)
  const props = join(dir, 'server.properties')
  writeFileSync(
    props,
    serverProperties({
      port: port!,
      controllerPort: controllerPort!,
      logDir: join(dir, 'data'),
      partitions: options.partitions ?? 1,
    }),
  )
  const logFile = join(dir, 'broker.log')
  const jvm = [
    `-Xmx${options.heap ?? '512m'}`,
    '-Xms128m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Xshare:auto',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${join(HERE, 'log4j.properties')}`,
    '-cp',
    `${libs}/*`,
  ]
  const format = spawnSync('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', props], {
    encoding: 'utf8',
  })
  if (format.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`kafka-storage format failed (exit ${format.status}): ${format.stderr}${format.stdout}`)
  }
  let child!: ChildProcess
  let exited!: Promise<void>
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  const launch = () => {
    const out = openSync(logFile, 'a')
    child = spawn('java', [...jvm, 'kafka.Kafka', props], { stdio: ['ignore', out, out] })
    closeSync(out)
    const c = child
    exited = new Promise<void>((resolve) => c.once('exit', () => resolve()))
  }
  launch()

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
      await exited
      clearTimeout(timer)
    }
    process.removeListener('exit', killOnExit)
    rmSync(dir, { recursive: true, force: true })
  }

  const restart = async (): Promise<void> => {
    child.kill('SIGKILL')
    await exited
    launch()
    await waitForBroker(port!, child, START_TIMEOUT_MS)
  }

  try {
    await waitForBroker(port!, child, START_TIMEOUT_MS)
  } catch (err) {
    const log = safeRead(logFile)
    await stop()
    throw new Error(`${(err as Error).message}\n--- broker log (tail) ---\n${log.slice(-4000)}`)
  }
  return { bootstrap: `127.0.0.1:${port}`, stop, restart }
}

function serverProperties(o: { port: number; controllerPort: number; logDir: string; partitions: number }): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${o.controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${o.port}`,
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${o.logDir}`,
    `num.partitions=${o.partitions}`,
    'auto.create.topics.enable=true',
    // A single node: every internal topic has one replica, and few partitions load fast.
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    'log.segment.bytes=16777216',
    'num.network.threads=2',
    'num.io.threads=2',
    'background.threads=2',
    '',
  ].join('\n')
}

/** A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (Kafka's `Uuid`). */
/** A Kafka cluster id: 16 random bytes in base64url, never starting with '-' (the format tool would read it as an option). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
          const s = createServer()
          s.once('error', reject)
          s.listen(0, '127.0.0.1', () => resolve(s))
        }),
    ),
  )
  const ports = servers.map((s) => (s.address() as { port: number }).port)
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  return ports
}

/**
 * Waits until the broker accepts connections and answers metadata with itself as a live broker
 * (a port that is open only means the JVM is listening; a slow machine takes longer to finish
 * starting the controller).
 */
async function waitForBroker(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the Kafka broker exited early (${child.exitCode ?? child.signalCode})`)
    }
    if ((await canConnect(port)) && (await answersMetadata(port))) return
    await new Promise((r) => setTimeout(r, 150))
  }
  throw new Error(`the Kafka broker did not answer on port ${port} within ${timeoutMs} ms`)
}

async function answersMetadata(port: number): Promise<boolean> {
  const { default: kafkajs } = await import('kafkajs')
  const admin = new kafkajs.Kafka({
    brokers: [`127.0.0.1:${port}`],
    logLevel: kafkajs.logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 2_000,
  }).admin()
  try {
    await admin.connect()
    const cluster = await admin.describeCluster()
    return cluster.brokers.length > 0 && cluster.controller !== null
  } catch {
    return false
  } finally {
    await admin.disconnect().catch(() => undefined)
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const broker = await startKafka()
  console.log(`Kafka is up: ${broker.bootstrap} (Ctrl-C stops it)`)
  const shutdown = () => {
    void broker.stop().then(() => process.exit(0))
  }
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}

import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import type { FastifyInstance } from 'fastify'
import type { CompatibilityLevel } from './compat/levels.js'
import { buildApp, type AppDeps } from './http/app.js'
import { loadAuthFile } from './http/auth/auth-file.js'
import { nonBlockingLogStream } from './log-stream.js'
import { DEFAULT_MAX_ENCRYPTION_KEYS } from './registry/encryption-keys.js'
import { storedSchemaGuid } from './registry/prepare.js'
import { createRegistry } from './registry/registry.js'
import { StartupError } from './startup-error.js'
import { SqliteStore } from './store/sqlite/sqlite-store.js'
import type { Store } from './store/store.js'

export interface ServerConfig {
  readonly host: string
  readonly port: number
  /** SQLite file; `:memory:` for a throwaway registry. */
  readonly db: string
  readonly defaultCompatibility: CompatibilityLevel
  readonly bodyLimit: number
  readonly logLevel: string
  /** 40901 (current Confluent) or 409 (older releases) on incompatible registrations. */
  readonly incompatibleErrorCode: number
  /** Users file (YAML or JSON); authentication and access control are off without one. */
  readonly authFile?: string
  /** PEM files: with cert and key the server speaks HTTPS; a CA also requires client certificates. */
  readonly tlsCert?: string
  readonly tlsKey?: string
  readonly tlsCa?: string
  /** Milliseconds for a whole request to arrive; 0 for none. */
  readonly requestTimeout: number
  /** Milliseconds a socket may stay idle before it is closed; 0 for none. */
  readonly connectionTimeout: number
  /** Requests in flight beyond which the server answers 503; 0 for no limit. */
  readonly maxConcurrency: number
  /** One log line per write request, at info whatever the log level. */
  readonly audit: boolean
  /** Most elements a schema in a request may define (42209 beyond it). */
  readonly maxSchemaElements: number
  /** Milliseconds one compatibility check may take before it answers 422. */
  readonly compatibilityBudget: number
  /**
   * Worker threads parsing schemas and checking compatibility for registrations and the
   * compatibility endpoints, off the event loop that serves reads; 0 for none (all inline).
   */
  readonly parseThreads?: number
  /** Most KEKs and DEKs stored together (40972 beyond it); 0 for no limit. */
  readonly maxEncryptionKeys: number
  /** Serve the web UI at `/ui`. */
  readonly ui?: boolean
  /** Where state lives: `sqlite` (the default, `db`) or `kafka` (`bootstrap`, `topic`, `snapshot`). */
  readonly store?: 'sqlite' | 'kafka'
  /** Kafka bootstrap servers, comma-separated `host:port`. */
  readonly bootstrap?: string
  /** Kafka state topic (default `_schemas`). */
  readonly topic?: string
  /** Local SQLite snapshot of the Kafka state, so a restart reads only the tail. */
  readonly snapshot?: string
  /** Milliseconds start-up waits for the Kafka brokers and topic before it fails. */
  readonly kafkaInitTimeout?: number
}

/** One parse thread per core the event loop and the SQLite writer leave, at least one, at most four. */
export const DEFAULT_PARSE_THREADS = Math.min(4, Math.max(1, availableParallelism() - 1))

export const DEFAULT_CONFIG: ServerConfig = {
  host: '127.0.0.1',
  port: 8081,
  db: './data/registrum.db',
  defaultCompatibility: 'BACKWARD',
  bodyLimit: 16 * 1024 * 1024,
  logLevel: 'warn',
  incompatibleErrorCode: 40901,
  requestTimeout: 30_000,
  connectionTimeout: 0,
  maxConcurrency: 1024,
  audit: true,
  maxSchemaElements: 100_000,
  compatibilityBudget: 10_000,
  parseThreads: DEFAULT_PARSE_THREADS,
  maxEncryptionKeys: DEFAULT_MAX_ENCRYPTION_KEYS,
}

export interface RunningServer {
  readonly app: FastifyInstance
  readonly store: Store
  /** `http://host:port` actually bound (port 0 picks a free one). */
  readonly url: string
  close(): Promise<void>
}

/** config → store → app → listen. */
export async function startServer(config: Partial<ServerConfig> = {}, store?: Store): Promise<RunningServer> {
  const c = { ...DEFAULT_CONFIG, ...config }
  const security = loadSecurity(c)
  const theStore = store ?? (await openStore(c))
  await theStore.ready().catch(async (e: unknown) => {
    await theStore.close()
    throw e
  })
  // Logging never blocks request handling, even with the log on a full disk.
  const logStream = nonBlockingLogStream()
  const registry = createRegistry({
    store: theStore,
    options: {
      defaultCompatibility: c.defaultCompatibility,
      incompatibleErrorCode: c.incompatibleErrorCode,
      maxSchemaElements: c.maxSchemaElements,
      compatibilityBudgetMs: c.compatibilityBudget,
      maxEncryptionKeys: c.maxEncryptionKeys,
    },
    parseThreads: c.parseThreads ?? DEFAULT_PARSE_THREADS,
  })
  const app = await buildApp({
    registry,
    bodyLimit: c.bodyLimit,
    logger: c.logLevel === 'silent' ? false : { level: c.logLevel, stream: logStream },
    store: theStore,
    requestTimeout: c.requestTimeout,
    connectionTimeout: c.connectionTimeout,
    maxConcurrency: c.maxConcurrency,
    audit: c.audit,
    ui: c.ui !== false,
    ...security,
  }).catch(async (e: unknown) => {
    await registry.close()
    await theStore.close()
    throw tlsProblem(e) ?? e
  })
  await app.listen({ host: c.host, port: c.port }).catch(async (e: unknown) => {
    await app.close()
    await registry.close()
    await theStore.close()
    throw listenProblem(e, c.host, c.port) ?? e
  })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : c.port
  const host = c.host.includes(':') ? `[${c.host}]` : c.host
  let closing: Promise<void> | undefined
  return {
    app,
    store: theStore,
    url: `${c.tlsCert !== undefined ? 'https' : 'http'}://${host}:${port}`,
    close: () =>
      (closing ??= (async () => {
        await app.close()
        await registry.close()
        await theStore.close()
        logStream.flushSync()
      })()),
  }
}

/** The configured store; the Kafka one is loaded only when asked for, so kafkajs stays out of SQLite servers. */
async function openStore(c: ServerConfig): Promise<Store> {
  if (c.store !== 'kafka') {
    try {
      return new SqliteStore(c.db)
    } catch (e) {
      throw new StartupError(
        `cannot open or create the database ${c.db}: ${(e as Error).message}; choose a path where the file can be created with --db`,
        { cause: e },
      )
    }
  }
  const brokers = (c.bootstrap ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '')
  if (brokers.length === 0) throw new Error('the Kafka store needs --bootstrap host:port')
  const { KafkaStore } = await import('./store/kafka/kafka-store.js')
  return new KafkaStore({
    brokers,
    ...(c.topic !== undefined ? { topic: c.topic } : {}),
    ...(c.snapshot !== undefined ? { snapshot: c.snapshot } : {}),
    ...(c.kafkaInitTimeout !== undefined ? { initTimeoutMs: c.kafkaInitTimeout } : {}),
    hashForeignSchema: storedSchemaGuid,
    ...(c.logLevel !== 'silent'
      ? { onWait: (message: string) => process.stderr.write(`registrum: ${message}\n`) }
      : {}),
  })
}

/** Users file and TLS material, read before the store opens so a bad file fails fast. */
function loadSecurity(c: ServerConfig): Pick<AppDeps, 'auth' | 'https'> {
  if ((c.tlsCert === undefined) !== (c.tlsKey === undefined)) {
    throw new StartupError('TLS needs both --tls-cert and --tls-key; give both files, or neither for plain HTTP')
  }
  return {
    ...(c.authFile !== undefined ? { auth: authFile(c.authFile) } : {}),
    ...(c.tlsCert !== undefined && c.tlsKey !== undefined
      ? {
          https: {
            cert: pemFile(c.tlsCert, '--tls-cert'),
            key: pemFile(c.tlsKey, '--tls-key'),
            ...(c.tlsCa !== undefined ? { ca: pemFile(c.tlsCa, '--tls-ca') } : {}),
          },
        }
      : {}),
  }
}

function authFile(path: string) {
  try {
    return loadAuthFile(path)
  } catch (e) {
    throw new StartupError(
      `cannot use the users file ${(e as Error).message}; fix the file or the path given to --auth-file`,
      { cause: e },
    )
  }
}

function pemFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    throw new StartupError(
      `cannot read ${path} (${flag}): ${(e as Error).message}; check the path and that the file is readable`,
      { cause: e },
    )
  }
}

/** A certificate or key that does not parse fails when the HTTPS server is built. */
function tlsProblem(e: unknown): StartupError | undefined {
  const code = (e as { code?: unknown })?.code
  if (typeof code !== 'string' || !code.startsWith('ERR_OSSL')) return undefined
  return new StartupError(
    `the TLS certificate or key is not usable (${(e as Error).message}); give PEM files that belong together to --tls-cert and --tls-key`,
    { cause: e },
  )
}

function listenProblem(e: unknown, host: string, port: number): StartupError | undefined {
  const code = (e as { code?: unknown })?.code
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`
  if (code === 'EADDRINUSE') {
    return new StartupError(`${where} is already in use; stop what listens there or choose another --port`, {
      cause: e,
    })
  }
  if (code === 'EACCES') {
    return new StartupError(`not allowed to listen on ${where}; choose a port above 1023 with --port`, { cause: e })
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new StartupError(`cannot listen on ${where}: no such address on this machine; choose another --host`, {
      cause: e,
    })
  }
  return undefined
}

import { parseArgs } from 'node:util'
import { parseLevel } from '../compat/levels.js'
import { DEFAULT_CONFIG, DEFAULT_PARSE_THREADS, startServer, type ServerConfig } from '../main.js'
import { installProcessSafetyNet } from '../safety-net.js'
import { UsageError } from './errors.js'

export const SERVE_HELP = `Usage: registrum serve [options]

Starts the schema registry.

Options (each also read from the environment variable shown):
  --host HOST                   address to bind            REGISTRUM_HOST   (default 127.0.0.1)
  --port PORT                   port to bind, 0 for any    REGISTRUM_PORT   (default 8081)
  --db PATH                     SQLite file                REGISTRUM_DB     (default ./data/registrum.db)
  --default-compatibility LEVEL level when none is set     REGISTRUM_DEFAULT_COMPATIBILITY (default BACKWARD)
  --body-limit BYTES            largest request body       REGISTRUM_BODY_LIMIT (default 16777216)
  --log-level LEVEL             fatal|error|warn|info|debug|trace|silent  REGISTRUM_LOG_LEVEL (default warn)
  --legacy-incompatible-code    answer 409 (not 40901) as error_code of incompatible registrations
                                                           REGISTRUM_LEGACY_INCOMPATIBLE_CODE=true
  --auth-file PATH              users, API keys and access rules (YAML or JSON); auth is off without it
                                                           REGISTRUM_AUTH_FILE
  --tls-cert PATH               PEM certificate; with --tls-key serves HTTPS   REGISTRUM_TLS_CERT
  --tls-key PATH                PEM private key            REGISTRUM_TLS_KEY
  --tls-ca PATH                 PEM CA bundle; clients must present a certificate it signed
                                                           REGISTRUM_TLS_CA
  --request-timeout MS          time for a whole request to arrive, 0 for none
                                                           REGISTRUM_REQUEST_TIMEOUT (default 30000)
  --connection-timeout MS       idle socket timeout, 0 for none   REGISTRUM_CONNECTION_TIMEOUT (default 0)
  --max-concurrency N           requests in flight before 503, 0 for no limit
                                                           REGISTRUM_MAX_CONCURRENCY (default 1024)
  --max-schema-elements N       most fields, symbols, branches... a schema may define (42209 beyond)
                                                           REGISTRUM_MAX_SCHEMA_ELEMENTS (default 100000)
  --compatibility-budget MS     longest one compatibility check may run (422 beyond), 0 for none
                                                           REGISTRUM_COMPATIBILITY_BUDGET (default 10000)
  --parse-threads N             worker threads parsing and checking schemas off the event loop,
                                0 for none                 REGISTRUM_PARSE_THREADS (default: cores - 1, 1 to 4)
  --max-encryption-keys N       most KEKs and DEKs stored together (40972 beyond), 0 for no limit
                                                           REGISTRUM_MAX_ENCRYPTION_KEYS (default 10000)
  --no-audit                    no audit line per write request   REGISTRUM_AUDIT=false
  --no-ui                       do not serve the web UI at /ui     REGISTRUM_UI=false
  --shutdown-timeout MS         on SIGTERM/SIGINT, wait this long for requests to finish, then exit
                                                           REGISTRUM_SHUTDOWN_TIMEOUT (default 30000)
  --store sqlite|kafka          where state lives          REGISTRUM_STORE  (default sqlite)
  --bootstrap HOST:PORT[,...]   Kafka brokers (--store kafka)       REGISTRUM_BOOTSTRAP
  --topic NAME                  Kafka state topic          REGISTRUM_TOPIC  (default _schemas)
  --snapshot PATH               local SQLite snapshot of the Kafka state   REGISTRUM_SNAPSHOT
  --kafka-init-timeout MS       how long start-up waits for the brokers and topic
                                                           REGISTRUM_KAFKA_INIT_TIMEOUT (default 60000)
  -h, --help                    show this help
`

/** The levels the logger knows. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

/** Flags over environment over defaults. */
export function serveConfig(
  argv: string[],
  env: NodeJS.ProcessEnv,
): ServerConfig & { help: boolean; shutdownTimeout: number } {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      'default-compatibility': { type: 'string' },
      'body-limit': { type: 'string' },
      'log-level': { type: 'string' },
      'legacy-incompatible-code': { type: 'boolean' },
      'auth-file': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca': { type: 'string' },
      'request-timeout': { type: 'string' },
      'connection-timeout': { type: 'string' },
      'max-concurrency': { type: 'string' },
      'no-audit': { type: 'boolean' },
      'max-schema-elements': { type: 'string' },
      'max-encryption-keys': { type: 'string' },
      'compatibility-budget': { type: 'string' },
      'parse-threads': { type: 'string' },
      'no-ui': { type: 'boolean' },
      'shutdown-timeout': { type: 'string' },
      store: { type: 'string' },
      bootstrap: { type: 'string' },
      topic: { type: 'string' },
      snapshot: { type: 'string' },
      'kafka-init-timeout': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  const pick = (flag: string | undefined, name: string) => flag ?? env[name]
  const int = (raw: string | undefined, name: string, fallback: number) => {
    if (raw === undefined) return fallback
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`${name} must be a non-negative integer, got '${raw}'`)
    return n
  }
  /** A non-negative integer flag, else its REGISTRUM_* environment variable, else `fallback`. */
  const intFlag = (flag: keyof typeof values & string, fallback: number) =>
    int(
      pick(values[flag] as string | undefined, `REGISTRUM_${flag.toUpperCase().replaceAll('-', '_')}`),
      `--${flag}`,
      fallback,
    )
  const levelRaw = pick(values['default-compatibility'], 'REGISTRUM_DEFAULT_COMPATIBILITY')
  const level = levelRaw === undefined ? DEFAULT_CONFIG.defaultCompatibility : parseLevel(levelRaw)
  if (!level) throw new UsageError(`--default-compatibility: unknown level '${levelRaw}'`)
  const logLevel = pick(values['log-level'], 'REGISTRUM_LOG_LEVEL') ?? DEFAULT_CONFIG.logLevel
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}; got '${logLevel}'`)
  }
  const store = pick(values.store, 'REGISTRUM_STORE') ?? 'sqlite'
  if (store !== 'sqlite' && store !== 'kafka') throw new UsageError(`--store must be sqlite or kafka, got '${store}'`)
  const bootstrap = pick(values.bootstrap, 'REGISTRUM_BOOTSTRAP')
  if (store === 'kafka' && !bootstrap) throw new UsageError('--store kafka needs --bootstrap HOST:PORT')
  const legacy =
    values['legacy-incompatible-code'] === true || env.REGISTRUM_LEGACY_INCOMPATIBLE_CODE?.toLowerCase() === 'true'
  return {
    help: values.help === true,
    host: pick(values.host, 'REGISTRUM_HOST') ?? DEFAULT_CONFIG.host,
    port: intFlag('port', DEFAULT_CONFIG.port),
    db: pick(values.db, 'REGISTRUM_DB') ?? DEFAULT_CONFIG.db,
    defaultCompatibility: level,
    bodyLimit: intFlag('body-limit', DEFAULT_CONFIG.bodyLimit),
    logLevel,
    incompatibleErrorCode: legacy ? 409 : 40901,
    ...optional('authFile', pick(values['auth-file'], 'REGISTRUM_AUTH_FILE')),
    ...optional('tlsCert', pick(values['tls-cert'], 'REGISTRUM_TLS_CERT')),
    ...optional('tlsKey', pick(values['tls-key'], 'REGISTRUM_TLS_KEY')),
    ...optional('tlsCa', pick(values['tls-ca'], 'REGISTRUM_TLS_CA')),
    requestTimeout: intFlag('request-timeout', DEFAULT_CONFIG.requestTimeout),
    connectionTimeout: intFlag('connection-timeout', DEFAULT_CONFIG.connectionTimeout),
    maxConcurrency: intFlag('max-concurrency', DEFAULT_CONFIG.maxConcurrency),
    maxSchemaElements: intFlag('max-schema-elements', DEFAULT_CONFIG.maxSchemaElements),
    compatibilityBudget: intFlag('compatibility-budget', DEFAULT_CONFIG.compatibilityBudget),
    parseThreads: intFlag('parse-threads', DEFAULT_PARSE_THREADS),
    maxEncryptionKeys: intFlag('max-encryption-keys', DEFAULT_CONFIG.maxEncryptionKeys),
    audit: values['no-audit'] !== true && env.REGISTRUM_AUDIT?.toLowerCase() !== 'false',
    ui: values['no-ui'] !== true && env.REGISTRUM_UI?.toLowerCase() !== 'false',
    shutdownTimeout: intFlag('shutdown-timeout', 30_000),
    store,
    ...optional('bootstrap', bootstrap),
    ...optional('topic', pick(values.topic, 'REGISTRUM_TOPIC')),
    ...optional('snapshot', pick(values.snapshot, 'REGISTRUM_SNAPSHOT')),
    kafkaInitTimeout: intFlag('kafka-init-timeout', 60_000),
  }
}

const optional = <K extends string>(key: K, value: string | undefined) =>
  (value === undefined || value === '' ? {} : { [key]: value }) as Partial<Record<K, string>>

/**
 * `registrum serve`: starts and prints one ready line. On SIGINT/SIGTERM it stops accepting,
 * lets in-flight requests finish, closes the store and returns; a second signal, or the
 * shutdown timeout (0: none), exits at once (exit code 1).
 */
export async function serve(argv: string[]): Promise<number> {
  const config = serveConfig(argv, process.env)
  if (config.help) {
    process.stdout.write(SERVE_HELP)
    return 0
  }
  const server = await startServer(config)
  installProcessSafetyNet()
  const where =
    config.store === 'kafka' ? `kafka ${config.bootstrap} topic ${config.topic ?? '_schemas'}` : `sqlite ${config.db}`
  process.stdout.write(`registrum listening on ${server.url} (${where})\n`)
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      process.stdout.write(`registrum: ${signal}, finishing in-flight requests\n`)
      const force = () => {
        process.stderr.write('registrum: shutdown did not finish; exiting\n')
        process.exit(1)
      }
      const timer = config.shutdownTimeout > 0 ? setTimeout(force, config.shutdownTimeout) : undefined
      process.once('SIGINT', force)
      process.once('SIGTERM', force)
      server.close().then(
        () => {
          clearTimeout(timer)
          process.stdout.write('registrum: stopped\n')
          resolve(0)
        },
        (e: unknown) => {
          clearTimeout(timer)
          process.stderr.write(`registrum: error while stopping: ${(e as Error)?.stack ?? e}\n`)
          resolve(1)
        },
      )
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })
}

import { parseArgs } from 'node:util'
import { parseLevel } from '../compat/levels.js'
import { DEFAULT_CONFIG, startServer, type ServerConfig } from '../main.js'

export const SERVE_HELP = `Usage: registrum serve [options]

Starts the schema registry.

Options (each also read from the environment variable shown):
  --host HOST                   address to bind            REGISTRUM_HOST   (default 127.0.0.1)
  --port PORT                   port to bind, 0 for any    REGISTRUM_PORT   (default 8081)
  --db PATH                     SQLite file                REGISTRUM_DB     (default ./data/registrum.db)
  --default-compatibility LEVEL level when none is set     REGISTRUM_DEFAULT_COMPATIBILITY (default BACKWARD)
  --body-limit BYTES            largest request body       REGISTRUM_BODY_LIMIT (default 16777216)
  --log-level LEVEL             fatal|error|warn|info|debug|silent  REGISTRUM_LOG_LEVEL (default warn)
  --legacy-incompatible-code    answer 409 (not 40901) as error_code of incompatible registrations
                                                           REGISTRUM_LEGACY_INCOMPATIBLE_CODE=true
  -h, --help                    show this help
`

export class UsageError extends Error {}

/** Flags over environment over defaults. */
export function serveConfig(argv: string[], env: NodeJS.ProcessEnv): ServerConfig & { help: boolean } {
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
  const levelRaw = pick(values['default-compatibility'], 'REGISTRUM_DEFAULT_COMPATIBILITY')
  const level = levelRaw === undefined ? DEFAULT_CONFIG.defaultCompatibility : parseLevel(levelRaw)
  if (!level) throw new UsageError(`--default-compatibility: unknown level '${levelRaw}'`)
  const legacy =
    values['legacy-incompatible-code'] === true || env.REGISTRUM_LEGACY_INCOMPATIBLE_CODE?.toLowerCase() === 'true'
  return {
    help: values.help === true,
    host: pick(values.host, 'REGISTRUM_HOST') ?? DEFAULT_CONFIG.host,
    port: int(pick(values.port, 'REGISTRUM_PORT'), '--port', DEFAULT_CONFIG.port),
    db: pick(values.db, 'REGISTRUM_DB') ?? DEFAULT_CONFIG.db,
    defaultCompatibility: level,
    bodyLimit: int(pick(values['body-limit'], 'REGISTRUM_BODY_LIMIT'), '--body-limit', DEFAULT_CONFIG.bodyLimit),
    logLevel: pick(values['log-level'], 'REGISTRUM_LOG_LEVEL') ?? DEFAULT_CONFIG.logLevel,
    incompatibleErrorCode: legacy ? 409 : 40901,
  }
}

/** `registrum serve`: starts, prints one ready line, stops cleanly on SIGINT/SIGTERM. */
export async function serve(argv: string[]): Promise<number> {
  const config = serveConfig(argv, process.env)
  if (config.help) {
    process.stdout.write(SERVE_HELP)
    return 0
  }
  const server = await startServer(config)
  process.stdout.write(`registrum listening on ${server.url} (sqlite ${config.db})\n`)
  await new Promise<void>((resolve) => {
    const stop = () => {
      server.close().then(resolve, resolve)
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  return 0
}

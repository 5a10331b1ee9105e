import { UsageError } from './errors.js'
import type { Connection } from './registry-calls.js'

/** `parseArgs` option specs for reaching a registry, shared by every networked command. */
export const CONNECTION_OPTIONS = {
  registry: { type: 'string', short: 'r' },
  user: { type: 'string', short: 'u' },
  password: { type: 'string' },
  token: { type: 'string' },
} as const

export const CONNECTION_HELP = `Registry connection (each also read from the environment variable shown):
  -r, --registry URL     registry base URL              REGISTRUM_URL
  -u, --user USER        basic-auth user                REGISTRUM_USER
      --password PASS    basic-auth password            REGISTRUM_PASSWORD
      --token TOKEN      bearer token (wins over basic) REGISTRUM_TOKEN`

interface ConnectionValues {
  readonly registry?: string | undefined
  readonly user?: string | undefined
  readonly password?: string | undefined
  readonly token?: string | undefined
}

/** The connection from flags over environment; undefined when no URL is given anywhere. */
export function connectionFrom(values: ConnectionValues, env: NodeJS.ProcessEnv): Connection | undefined {
  const url = values.registry ?? env.REGISTRUM_URL
  if (url === undefined || url === '') return undefined
  if (!/^https?:\/\//.test(url)) throw new UsageError(`--registry must be an http(s) URL, got '${url}'`)
  const user = values.user ?? env.REGISTRUM_USER
  const password = values.password ?? env.REGISTRUM_PASSWORD
  const token = values.token ?? env.REGISTRUM_TOKEN
  return {
    url,
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(token !== undefined ? { token } : {}),
  }
}

/** The connection, or a usage error naming the command that needs it. */
export function requireConnection(values: ConnectionValues, env: NodeJS.ProcessEnv, command: string): Connection {
  const connection = connectionFrom(values, env)
  if (!connection) throw new UsageError(`${command} needs --registry URL (or REGISTRUM_URL)`)
  return connection
}

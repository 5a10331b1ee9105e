import type { FastifyInstance } from 'fastify'
import type { CompatibilityLevel } from './compat/levels.js'
import { buildApp } from './http/app.js'
import { createRegistry } from './registry/registry.js'
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
}

export const DEFAULT_CONFIG: ServerConfig = {
  host: '127.0.0.1',
  port: 8081,
  db: './data/registrum.db',
  defaultCompatibility: 'BACKWARD',
  bodyLimit: 16 * 1024 * 1024,
  logLevel: 'warn',
  incompatibleErrorCode: 40901,
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
  const theStore = store ?? new SqliteStore(c.db)
  await theStore.ready()
  const registry = createRegistry({
    store: theStore,
    options: { defaultCompatibility: c.defaultCompatibility, incompatibleErrorCode: c.incompatibleErrorCode },
  })
  const app = await buildApp({
    registry,
    bodyLimit: c.bodyLimit,
    logger: c.logLevel === 'silent' ? false : { level: c.logLevel },
  })
  await app.listen({ host: c.host, port: c.port })
  const address = app.server.address()
  const port = typeof address === 'object' && address ? address.port : c.port
  const host = c.host.includes(':') ? `[${c.host}]` : c.host
  let closing: Promise<void> | undefined
  return {
    app,
    store: theStore,
    url: `http://${host}:${port}`,
    close: () =>
      (closing ??= (async () => {
        await app.close()
        await theStore.close()
      })()),
  }
}

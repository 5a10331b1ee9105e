import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer as start, type ServerConfig } from '../../src/main.js'

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** The SQLite file behind it. */
  readonly db: string
  close(): Promise<void>
}

/**
 * Starts the real registry on 127.0.0.1 (a free port) with a SQLite file in a fresh temporary
 * directory, or the given `db` file (to test restarts). `close` stops it and, unless a db was
 * given, removes the directory.
 */
export async function startServer(options: Partial<ServerConfig> = {}): Promise<TestServer> {
  const dir = options.db ? undefined : mkdtempSync(join(tmpdir(), 'registrum-test-'))
  const db = options.db ?? join(dir!, 'registrum.db')
  const server = await start({ host: '127.0.0.1', port: 0, logLevel: 'silent', ...options, db })
  return {
    url: server.url,
    db,
    close: async () => {
      await server.close()
      if (dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}

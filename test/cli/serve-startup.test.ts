/**
 * `registrum serve` refuses bad start-up input with one line that says what is wrong and how to
 * fix it, and exit code 2: no stack trace.
 */
import { createServer, type Server } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertBuilt, run, tempDir, writeFiles } from './cli.js'

beforeAll(assertBuilt)

const { dir, cleanup } = tempDir('registrum-serve-startup-')
afterAll(cleanup)

/** Runs `serve` with a throwaway database unless the case gives its own. */
async function serve(...args: string[]) {
  const r = await run(['serve', '--port', '0', ...(args.includes('--db') ? [] : ['--db', ':memory:']), ...args], {
    cwd: dir,
  })
  return { ...r, lines: r.stderr.trimEnd().split('\n') }
}

function expectOneLine(r: { code: number; stderr: string; lines: string[] }, pattern: RegExp) {
  expect(r.code, r.stderr).toBe(2)
  expect(r.lines, r.stderr).toHaveLength(1)
  expect(r.lines[0]).toMatch(/^registrum: /)
  expect(r.lines[0]).toMatch(pattern)
}

describe('registrum serve start-up errors', () => {
  it('names the accepted log levels', async () => {
    expectOneLine(
      await serve('--log-level', 'verbose'),
      /--log-level must be one of fatal, error, warn, info, debug, trace, silent; got 'verbose'$/,
    )
  })

  describe('a port already in use', () => {
    let taken: Server
    let port: number
    beforeAll(async () => {
      taken = createServer()
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve))
      port = (taken.address() as { port: number }).port
    })
    afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())))

    it('says which address and how to pick another', async () => {
      const r = await serve('--port', String(port))
      expectOneLine(
        r,
        new RegExp(`127\\.0\\.0\\.1:${port} is already in use; stop what listens there or choose another --port$`),
      )
    })
  })

  it('says when the database file cannot be created', async () => {
    writeFiles(dir, { 'not-a-dir': 'a file' })
    expectOneLine(
      await serve('--db', 'not-a-dir/registry.db'),
      /cannot open or create the database not-a-dir\/registry\.db: .+; choose a path where the file can be created with --db$/,
    )
  })

  it('says when the users file cannot be read', async () => {
    expectOneLine(
      await serve('--auth-file', 'missing-users.yaml'),
      /cannot use the users file missing-users\.yaml: ENOENT.*; fix the file or the path given to --auth-file$/,
    )
  })

  it('says when the users file is malformed', async () => {
    writeFiles(dir, { 'users.yaml': 'users:\n  alice: { password: plain }\n' })
    expectOneLine(
      await serve('--auth-file', 'users.yaml'),
      /cannot use the users file users\.yaml: users\.alice\.password must be a scrypt hash.*--auth-file$/,
    )
  })

  it('says when a TLS file cannot be read', async () => {
    writeFiles(dir, { 'key.pem': 'not read first' })
    expectOneLine(
      await serve('--tls-cert', 'missing-cert.pem', '--tls-key', 'key.pem'),
      /cannot read missing-cert\.pem \(--tls-cert\): ENOENT.*; check the path and that the file is readable$/,
    )
  })

  it('says when the TLS files are not a certificate and key', async () => {
    writeFiles(dir, { 'cert.pem': 'not a certificate\n', 'key.pem': 'not a key\n' })
    expectOneLine(
      await serve('--tls-cert', 'cert.pem', '--tls-key', 'key.pem'),
      /the TLS certificate or key is not usable \(.+\); give PEM files that belong together to --tls-cert and --tls-key$/,
    )
  })

  it('says once that it waits for Kafka, then gives up with how to fix it', async () => {
    const free = createServer()
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve))
    const port = (free.address() as { port: number }).port
    await new Promise<void>((resolve) => free.close(() => resolve()))
    const r = await serve('--store', 'kafka', '--bootstrap', `127.0.0.1:${port}`, '--kafka-init-timeout', '800')
    expect(r.code, r.stderr).toBe(2)
    expect(r.lines, r.stderr).toHaveLength(2)
    expect(r.lines[0]).toMatch(
      new RegExp(
        `^registrum: waiting for Kafka at 127\\.0\\.0\\.1:${port} \\(topic _schemas\\): .*ECONNREFUSED.*; giving up after 800 ms$`,
      ),
    )
    expect(r.lines[1]).toMatch(
      /^registrum: Kafka at .* was not ready within 800 ms \(.*\); start the broker, check --bootstrap, or raise --kafka-init-timeout$/,
    )
  })
})

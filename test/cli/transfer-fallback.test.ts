/**
 * `registrum export` and `import` against a registry without Registrum's bulk routes (any other
 * Confluent-compatible registry): a pass-through proxy in front of Registrum answers those routes
 * 404, as Confluent and Karapace do. Each command tries its route once, then makes the plain
 * Confluent calls, and the result is the same as through the bulk routes.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.js'
import { assertBuilt, run, tempDir } from './cli.js'

beforeAll(assertBuilt)

/** A proxy to `target` that counts requests by method and path, and hides `/registrum/v1/...`. */
async function confluentLike(target: string) {
  const seen: string[] = []
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    if (req.url?.startsWith('/registrum/')) {
      req.resume()
      res.writeHead(404, { 'content-type': 'application/json' })
      res.end('{"error_code":404,"message":"HTTP 404 Not Found"}')
      return
    }
    const out = http.request(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    req.pipe(out)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}

const call = async (url: string, method: string, path: string, body?: unknown) => {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  expect(r.status, `${method} ${path}`).toBe(200)
  return r.json() as Promise<unknown>
}
const record = (name: string, extra: object = {}) =>
  JSON.stringify({ type: 'record', name, fields: [{ name: 'a', type: 'string' }], ...extra })

describe('export and import without the bulk routes', () => {
  const { dir, cleanup } = tempDir('registrum-cli-fallback-')
  const servers: TestServer[] = []
  const proxies: Awaited<ReturnType<typeof confluentLike>>[] = []
  afterAll(async () => {
    for (const p of proxies) await p.close()
    for (const s of servers) await s.close()
    cleanup()
  })

  it('makes the plain calls after one try of each route, with the same export and import', async () => {
    const source = await startServer()
    servers.push(source)
    for (let i = 0; i < 30; i++)
      await call(source.url, 'POST', `/subjects/s-${i}/versions`, { schema: record(`R${i}`) })
    await call(source.url, 'POST', '/subjects/s-0/versions', { schema: record('R0', { doc: 'v2' }) })
    await call(source.url, 'PUT', '/config/s-1', { compatibility: 'NONE' })
    await call(source.url, 'DELETE', '/subjects/s-2/versions/1')

    const hidden = await confluentLike(source.url)
    proxies.push(hidden)
    const plain = await run(['export', 'plain.jsonl', '-r', hidden.url], { cwd: dir })
    expect(plain.code, plain.stderr).toBe(0)
    const bulk = await run(['export', 'bulk.jsonl', '-r', source.url], { cwd: dir })
    expect(bulk.code, bulk.stderr).toBe(0)
    const records = (file: string) =>
      readFileSync(join(dir, file), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => JSON.parse(l) as unknown)
    expect(records('plain.jsonl')).toEqual(records('bulk.jsonl'))
    expect(records('plain.jsonl')).toHaveLength(31 + 2 + 1)
    expect(hidden.seen.filter((r) => r.includes('/registrum/'))).toEqual(['POST /registrum/v1/export/subjects'])
    // One request per subject's version list, version, config and mode at least.
    expect(hidden.seen.length).toBeGreaterThan(4 * 30)

    const target = await startServer()
    servers.push(target)
    const into = await confluentLike(target.url)
    proxies.push(into)
    const imported = await run(['import', 'plain.jsonl', '-r', into.url], { cwd: dir })
    expect(imported.stderr).toContain('31 versions: 31 imported, 0 skipped (already there), 0 failed')
    expect(imported.code).toBe(0)
    expect(into.seen.filter((r) => r.includes('/registrum/'))).toEqual(['POST /registrum/v1/import/versions'])
    expect(into.seen.filter((r) => /^POST \/subjects\/[^/]+\/versions$/.test(r))).toHaveLength(31)
    const again = await run(['export', 'again.jsonl', '-r', target.url], { cwd: dir })
    expect(again.code).toBe(0)
    expect(records('again.jsonl')).toEqual(records('bulk.jsonl'))
  })
})

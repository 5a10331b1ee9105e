/**
 * Hot reads answered before routing (src/http/hot-reads.ts), over a real server on 127.0.0.1:
 * the same answer as the routed one, never a stale one, never for a URL naming an alias, never
 * with authentication on, and counted in the metrics like any other request.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/http/app.js'
import { parseAuthSettings } from '../../src/http/auth/auth-file.js'
import { createRegistry } from '../../src/registry/registry.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { basic, PASSWORDS, usersYaml } from '../hardening/fixtures.js'

const record = (name: string, fields: string[] = []) =>
  JSON.stringify({ type: 'record', name, fields: fields.map((f) => ({ name: f, type: 'string' })) })

/** A real app on a SQLite file, listening on 127.0.0.1, counting the requests that were routed. */
async function serve(options: { auth?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'registrum-hot-reads-'))
  const store = new SqliteStore(join(dir, 'r.db'))
  const auth = options.auth ? parseAuthSettings(await usersYaml()) : undefined
  const app: FastifyInstance = await buildApp({ registry: createRegistry({ store }), ...(auth ? { auth } : {}) })
  let routed = 0
  app.addHook('onRequest', (_req, _reply, done) => {
    routed++
    done()
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  return {
    url,
    routed: () => routed,
    call: async (method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json', ...init.headers },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      })
      return { status: res.status, headers: res.headers, text: await res.text() }
    },
    close: async () => {
      await app.close()
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

describe('hot reads before routing', () => {
  let s: Awaited<ReturnType<typeof serve>>
  beforeAll(async () => {
    s = await serve()
    expect((await s.call('POST', '/subjects/t-value/versions', { body: { schema: record('T') } })).status).toBe(200)
  })
  afterAll(async () => {
    await s?.close()
  })

  const URLS = [
    '/schemas/ids/1',
    '/schemas/ids/1?subject=t-value',
    '/schemas/ids/1?fetchMaxId=true',
    '/subjects/t-value/versions/latest',
    '/subjects/t-value/versions/1',
    '/subjects/t-value/versions',
    '/subjects/t-value/versions?deleted=true',
    '/contexts/.ctx/subjects',
  ]

  it('answers a repeated GET without routing it, exactly as the routed answer', async () => {
    for (const path of URLS) {
      for (const accept of [undefined, 'application/json', 'application/vnd.schemaregistry.v1+json, */*;q=0.1']) {
        const headers: Record<string, string> = accept ? { accept } : {}
        const before = s.routed()
        const first = await s.call('GET', path, { headers })
        const second = await s.call('GET', path, { headers })
        const label = `${path} accept=${accept}`
        expect(second.status, label).toBe(first.status)
        expect(second.text, label).toBe(first.text)
        for (const h of ['content-type', 'content-length', 'connection', 'keep-alive']) {
          expect(second.headers.get(h), `${label} ${h}`).toBe(first.headers.get(h))
        }
        expect(second.headers.get('x-request-id'), label).toMatch(/^[0-9a-f-]{36}$/)
        expect(second.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'))
        // Cached routes are answered from the cache from the second time on.
        if (path !== '/contexts/.ctx/subjects') expect(s.routed() - before, label).toBeLessThanOrEqual(1)
      }
    }
  })

  it("echoes a client's X-Request-Id, and routes what it cannot answer", async () => {
    await s.call('GET', '/schemas/ids/1')
    const before = s.routed()
    const echoed = await s.call('GET', '/schemas/ids/1', { headers: { 'x-request-id': 'trace-42' } })
    expect(echoed.headers.get('x-request-id')).toBe('trace-42')
    expect(s.routed()).toBe(before)
    // Other methods, and misses, are routed.
    expect((await s.call('HEAD', '/schemas/ids/1')).status).toBe(200)
    expect((await s.call('GET', '/schemas/ids/99')).status).toBe(404)
    expect((await s.call('GET', '/schemas/ids/99')).status).toBe(404)
    expect(s.routed()).toBe(before + 3)
    // Not acceptable: the app's 406 (answered by its own first hook, before the counting one).
    const refused = await s.call('GET', '/schemas/ids/1', { headers: { accept: 'text/html' } })
    expect(refused.status).toBe(406)
    expect(JSON.parse(refused.text)).toEqual({ error_code: 406, message: 'HTTP 406 Not Acceptable' })
  })

  it('never answers from a stale entry: a write that changes the answer routes the next read', async () => {
    const latest = '/subjects/t-value/versions/latest'
    await s.call('GET', latest)
    await s.call('GET', latest)
    expect((await s.call('PUT', '/config/t-value', { body: { compatibility: 'NONE' } })).status).toBe(200)
    const v2 = await s.call('POST', '/subjects/t-value/versions', { body: { schema: record('T', ['a']) } })
    expect(v2.status).toBe(200)
    const before = s.routed()
    const after = await s.call('GET', latest)
    expect(JSON.parse(after.text)).toMatchObject({ version: 2 })
    expect(s.routed()).toBe(before + 1)
    expect(JSON.parse((await s.call('GET', latest)).text)).toMatchObject({ version: 2 })
    expect(s.routed()).toBe(before + 1)
    expect((await s.call('DELETE', '/subjects/t-value/versions/2')).status).toBe(200)
    expect(JSON.parse((await s.call('GET', latest)).text)).toMatchObject({ version: 1 })
  })

  it('routes every read through an alias, so the app sees the alias', async () => {
    expect((await s.call('PUT', '/config/t-alias', { body: { alias: 't-value' } })).status).toBe(200)
    const path = '/subjects/t-alias/versions/latest'
    const first = await s.call('GET', path)
    expect(JSON.parse(first.text)).toMatchObject({ subject: 't-value' })
    const before = s.routed()
    expect((await s.call('GET', path)).text).toBe(first.text)
    expect(s.routed()).toBe(before + 1)
  })

  it('counts the requests it answers in the metrics, under their route', async () => {
    const count = async () => {
      const text = (await s.call('GET', '/metrics')).text
      const line = text
        .split('\n')
        .find((l) => l.startsWith('registrum_http_requests_total{method="GET",route="/schemas/ids/:id",status="200"}'))
      return Number(line?.split(' ').at(-1) ?? 0)
    }
    await s.call('GET', '/schemas/ids/1')
    const before = await count()
    for (let i = 0; i < 5; i++) await s.call('GET', '/schemas/ids/1')
    expect(await count()).toBe(before + 5)
  })
})

describe('hot reads with authentication on', () => {
  it('are never answered before the access check', async () => {
    const s = await serve({ auth: true })
    try {
      const admin = { authorization: basic('admin', PASSWORDS.admin) }
      const orders = { authorization: basic('orders', PASSWORDS.orders) }
      const reg = await s.call('POST', '/subjects/secret-value/versions', {
        body: { schema: record('S') },
        headers: admin,
      })
      expect(reg.status).toBe(200)
      for (let i = 0; i < 3; i++) {
        expect((await s.call('GET', '/schemas/ids/1', { headers: admin })).status).toBe(200)
        expect((await s.call('GET', '/subjects/secret-value/versions/latest', { headers: admin })).status).toBe(200)
      }
      for (const headers of [orders, {}]) {
        expect((await s.call('GET', '/schemas/ids/1', { headers })).status).toBeGreaterThanOrEqual(401)
        expect(
          (await s.call('GET', '/subjects/secret-value/versions/latest', { headers })).status,
        ).toBeGreaterThanOrEqual(401)
      }
    } finally {
      await s.close()
    }
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer, type TestServer } from '../support/server.js'

const CT = 'application/vnd.schemaregistry.v1+json'

async function call(base: string, method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { 'content-type': CT },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

const record = (name: string, fields: unknown[]) => ({ schema: JSON.stringify({ type: 'record', name, fields }) })

describe('over a real socket with a real SQLite file', () => {
  let dir: string
  let server: TestServer
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'registrum-e2e-'))
    server = await startServer({ db: join(dir, 'r.db') })
  })
  afterAll(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps every write across a restart', async () => {
    const a = await call(server.url, 'POST', '/subjects/persist/versions', record('P', [{ name: 'a', type: 'int' }]))
    const b = await call(
      server.url,
      'POST',
      '/subjects/persist/versions',
      record('P', [
        { name: 'a', type: 'int' },
        { name: 'b', type: 'string', default: '' },
      ]),
    )
    await call(server.url, 'PUT', '/config/persist', { compatibility: 'FULL' })
    expect((await call(server.url, 'DELETE', '/subjects/persist/versions/1')).body).toBe(1)
    await call(server.url, 'PUT', '/mode/persist', { mode: 'READONLY' })
    const before = {
      versions: await call(server.url, 'GET', '/subjects/persist/versions?deletedAsNegative=true'),
      latest: await call(server.url, 'GET', '/subjects/persist/versions/latest'),
      byId: await call(server.url, 'GET', `/schemas/ids/${a.body.id}`),
      config: await call(server.url, 'GET', '/config/persist'),
      mode: await call(server.url, 'GET', '/mode/persist'),
    }
    await server.close()
    server = await startServer({ db: join(dir, 'r.db') })
    const after = {
      versions: await call(server.url, 'GET', '/subjects/persist/versions?deletedAsNegative=true'),
      latest: await call(server.url, 'GET', '/subjects/persist/versions/latest'),
      byId: await call(server.url, 'GET', `/schemas/ids/${a.body.id}`),
      config: await call(server.url, 'GET', '/config/persist'),
      mode: await call(server.url, 'GET', '/mode/persist'),
    }
    expect(after).toEqual(before)
    expect(after.versions.body).toEqual([-1, 2])
    expect(after.latest.body).toMatchObject({ id: b.body.id, version: 2 })
    expect(after.config.body).toEqual({ compatibilityLevel: 'FULL' })
    expect(after.mode.body).toEqual({ mode: 'READONLY' })
  })

  it('never reuses an id after a permanent delete, even across a restart', async () => {
    const r = await call(server.url, 'POST', '/subjects/gone/versions', record('Gone', [{ name: 'x', type: 'long' }]))
    await call(server.url, 'DELETE', '/subjects/gone')
    await call(server.url, 'DELETE', '/subjects/gone?permanent=true')
    await server.close()
    server = await startServer({ db: join(dir, 'r.db') })
    const next = await call(
      server.url,
      'POST',
      '/subjects/fresh/versions',
      record('Fresh', [{ name: 'y', type: 'long' }]),
    )
    expect(next.body.id).toBeGreaterThan(r.body.id)
  })

  it('gives 50 concurrent registrations of one schema one id and one version', async () => {
    const schema = record('Same', [{ name: 'v', type: 'string' }])
    const results = await Promise.all(
      Array.from({ length: 50 }, () => call(server.url, 'POST', '/subjects/concurrent-same/versions', schema)),
    )
    expect(results.every((r) => r.status === 200)).toBe(true)
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1)
    expect(new Set(results.map((r) => r.body.version))).toEqual(new Set([1]))
    expect((await call(server.url, 'GET', '/subjects/concurrent-same/versions')).body).toEqual([1])
  })

  it('gives concurrent different schemas distinct ids and gap-free versions', async () => {
    await call(server.url, 'PUT', '/config/concurrent-many', { compatibility: 'NONE' })
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        call(
          server.url,
          'POST',
          '/subjects/concurrent-many/versions',
          record(`M${i}`, [{ name: `f${i}`, type: 'int' }]),
        ),
      ),
    )
    expect(results.every((r) => r.status === 200)).toBe(true)
    expect(new Set(results.map((r) => r.body.id)).size).toBe(50)
    expect(results.map((r) => r.body.version).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    )
    expect((await call(server.url, 'GET', '/subjects/concurrent-many/versions')).body).toHaveLength(50)
  })
})

import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { buildApp } from '../../src/http/app.js'
import { ERROR_TABLE, OTHER_ERROR_CODES } from '../../src/http/errors.js'
import { createRegistry } from '../../src/registry/registry.js'
import { MemoryStore } from '../../src/store/memory/memory-store.js'

const doc = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, unknown>>
  components: { schemas: { ErrorCode: { enum: number[] } } }
}
const METHODS = ['get', 'put', 'post', 'delete', 'patch']

describe('openapi.yaml', () => {
  it('documents exactly the routes the server registers', async () => {
    const app = await buildApp({ registry: createRegistry({ store: new MemoryStore() }) })
    await app.ready()
    const served = new Set(app.registrumRoutes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`))
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops)
          .filter((m) => METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      ),
    )
    expect([...served].filter((r) => !documented.has(r)).sort()).toEqual([])
    expect([...documented].filter((r) => !served.has(r)).sort()).toEqual([])
    await app.close()
  })

  it('lists exactly the error codes the server can send', () => {
    const sent = new Set<number>([...Object.values(ERROR_TABLE).map(([, code]) => code), ...OTHER_ERROR_CODES])
    expect([...new Set(doc.components.schemas.ErrorCode.enum)].sort()).toEqual([...sent].sort())
  })

  it('is served at GET /openapi.yaml', async () => {
    const app = await buildApp({ registry: createRegistry({ store: new MemoryStore() }) })
    const res = await app.inject({ method: 'GET', url: '/openapi.yaml' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('openapi: 3.1.0')
    await app.close()
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROUTE_ACCESS } from '../../src/http/auth/route-access.js'
import { buildApp } from '../../src/http/app.js'
import { createRegistry } from '../../src/registry/registry.js'
import { MemoryStore } from '../../src/store/memory/memory-store.js'
import { API_KEY, type AuthServer, basic, startAuthServer, SIGN_IN } from './fixtures.js'

const AVRO = (name: string) => JSON.stringify({ type: 'record', name, fields: [{ name: 'a', type: 'string' }] })

let server: AuthServer

const call = (method: string, path: string, auth?: string, body?: unknown) => server.call(method, path, auth, body)

const { admin, reader, orders, prefixed } = SIGN_IN
const bearer = `Bearer ${API_KEY}`

beforeAll(async () => {
  server = await startAuthServer(['orders-value', 'secret-value', 'public-value', 'team.a.x'])
})
afterAll(async () => {
  await server?.close()
})

describe('authentication', () => {
  it('answers 401 with WWW-Authenticate and the envelope to anonymous requests', async () => {
    const res = await call('GET', '/subjects')
    expect(res.status).toBe(401)
    expect(res.body).toEqual({ error_code: 401, message: 'Unauthorized' })
    expect(res.headers.get('www-authenticate')).toContain('Basic realm="registrum"')
    expect(res.headers.get('www-authenticate')).toContain('Bearer')
  })

  it('answers 401 to a wrong password, an unknown user, an unknown token and an odd scheme', async () => {
    for (const auth of [basic('reader', 'nope'), basic('nobody', 'x'), 'Bearer wrong', 'Digest abc', 'Basic !!!']) {
      const res = await call('GET', '/subjects', auth)
      expect(res.status, auth).toBe(401)
      expect(res.body).toEqual({ error_code: 401, message: 'Unauthorized' })
    }
  })

  it('leaves health probes and / open', async () => {
    expect((await call('GET', '/health/live')).status).toBe(200)
    expect((await call('GET', '/health/ready')).status).toBe(200)
    expect((await call('GET', '/')).status).toBe(200)
  })

  it('requires a sign-in for /metrics and unknown routes', async () => {
    expect((await call('GET', '/metrics')).status).toBe(401)
    expect((await call('GET', '/no/such/route')).status).toBe(401)
    expect((await call('GET', '/no/such/route', reader)).status).toBe(404)
    expect((await call('GET', '/metrics', reader)).status).toBe(200)
  })
})

describe('authorization', () => {
  it('lets a global reader read everything and write nothing', async () => {
    expect((await call('GET', '/subjects/secret-value/versions/1', reader)).status).toBe(200)
    const res = await call('POST', '/subjects/secret-value/versions', reader, { schema: AVRO('R2') })
    expect(res.status).toBe(403)
    expect(res.body).toEqual({ error_code: 40301, message: 'User is denied operation Write on Subject: secret-value' })
  })

  it('applies glob rules: write on orders-*, nothing elsewhere', async () => {
    expect((await call('POST', '/subjects/orders-key/versions', orders, { schema: '"string"' })).status).toBe(200)
    expect((await call('GET', '/subjects/orders-value/versions', orders)).status).toBe(200)
    expect((await call('POST', '/subjects/secret-value/versions', orders, { schema: '"string"' })).status).toBe(403)
    expect((await call('DELETE', '/subjects/orders-key', orders)).status).toBe(403)
  })

  it('answers a denied read the same whether or not the subject exists', async () => {
    const existing = await call('GET', '/subjects/secret-value/versions', orders)
    const missing = await call('GET', '/subjects/secret-nothing/versions', orders)
    expect(existing.status).toBe(403)
    expect(missing.status).toBe(403)
    expect(existing.body).toEqual({
      error_code: 40301,
      message: 'User is denied operation Read on Subject: secret-value',
    })
    expect(missing.body).toEqual({
      error_code: 40301,
      message: 'User is denied operation Read on Subject: secret-nothing',
    })
  })

  it('checks both an alias and its target, and never names the target of a denied alias', async () => {
    expect((await call('PUT', '/config/orders-alias', admin, { alias: 'secret-value' })).status).toBe(200)
    expect((await call('PUT', '/config/secret-alias', admin, { alias: 'orders-value' })).status).toBe(200)
    // Allowed on the alias, not on its target.
    const toSecret = await call('GET', '/subjects/orders-alias/versions/latest', orders)
    expect(toSecret.status).toBe(403)
    // Allowed on the target, not on the alias: denied as for any unreadable subject.
    const viaSecret = await call('GET', '/subjects/secret-alias/versions/latest', orders)
    expect(viaSecret.body).toEqual({
      error_code: 40301,
      message: 'User is denied operation Read on Subject: secret-alias',
    })
    // A reader of both reads the target through the alias.
    expect((await call('GET', '/subjects/secret-alias/versions/latest', admin)).body).toMatchObject({
      subject: 'orders-value',
    })
  })

  it('applies prefix rules literally, admin included', async () => {
    expect((await call('PUT', '/config/team.a.x', prefixed, { compatibility: 'NONE' })).status).toBe(200)
    expect((await call('PUT', '/config/team.ab', prefixed, { compatibility: 'NONE' })).status).toBe(403)
    expect((await call('POST', '/subjects/team.a.y/versions', prefixed, { schema: '"int"' })).status).toBe(200)
    expect((await call('DELETE', '/subjects/team.a.y', prefixed)).status).toBe(200)
  })

  it('reserves global config and mode writes for global admins', async () => {
    for (const auth of [reader, orders, prefixed, bearer]) {
      expect((await call('PUT', '/config', auth, { compatibility: 'FULL' })).status).toBe(403)
      expect((await call('PUT', '/mode', auth, { mode: 'READONLY' })).status).toBe(403)
      expect((await call('DELETE', '/config', auth)).status).toBe(403)
    }
    expect((await call('GET', '/config', orders)).status).toBe(200)
    expect((await call('PUT', '/config', admin, { compatibility: 'BACKWARD' })).status).toBe(200)
    expect((await call('PUT', '/mode', admin, { mode: 'READWRITE' })).status).toBe(200)
    expect((await call('PUT', '/config/orders-value', orders, { compatibility: 'NONE' })).status).toBe(403)
    expect((await call('PUT', '/config/orders-value', admin, { compatibility: 'NONE' })).status).toBe(200)
  })

  it('accepts an API key as a bearer token, with its own rules', async () => {
    expect((await call('POST', '/subjects/ci-value/versions', bearer, { schema: '"string"' })).status).toBe(200)
    expect((await call('POST', '/subjects/orders-x/versions', bearer, { schema: '"string"' })).status).toBe(403)
    expect((await call('GET', '/subjects/public-value/versions', bearer)).status).toBe(200)
  })

  it('filters /subjects and /schemas to readable subjects, paging after the filter', async () => {
    expect((await call('GET', '/subjects', orders)).body).toEqual(['orders-key', 'orders-value', 'public-value'])
    expect((await call('GET', '/subjects?offset=1&limit=1', orders)).body).toEqual(['orders-value'])
    const all = (await call('GET', '/subjects', admin)).body as string[]
    expect(all).toContain('secret-value')
    const schemas = (await call('GET', '/schemas', orders)).body as { subject: string }[]
    expect(new Set(schemas.map((s) => s.subject))).toEqual(new Set(['orders-key', 'orders-value', 'public-value']))
  })

  it('serves a schema by id to whoever can read a subject using it, and filters its subjects', async () => {
    const secret = (await call('GET', '/subjects/secret-value/versions/1', admin)).body as { id: number }
    // The same record schema is registered under orders-value and secret-value: one id.
    expect((await call('GET', `/schemas/ids/${secret.id}`, orders)).status).toBe(200)
    expect((await call('GET', `/schemas/ids/${secret.id}/subjects`, orders)).body).toEqual([
      'orders-value',
      'public-value',
    ])
    expect((await call('GET', `/schemas/ids/${secret.id}/subjects`, admin)).body).toContain('secret-value')
    const onlySecret = (await call('POST', '/subjects/secret-other/versions', admin, { schema: AVRO('Hidden') }))
      .body as { id: number }
    const denied = await call('GET', `/schemas/ids/${onlySecret.id}`, orders)
    const unknown = await call('GET', '/schemas/ids/999999', orders)
    expect(denied.status).toBe(403)
    expect(unknown.status).toBe(403)
    expect((await call('GET', `/schemas/ids/${onlySecret.id}`, reader)).status).toBe(200)
    expect((await call('GET', '/schemas/ids/999999', reader)).status).toBe(404)
  })
})

describe('the route table', () => {
  it('has a row for every route the server registers', async () => {
    const app = await buildApp({ registry: createRegistry({ store: new MemoryStore() }) })
    await app.ready()
    const missing = app.registrumRoutes.map((r) => `${r.method} ${r.url}`).filter((k) => !(k in ROUTE_ACCESS))
    expect(missing).toEqual([])
    await app.close()
  })
})

describe('JWT bearer tokens', () => {
  it('signs in with a token verified against the JWKS and applies the rules of its subject claim', async () => {
    const { generateKeyPairSync, sign } = await import('node:crypto')
    const { parseAuthSettings } = await import('../../src/http/auth/auth-file.js')
    const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const jwks = { keys: [{ ...keys.publicKey.export({ format: 'jwk' }), kid: 'k1' }] }
    const auth = parseAuthSettings(
      JSON.stringify({
        jwt: { jwks, audience: 'registrum' },
        access: [{ principal: 'svc-orders', subject: 'orders-*', grant: 'write' }],
      }),
    )
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
    const data = `${b64({ alg: 'ES256', kid: 'k1' })}.${b64({ sub: 'svc-orders', aud: 'registrum', exp: Date.now() / 1000 + 600 })}`
    const token = `${data}.${sign('sha256', Buffer.from(data), { key: keys.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`
    const app = await buildApp({ registry: createRegistry({ store: new MemoryStore() }), auth })
    const post = (subject: string, authorization: string) =>
      app.inject({
        method: 'POST',
        url: `/subjects/${subject}/versions`,
        headers: { authorization },
        payload: { schema: '"string"' },
      })
    expect((await post('orders-value', `Bearer ${token}`)).statusCode).toBe(200)
    expect((await post('other-value', `Bearer ${token}`)).statusCode).toBe(403)
    expect((await post('orders-value', `Bearer ${token.slice(0, -4)}AAAA`)).statusCode).toBe(401)
    await app.close()
  })
})

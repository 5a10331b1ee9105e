import { generateKeyPairSync, sign } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../src/http/auth/password.js'
import { startServer, type TestServer } from '../support/server.js'
import { basic } from './fixtures.js'

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const jwks = { keys: [{ ...keys.publicKey.export({ format: 'jwk' }), kid: 'k1' }] }
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
const later = () => Math.floor(Date.now() / 1000) + 600

function token(claims: object, header: object = {}): string {
  const data = `${b64({ alg: 'ES256', kid: 'k1', ...header })}.${b64({ aud: 'registrum', ...claims })}`
  return `${data}.${sign('sha256', Buffer.from(data), { key: keys.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`
}

const dir = mkdtempSync(join(tmpdir(), 'registrum-jwt-'))
const servers: TestServer[] = []
afterAll(async () => {
  for (const s of servers) await s.close()
  rmSync(dir, { recursive: true, force: true })
})

async function serverWith(jwt: object): Promise<TestServer> {
  const file = join(dir, `users-${servers.length}.json`)
  const users = { admin: { password: await hashPassword('a-pass') } }
  const access = [
    { principal: 'admin', grant: 'admin' },
    { principal: 'jwt:svc', subject: 'orders-*', grant: 'write' },
    { principal: 'svc', subject: 'orders-*', grant: 'write' },
  ]
  writeFileSync(file, JSON.stringify({ users, jwt: { jwks, audience: 'registrum', ...jwt }, access }))
  const server = await startServer({ authFile: file })
  servers.push(server)
  return server
}

const register = (server: TestServer, subject: string, authorization: string) =>
  fetch(`${server.url}/subjects/${subject}/versions`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ schema: '"string"' }),
  }).then((r) => r.status)

describe('JWT bearer tokens', () => {
  it('keeps JWT principals apart from users with principalPrefix, so a token for sub "admin" is not the admin user', async () => {
    const server = await serverWith({ principalPrefix: 'jwt:' })
    expect(await register(server, 'orders-value', `Bearer ${token({ sub: 'svc', exp: later() })}`)).toBe(200)
    expect(await register(server, 'other-value', `Bearer ${token({ sub: 'admin', exp: later() })}`)).toBe(403)
    expect(await register(server, 'other-value', basic('admin', 'a-pass'))).toBe(200)
  })

  it('refuses, by default, a token without exp, with a non-numeric exp or nbf, or with a crit header', async () => {
    const server = await serverWith({})
    expect(await register(server, 'orders-value', `Bearer ${token({ sub: 'svc', exp: later() })}`)).toBe(200)
    for (const bad of [
      token({ sub: 'svc' }),
      token({ sub: 'svc', exp: String(later()) }),
      token({ sub: 'svc', exp: later(), nbf: 'now' }),
      token({ sub: 'svc', exp: later() }, { crit: ['x-ext'], 'x-ext': true }),
    ]) {
      expect(await register(server, 'orders-value', `Bearer ${bad}`)).toBe(401)
    }
  })

  it('accepts a token without exp when requireExp is false', async () => {
    const server = await serverWith({ requireExp: false })
    expect(await register(server, 'orders-value', `Bearer ${token({ sub: 'svc' })}`)).toBe(200)
  })
})

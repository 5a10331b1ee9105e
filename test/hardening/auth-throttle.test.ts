import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../src/http/auth/password.js'
import { startServer, type TestServer } from '../support/server.js'
import { basic, PASSWORDS, usersYaml } from './fixtures.js'

let server: TestServer
let dir: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'registrum-throttle-'))
  const file = join(dir, 'users.yaml')
  const fresh = JSON.stringify(await hashPassword('f-pass'))
  writeFileSync(file, (await usersYaml()).replace('users:\n', `users:\n  fresh: { password: ${fresh} }\n`))
  server = await startServer({ authFile: file })
})

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

const get = (path: string, auth?: string) =>
  fetch(`${server.url}${path}`, { headers: auth ? { authorization: auth } : {} })

/** A counter from /metrics, read as the admin (whose sign-in is cached after the first). */
async function metric(name: string): Promise<number> {
  const text = await (await get('/metrics', basic('admin', PASSWORDS.admin))).text()
  const line = text.split('\n').find((l) => l.startsWith(`${name} `))
  return Number(line?.split(' ')[1])
}

describe('basic authentication under attack', () => {
  beforeAll(async () => {
    expect((await get('/subjects', basic('admin', PASSWORDS.admin))).status).toBe(200)
  })

  it('checks an unknown user against a dummy hash, the same work as a known user with a wrong password', async () => {
    const before = await metric('registrum_auth_password_checks_total')
    expect((await get('/subjects', basic('nobody-at-all', 'x'))).status).toBe(401)
    const afterUnknown = await metric('registrum_auth_password_checks_total')
    expect((await get('/subjects', basic('orders', 'wrong'))).status).toBe(401)
    const afterKnown = await metric('registrum_auth_password_checks_total')
    expect(afterUnknown - before).toBe(1)
    expect(afterKnown - afterUnknown).toBe(1)
  })

  it('throttles a principal after repeated failures with 429 and Retry-After, even for its right password', async () => {
    for (let i = 0; i < 5; i++) expect((await get('/subjects', basic('reader', `wrong-${i}`))).status).toBe(401)
    const throttled = await get('/subjects', basic('reader', 'wrong-again'))
    expect(throttled.status).toBe(429)
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(await throttled.json()).toMatchObject({ error_code: 429 })
    expect((await get('/subjects', basic('reader', PASSWORDS.reader))).status).toBe(429)
    // Another principal from the same address is not locked out by it.
    expect((await get('/subjects', basic('orders', PASSWORDS.orders))).status).toBe(200)
  })

  it('keeps a flood of parallel wrong passwords from running scrypt for each, and lets other users sign in', async () => {
    const checksBefore = await metric('registrum_auth_password_checks_total')
    const flood = Array.from({ length: 60 }, (_, i) =>
      get('/subjects', basic('prefixed', `guess-${i}`)).then((r) => r.status),
    )
    const started = Date.now()
    // A signed-in user (cached) is never held up by the flood's password checks.
    const cached = await get('/subjects', basic('orders', PASSWORDS.orders))
    const cachedMs = Date.now() - started
    const statuses = await Promise.all(flood)
    const checks = (await metric('registrum_auth_password_checks_total')) - checksBefore
    // A first sign-in once the flood is refused waits for at most the checks already running.
    const freshStarted = Date.now()
    const fresh = await get('/subjects', basic('fresh', 'f-pass'))
    const freshMs = Date.now() - freshStarted
    console.log(
      `flood of 60 wrong passwords: ${statuses.filter((s) => s === 429).length} answered 429, ${checks} scrypt checks; ` +
        `a signed-in user's request took ${cachedMs} ms, a first sign-in after it ${freshMs} ms`,
    )
    expect(cached.status).toBe(200)
    expect(fresh.status).toBe(200)
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true)
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(50)
    // At most MAX_PENDING_CHECKS_PER_ADDRESS at a time and 5 free failures: far fewer than 60 checks.
    expect(checks).toBeLessThanOrEqual(12)
    expect(await metric('registrum_auth_throttled_total')).toBeGreaterThanOrEqual(50)
  })
})

/**
 * Access control on the bulk routes: importing versions needs a global admin grant (as IMPORT
 * mode does), reading subjects in bulk a global read grant; a principal without it still
 * exports, one request at a time, exactly the subjects it may read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectDump } from '../../src/cli/transfer/export.js'
import { RegistryCalls } from '../../src/cli/registry-calls.js'
import { type AuthServer, PASSWORDS, startAuthServer, SIGN_IN } from './fixtures.js'

const AVRO = (name: string) => JSON.stringify({ type: 'record', name, fields: [{ name: 'a', type: 'string' }] })
const IMPORT = '/registrum/v1/import/versions'
const EXPORT = '/registrum/v1/export/subjects'

let server: AuthServer
const call = (method: string, path: string, auth?: string, body?: unknown) => server.call(method, path, auth, body)
const { admin, reader, orders, prefixed } = SIGN_IN

beforeAll(async () => {
  server = await startAuthServer(['orders-value', 'orders-key', 'secret-value', 'team.a.x'])
})
afterAll(async () => {
  await server?.close()
})

describe('bulk routes and access control', () => {
  it('lets only a global admin import versions in bulk', async () => {
    const body = { versions: [{ subject: 'orders-new', schema: AVRO('N') }] }
    expect((await call('POST', IMPORT, undefined, body)).status).toBe(401)
    for (const auth of [reader, orders, prefixed]) {
      const res = await call('POST', IMPORT, auth, body)
      expect(res.status).toBe(403)
      expect(res.body).toMatchObject({ error_code: 40301 })
    }
    expect((await call('GET', '/subjects/orders-new/versions', admin)).status).toBe(404)
    const res = await call('POST', IMPORT, admin, body)
    expect((res.body as { results: { status: number }[] }).results[0]!.status).toBe(200)
  })

  it('lets only a global reader read subjects in bulk', async () => {
    const body = { subjects: ['secret-value'] }
    expect((await call('POST', EXPORT, undefined, body)).status).toBe(401)
    for (const auth of [orders, prefixed]) expect((await call('POST', EXPORT, auth, body)).status).toBe(403)
    const res = await call('POST', EXPORT, reader, body)
    expect(res.status).toBe(200)
    expect((res.body as { subjects: { versions: unknown[] }[] }).subjects[0]!.versions).toHaveLength(1)
  })

  it('exports for a principal without global read only what it may read, one request at a time', async () => {
    const rest = new RegistryCalls({ url: server.url, user: 'orders', password: PASSWORDS.orders }, { maxSockets: 4 })
    const dump = await collectDump(rest, 4)
    rest.close()
    expect([...new Set(dump.schemas.map((s) => s.subject))].sort()).toEqual([
      'orders-key',
      'orders-new',
      'orders-value',
    ])
    const all = new RegistryCalls({ url: server.url, user: 'reader', password: PASSWORDS.reader })
    const everything = await collectDump(all, 4)
    all.close()
    expect(everything.schemas.map((s) => s.subject)).toEqual([
      'orders-key',
      'orders-new',
      'orders-value',
      'secret-value',
      'team.a.x',
    ])
  })
})

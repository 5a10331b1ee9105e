/**
 * Access control on the DEK registry: KEKs are readable by any signed-in principal, created
 * with a global write grant and administered with a global admin grant; a DEK is read, written
 * and administered through its subject's grants, and listings show only readable subjects.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DekRegistryClient } from '@confluentinc/schemaregistry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROUTE_ACCESS } from '../../src/http/auth/route-access.js'
import { startServer, type TestServer } from '../support/server.js'
import { basic, PASSWORDS, request, usersYaml } from './fixtures.js'

const KEKS = '/dek-registry/v1/keks'
const WRAPPED = Buffer.from('wrapped').toString('base64')

const admin = basic('admin', PASSWORDS.admin)
const reader = basic('reader', PASSWORDS.reader)
const orders = basic('orders', PASSWORDS.orders)
const prefixed = basic('prefixed', PASSWORDS.prefixed)
const writer = basic('writer', 'w-pass')

let server: TestServer
let dir: string

const call = (method: string, path: string, auth?: string, body?: unknown) =>
  request(server.url, method, path, auth, body)

const kek = (name: string) => ({ name, kmsType: 'aws-kms', kmsKeyId: `arn:${name}` })
const dek = (subject: string, version = 1) => ({ subject, version, encryptedKeyMaterial: WRAPPED })

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'registrum-auth-dek-'))
  const { hashPassword } = await import('../../src/http/auth/password.js')
  const extraUser = `  - { principal: writer, grant: write }\n`
  const yaml = (await usersYaml(extraUser)).replace(
    'users:\n',
    `users:\n  writer: { password: ${JSON.stringify(await hashPassword('w-pass'))} }\n`,
  )
  const file = join(dir, 'users.yaml')
  writeFileSync(file, yaml)
  server = await startServer({ authFile: file })
  expect((await call('POST', KEKS, admin, kek('shared_kek'))).status).toBe(200)
  for (const s of ['orders-value', 'secret-value', 'team.a.x']) {
    expect((await call('POST', `${KEKS}/shared_kek/deks`, admin, dek(s))).status).toBe(200)
  }
})

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('DEK registry access control', () => {
  it('gives every DEK registry route an explicit row', () => {
    const rows = Object.keys(ROUTE_ACCESS).filter((k) => k.includes('/dek-registry/'))
    expect(rows.length).toBe(16)
  })

  it('requires a sign-in for everything', async () => {
    for (const [method, path] of [
      ['GET', KEKS],
      ['GET', `${KEKS}/shared_kek`],
      ['GET', `${KEKS}/shared_kek/deks`],
      ['GET', `${KEKS}/shared_kek/deks/orders-value/versions/1`],
      ['POST', `${KEKS}/shared_kek/deks`],
    ] as const) {
      expect((await call(method, path)).status, `${method} ${path}`).toBe(401)
    }
  })

  it('lets any signed-in principal read KEKs, as serializers must', async () => {
    for (const who of [reader, orders, prefixed]) {
      expect((await call('GET', `${KEKS}/shared_kek`, who)).status).toBe(200)
      expect((await call('GET', KEKS, who)).body).toEqual(['shared_kek'])
    }
  })

  it('needs a global write grant to create a KEK and a global admin grant to administer one', async () => {
    const denied = await call('POST', KEKS, orders, kek('by_orders'))
    expect(denied.status).toBe(403)
    expect(denied.body).toMatchObject({ error_code: 40301 })
    expect((await call('POST', KEKS, reader, kek('by_reader'))).status).toBe(403)
    expect((await call('POST', KEKS, writer, kek('by_writer'))).status).toBe(200)
    for (const [method, path, body] of [
      ['PUT', `${KEKS}/by_writer`, { doc: 'x' }],
      ['DELETE', `${KEKS}/by_writer`, undefined],
      ['POST', `${KEKS}/by_writer/undelete`, undefined],
    ] as const) {
      expect((await call(method, path, writer, body)).status, `${method} ${path}`).toBe(403)
    }
    expect((await call('PUT', `${KEKS}/by_writer`, admin, { doc: 'x' })).status).toBe(200)
    expect((await call('DELETE', `${KEKS}/by_writer`, admin)).status).toBe(204)
  })

  it('reads a DEK only with read on its subject, and answers 403 whether or not it exists', async () => {
    expect((await call('GET', `${KEKS}/shared_kek/deks/orders-value/versions/1`, orders)).status).toBe(200)
    for (const path of [
      `${KEKS}/shared_kek/deks/secret-value`,
      `${KEKS}/shared_kek/deks/secret-value/versions`,
      `${KEKS}/shared_kek/deks/secret-value/versions/latest`,
      `${KEKS}/shared_kek/deks/no-such-value/versions/1`,
      `${KEKS}/no_such_kek/deks/secret-value/versions/1`,
    ]) {
      const res = await call('GET', path, orders)
      expect(res.status, path).toBe(403)
      expect(res.body).toMatchObject({ error_code: 40301 })
    }
    expect((await call('GET', `${KEKS}/shared_kek/deks/team.a.x`, prefixed)).status).toBe(200)
  })

  it('lists only the DEK subjects, and KEKs by subject prefix, that the caller may read', async () => {
    expect((await call('GET', `${KEKS}/shared_kek/deks`, orders)).body).toEqual(['orders-value'])
    expect((await call('GET', `${KEKS}/shared_kek/deks`, prefixed)).body).toEqual(['team.a.x'])
    expect((await call('GET', `${KEKS}/shared_kek/deks?offset=0&limit=1`, reader)).body).toEqual(['orders-value'])
    expect((await call('GET', `${KEKS}/shared_kek/deks`, reader)).body).toEqual([
      'orders-value',
      'secret-value',
      'team.a.x',
    ])
    expect((await call('GET', `${KEKS}?subjectPrefix=secret`, orders)).body).toEqual([])
    expect((await call('GET', `${KEKS}?subjectPrefix=secret`, reader)).body).toEqual(['shared_kek'])
  })

  it('creates a DEK only with write on its subject, whether named in the body or the path', async () => {
    expect((await call('POST', `${KEKS}/shared_kek/deks`, orders, dek('orders-value', 2))).status).toBe(200)
    expect((await call('POST', `${KEKS}/shared_kek/deks/orders-key`, orders, dek('orders-key'))).status).toBe(200)
    for (const [path, body] of [
      [`${KEKS}/shared_kek/deks`, dek('secret-value', 2)],
      [`${KEKS}/shared_kek/deks/secret-value`, { encryptedKeyMaterial: WRAPPED, version: 2 }],
      [`${KEKS}/no_such_kek/deks`, dek('secret-value', 2)],
    ] as const) {
      const res = await call('POST', path, orders, body)
      expect(res.status, path).toBe(403)
      expect(res.body).toMatchObject({ error_code: 40301 })
    }
    expect((await call('POST', `${KEKS}/shared_kek/deks`, reader, dek('orders-value', 3))).status).toBe(403)
    expect((await call('GET', `${KEKS}/shared_kek/deks/secret-value/versions`, admin)).body).toEqual([1])
  })

  it('deletes and undeletes a DEK only with admin on its subject', async () => {
    expect((await call('DELETE', `${KEKS}/shared_kek/deks/orders-value`, orders)).status).toBe(403)
    expect((await call('DELETE', `${KEKS}/shared_kek/deks/orders-value/versions/1`, orders)).status).toBe(403)
    expect((await call('DELETE', `${KEKS}/shared_kek/deks/team.a.x`, prefixed)).status).toBe(204)
    expect((await call('POST', `${KEKS}/shared_kek/deks/team.a.x/undelete`, prefixed)).status).toBe(204)
    expect((await call('POST', `${KEKS}/shared_kek/deks/orders-value/undelete`, orders)).status).toBe(403)
  })

  it('lets the Confluent client read with the same rules', async () => {
    const [user, password] = ['orders', PASSWORDS.orders]
    const c = new DekRegistryClient({
      baseURLs: [server.url],
      maxRetries: 0,
      basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: `${user}:${password}` },
    })
    expect(await c.getKek('shared_kek')).toMatchObject({ name: 'shared_kek' })
    expect(await c.getDek('shared_kek', 'orders-value', 'AES256_GCM', 1)).toMatchObject({ subject: 'orders-value' })
    await expect(c.getDek('shared_kek', 'secret-value', 'AES256_GCM', 1)).rejects.toMatchObject({ status: 403 })
  })
})

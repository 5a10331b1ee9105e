import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DekRegistryClient } from '@confluentinc/schemaregistry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/http/app.js'
import { createRegistry } from '../../src/registry/registry.js'
import { MemoryStore } from '../../src/store/memory/memory-store.js'
import { startServer, type TestServer } from '../support/server.js'

const JSON_TYPE = 'application/vnd.schemaregistry.v1+json'
const KEKS = '/dek-registry/v1/keks'
/** A wrapped DEK as a client's KMS returns it: opaque bytes, base64. */
const WRAPPED = Buffer.from('wrapped-dek-bytes-0123456789abcdef').toString('base64')
const WRAPPED_2 = Buffer.from('another-wrapped-dek-0123456789').toString('base64')

let server: TestServer
let dir: string

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: body !== undefined ? { 'content-type': JSON_TYPE } : {},
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined }
}

const kek = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  kmsType: 'local-kms',
  kmsKeyId: `projects/p/keys/${name}`,
  shared: false,
  ...extra,
})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'registrum-dek-'))
  server = await startServer({ db: join(dir, 'registrum.db') })
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

const client = () => new DekRegistryClient({ baseURLs: [server.url], maxRetries: 0 })

describe('DekRegistryClient from @confluentinc/schemaregistry against Registrum', () => {
  it('registers and reads a KEK', async () => {
    const c = client()
    const created = await c.registerKek(
      'client_kek',
      'aws-kms',
      'arn:aws:kms:eu-west-1:1:key/k',
      false,
      { region: 'eu' },
      'for orders',
    )
    expect(created).toMatchObject({
      name: 'client_kek',
      kmsType: 'aws-kms',
      kmsKeyId: 'arn:aws:kms:eu-west-1:1:key/k',
      kmsProps: { region: 'eu' },
      doc: 'for orders',
      shared: false,
      deleted: false,
    })
    expect(typeof created.ts).toBe('number')
    expect(await client().getKek('client_kek')).toEqual(created)
  })

  it('registers DEK versions, gets each and the latest, and reads the wrapped material back', async () => {
    const c = client()
    const v1 = await c.registerDek('client_kek', 'orders-value', 'AES256_GCM', 1, WRAPPED)
    expect(v1).toMatchObject({
      kekName: 'client_kek',
      subject: 'orders-value',
      version: 1,
      algorithm: 'AES256_GCM',
      encryptedKeyMaterial: WRAPPED,
      deleted: false,
    })
    expect(v1).not.toHaveProperty('keyMaterial')
    const v2 = await c.registerDek('client_kek', 'orders-value', 'AES256_GCM', 2, WRAPPED_2)
    expect(v2.version).toBe(2)

    const asServed = JSON.parse(JSON.stringify(v1)) as unknown
    const fresh = client()
    expect(await fresh.getDek('client_kek', 'orders-value', 'AES256_GCM', 1)).toEqual(v1)
    expect(await fresh.getDek('client_kek', 'orders-value', 'AES256_GCM', -1)).toEqual(v2)
    const bytes = await fresh.getDekEncryptedKeyMaterialBytes(v1)
    expect(bytes?.toString()).toBe('wrapped-dek-bytes-0123456789abcdef')
    expect((await call('GET', `${KEKS}/client_kek/deks/orders-value/versions`)).body).toEqual([1, 2])
    expect((await call('GET', `${KEKS}/client_kek/deks/orders-value/versions/latest`)).body).toEqual(v2)
    // Without a version, Confluent answers version 1.
    expect((await call('GET', `${KEKS}/client_kek/deks/orders-value`)).body).toEqual(asServed)
  })

  it('answers 404 (40470) to the client for an unknown KEK or DEK, and 409 (40971) for a different duplicate', async () => {
    const c = client()
    await expect(c.getKek('no_such_kek')).rejects.toMatchObject({ status: 404, errorCode: 40470 })
    await expect(c.getDek('client_kek', 'nobody-value', 'AES256_GCM', 1)).rejects.toMatchObject({
      status: 404,
      errorCode: 40470,
    })
    await expect(c.registerDek('client_kek', 'orders-value', 'AES256_GCM', 1, WRAPPED_2)).rejects.toMatchObject({
      status: 409,
      errorCode: 40971,
    })
    await expect(client().registerKek('client_kek', 'gcp-kms', 'other', false)).rejects.toMatchObject({
      status: 409,
      errorCode: 40971,
    })
  })

  it('soft-deletes, hides, shows with deleted=true, undeletes', async () => {
    await client().registerDek('client_kek', 'payments-value', 'AES128_GCM', 1, WRAPPED)
    expect((await call('DELETE', `${KEKS}/client_kek/deks/payments-value?algorithm=AES128_GCM`)).status).toBe(204)
    await expect(client().getDek('client_kek', 'payments-value', 'AES128_GCM', 1)).rejects.toMatchObject({
      status: 404,
    })
    const seen = await client().getDek('client_kek', 'payments-value', 'AES128_GCM', 1, true)
    expect(seen.deleted).toBe(true)
    expect((await call('GET', `${KEKS}/client_kek/deks`)).body).toEqual(['orders-value'])
    expect((await call('GET', `${KEKS}/client_kek/deks?deleted=true`)).body).toEqual(['orders-value', 'payments-value'])
    expect((await call('POST', `${KEKS}/client_kek/deks/payments-value/undelete?algorithm=AES128_GCM`)).status).toBe(
      204,
    )
    expect((await client().getDek('client_kek', 'payments-value', 'AES128_GCM', 1)).deleted).toBe(false)
  })
})

describe('KEKs over raw HTTP', () => {
  it('lists names sorted, hides soft-deleted ones, filters by the subjects of their DEKs', async () => {
    for (const name of ['zeta', 'alpha']) expect((await call('POST', KEKS, kek(name))).status).toBe(200)
    expect(
      (await call('POST', `${KEKS}/alpha/deks`, { subject: 'team.x-value', encryptedKeyMaterial: WRAPPED })).status,
    ).toBe(200)
    expect((await call('DELETE', `${KEKS}/zeta`)).status).toBe(204)
    const names = (await call('GET', KEKS)).body as string[]
    expect(names).toEqual([...names].sort())
    expect(names).toContain('alpha')
    expect(names).not.toContain('zeta')
    expect((await call('GET', `${KEKS}?deleted=true`)).body).toContain('zeta')
    expect((await call('GET', `${KEKS}?subjectPrefix=team.`)).body).toEqual(['alpha'])
    expect((await call('GET', `${KEKS}?subjectPrefix=nothing&subjectPrefix=team.x`)).body).toEqual(['alpha'])
    expect((await call('GET', `${KEKS}/zeta`)).body).toMatchObject({ error_code: 40470 })
    expect((await call('GET', `${KEKS}/zeta?deleted=true`)).body).toMatchObject({ name: 'zeta', deleted: true })
  })

  it('keeps any kmsProps key as data, __proto__ included, sorted', async () => {
    const body = `{"name":"protokek","kmsType":"x","kmsKeyId":"k","kmsProps":{"z":"1","__proto__":"p","constructor":"c"}}`
    const res = await call('POST', KEKS, body)
    expect(res.status).toBe(200)
    const props = (res.body as { kmsProps: object }).kmsProps
    expect(Object.entries(props)).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['z', '1'],
    ])
    expect(Object.entries((await call('GET', `${KEKS}/protokek`)).body as { kmsProps: object })).toContainEqual([
      'kmsProps',
      JSON.parse('{"__proto__":"p","constructor":"c","z":"1"}'),
    ])
  })

  it('refuses keys in a named context rather than mixing them with the default one', async () => {
    const res = await call('POST', `${KEKS}?context=.staging`, kek('ctx_kek'))
    expect(res.status).toBe(422)
    expect(res.body).toMatchObject({ error_code: 42271 })
    expect((await call('GET', `${KEKS}/ctx_kek?deleted=true`)).body).toMatchObject({ error_code: 40470 })
    expect((await call('GET', `${KEKS}/client_kek?context=.staging`)).body).toMatchObject({ error_code: 42271 })
    expect((await call('GET', `${KEKS}/client_kek?context=.`)).status).toBe(200)
  })

  it('refuses KMS credentials in kmsProps (42271): the registry never calls the KMS', async () => {
    for (const key of ['token.id', 'secret.access.key', 'client.secret', 'private.key', 'secret']) {
      const res = await call('POST', KEKS, kek('with_secret', { kmsProps: { region: 'eu', [key]: 'hush' } }))
      expect(res.status, key).toBe(422)
      expect(res.body).toMatchObject({ error_code: 42271 })
      expect((res.body as { message: string }).message).toContain(`kmsProps.${key}`)
    }
    expect((await call('GET', `${KEKS}/with_secret?deleted=true`)).body).toMatchObject({ error_code: 40470 })
    await call('POST', KEKS, kek('no_secret'))
    const put = await call('PUT', `${KEKS}/no_secret`, { kmsProps: { 'approle.secret.id': 'hush' } })
    expect(put.body).toMatchObject({ error_code: 42271 })
    expect((await call('GET', `${KEKS}/no_secret`)).body).toMatchObject({ kmsProps: {} })
  })

  it('normalizes the cloud KMS types as Confluent does', async () => {
    const res = await call('POST', KEKS, kek('normalized', { kmsType: 'AWS' }))
    expect(res.body).toMatchObject({ kmsType: 'aws-kms' })
  })

  it('alters kmsProps, doc and shared=false; 40470 for an unknown KEK', async () => {
    await call('POST', KEKS, kek('alterable', { doc: 'old', kmsProps: { a: '1' } }))
    const res = await call('PUT', `${KEKS}/alterable`, { doc: 'new', kmsProps: { b: '2' } })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ name: 'alterable', doc: 'new', kmsProps: { b: '2' }, shared: false })
    expect((await call('GET', `${KEKS}/alterable`)).body).toMatchObject({ doc: 'new' })
    expect((await call('PUT', `${KEKS}/nope`, { doc: 'x' })).body).toMatchObject({ error_code: 40470 })
  })

  it('refuses a shared KEK (42271): the registry holds no KMS credentials', async () => {
    const res = await call('POST', KEKS, kek('sharedkek', { shared: true }))
    expect(res.status).toBe(422)
    expect(res.body).toMatchObject({ error_code: 42271 })
    expect((res.body as { message: string }).message).toMatch(/shared/)
    await call('POST', KEKS, kek('notshared'))
    expect((await call('PUT', `${KEKS}/notshared`, { shared: true })).body).toMatchObject({ error_code: 42271 })
  })

  it('validates names, required fields and types', async () => {
    const cases: [unknown, number, number][] = [
      [kek('1starts-with-digit'), 422, 42271],
      [kek('has space'), 422, 42271],
      [kek('x'.repeat(65)), 422, 42271],
      [{ name: 'nokeyid', kmsType: 'aws-kms' }, 422, 42271],
      [{ name: 'notype', kmsKeyId: 'k' }, 422, 42271],
      [kek('badprops', { kmsProps: { a: 1 } }), 400, 400],
      [kek('badshared', { shared: 'no' }), 400, 400],
      [[], 400, 400],
    ]
    for (const [body, status, code] of cases) {
      const res = await call('POST', KEKS, body)
      expect(res.status, JSON.stringify(body)).toBe(status)
      expect(res.body, JSON.stringify(body)).toMatchObject({ error_code: code })
    }
    expect((await call('POST', KEKS, '{"name":')).status).toBe(400)
  })

  it('deletes: not while live DEKs use it (42272), permanent only after soft (40471)', async () => {
    await call('POST', KEKS, kek('doomed'))
    await call('POST', `${KEKS}/doomed/deks`, { subject: 'd-value', encryptedKeyMaterial: WRAPPED })
    expect((await call('DELETE', `${KEKS}/doomed`)).body).toMatchObject({ error_code: 42272 })
    expect((await call('DELETE', `${KEKS}/doomed/deks/d-value`)).status).toBe(204)
    expect((await call('DELETE', `${KEKS}/doomed?permanent=true`)).body).toMatchObject({ error_code: 42272 })
    expect((await call('DELETE', `${KEKS}/doomed/deks/d-value?permanent=true`)).status).toBe(204)
    const notSoft = await call('DELETE', `${KEKS}/doomed?permanent=true`)
    expect(notSoft.status).toBe(404)
    expect(notSoft.body).toMatchObject({ error_code: 40471 })
    expect((await call('DELETE', `${KEKS}/doomed`)).status).toBe(204)
    expect((await call('DELETE', `${KEKS}/doomed?permanent=true`)).status).toBe(204)
    expect((await call('GET', `${KEKS}/doomed?deleted=true`)).body).toMatchObject({ error_code: 40470 })
    expect((await call('DELETE', `${KEKS}/doomed`)).body).toMatchObject({ error_code: 40470 })
  })

  it('undeletes a KEK, and re-creating a soft-deleted equivalent one undeletes it', async () => {
    await call('POST', KEKS, kek('phoenix'))
    await call('DELETE', `${KEKS}/phoenix`)
    expect((await call('POST', `${KEKS}/phoenix/undelete`)).status).toBe(204)
    expect((await call('GET', `${KEKS}/phoenix`)).body).toMatchObject({ deleted: false })
    await call('DELETE', `${KEKS}/phoenix`)
    expect((await call('POST', KEKS, kek('phoenix'))).body).toMatchObject({ name: 'phoenix', deleted: false })
    // Creating it deleted over the live one does not delete it.
    expect((await call('POST', KEKS, kek('phoenix', { deleted: true }))).body).toMatchObject({ error_code: 40971 })
    expect((await call('POST', `${KEKS}/nothing/undelete`)).body).toMatchObject({ error_code: 40470 })
  })
})

describe('DEKs over raw HTTP', () => {
  beforeAll(async () => {
    await call('POST', KEKS, kek('deks_kek'))
  })

  it('defaults to version 1 and AES256_GCM; never answers keyMaterial', async () => {
    const res = await call('POST', `${KEKS}/deks_kek/deks`, { subject: 'plain-value', encryptedKeyMaterial: WRAPPED })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ version: 1, algorithm: 'AES256_GCM', subject: 'plain-value' })
    expect(res.body).not.toHaveProperty('keyMaterial')
  })

  it('takes the subject from the path on the newer route, and refuses a body naming another', async () => {
    const ok = await call('POST', `${KEKS}/deks_kek/deks/path-value`, { encryptedKeyMaterial: WRAPPED })
    expect(ok.body).toMatchObject({ subject: 'path-value', version: 1 })
    const clash = await call('POST', `${KEKS}/deks_kek/deks/path-value`, {
      subject: 'other-value',
      encryptedKeyMaterial: WRAPPED,
    })
    expect(clash.body).toMatchObject({ error_code: 42271 })
  })

  it('refuses bad input with clear errors', async () => {
    const post = (body: unknown) => call('POST', `${KEKS}/deks_kek/deks`, body)
    const cases: [unknown, number, number][] = [
      [{ subject: 'a-value', algorithm: 'DES', encryptedKeyMaterial: WRAPPED }, 422, 42271],
      [{ subject: 'a-value' }, 422, 42271],
      [{ subject: 'a-value', encryptedKeyMaterial: 'not base64!' }, 422, 42271],
      // Non-zero pad bits: the same bytes as `6X23R4rwlA==`, so one key would have two spellings.
      [{ subject: 'a-value', encryptedKeyMaterial: '6X23R4rwlE==' }, 422, 42271],
      [{ subject: 'a-value', encryptedKeyMaterial: 'AAB=' }, 422, 42271],
      [{ subject: 'a-value', encryptedKeyMaterial: 'A'.repeat(9000) }, 422, 42271],
      [{ encryptedKeyMaterial: WRAPPED }, 422, 42271],
      [{ subject: 'bad\u0001subject', encryptedKeyMaterial: WRAPPED }, 422, 42271],
      [{ subject: 'a-value', version: 0, encryptedKeyMaterial: WRAPPED }, 422, 42202],
      [{ subject: 'a-value', version: 2 ** 31, encryptedKeyMaterial: WRAPPED }, 422, 42202],
      [{ subject: 'a-value', version: '1', encryptedKeyMaterial: WRAPPED }, 400, 400],
      [{ subject: 'a-value', version: 1.5, encryptedKeyMaterial: WRAPPED }, 422, 42202],
      [{ subject: 7, encryptedKeyMaterial: WRAPPED }, 400, 400],
    ]
    for (const [body, status, code] of cases) {
      const res = await post(body)
      expect(res.status, JSON.stringify(body)).toBe(status)
      expect(res.body, JSON.stringify(body)).toMatchObject({ error_code: code })
      expect(typeof (res.body as { message: string }).message).toBe('string')
    }
    const unknownKek = await call('POST', `${KEKS}/no_kek/deks`, { subject: 'a-value', encryptedKeyMaterial: WRAPPED })
    expect(unknownKek.status).toBe(404)
    expect(unknownKek.body).toMatchObject({ error_code: 40470 })
    const badQuery = await call('GET', `${KEKS}/deks_kek/deks/plain-value?algorithm=DES`)
    expect(badQuery.status).toBe(404)
    expect((badQuery.body as { message: string }).message).toMatch(/algorithm/)
    const badVersion = await call('GET', `${KEKS}/deks_kek/deks/plain-value/versions/zero`)
    expect(badVersion.body).toMatchObject({ error_code: 42202 })
    expect((await call('GET', `${KEKS}/deks_kek/deks/plain-value/versions/7`)).body).toMatchObject({
      error_code: 40470,
    })
  })

  it('is idempotent only for nothing: the same DEK twice is a conflict', async () => {
    const body = { subject: 'twice-value', encryptedKeyMaterial: WRAPPED }
    expect((await call('POST', `${KEKS}/deks_kek/deks`, body)).status).toBe(200)
    const again = await call('POST', `${KEKS}/deks_kek/deks`, body)
    expect(again.status).toBe(409)
    expect(again.body).toMatchObject({ error_code: 40971 })
  })

  it('deletes one version: permanent needs soft first (40471); latest names the newest', async () => {
    const base = `${KEKS}/deks_kek/deks/rot-value`
    for (const version of [1, 2, 3]) {
      await call('POST', `${KEKS}/deks_kek/deks`, { subject: 'rot-value', version, encryptedKeyMaterial: WRAPPED })
    }
    const notSoft = await call('DELETE', `${base}/versions/2?permanent=true`)
    expect(notSoft.status).toBe(404)
    expect(notSoft.body).toMatchObject({ error_code: 40471 })
    expect((await call('DELETE', `${base}/versions/2`)).status).toBe(204)
    expect((await call('GET', `${base}/versions`)).body).toEqual([1, 3])
    expect((await call('GET', `${base}/versions?deleted=true`)).body).toEqual([1, 2, 3])
    expect((await call('DELETE', `${base}/versions/2?permanent=true`)).status).toBe(204)
    expect((await call('GET', `${base}/versions?deleted=true`)).body).toEqual([1, 3])
    expect((await call('DELETE', `${base}/versions/latest`)).status).toBe(204)
    expect((await call('GET', `${base}/versions/latest`)).body).toMatchObject({ version: 1 })
    expect((await call('POST', `${base}/versions/3/undelete`)).status).toBe(204)
    expect((await call('GET', `${base}/versions/latest`)).body).toMatchObject({ version: 3 })
    expect((await call('DELETE', `${base}/versions/9`)).body).toMatchObject({ error_code: 40470 })
  })

  it('undeleting a DEK under a soft-deleted KEK is refused (40472)', async () => {
    await call('POST', KEKS, kek('sleepy'))
    await call('POST', `${KEKS}/sleepy/deks`, { subject: 's-value', encryptedKeyMaterial: WRAPPED })
    await call('DELETE', `${KEKS}/sleepy/deks/s-value`)
    await call('DELETE', `${KEKS}/sleepy`)
    const res = await call('POST', `${KEKS}/sleepy/deks/s-value/undelete`)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ error_code: 40472 })
  })

  it('respects READONLY mode for DEKs of the subject and for KEKs globally (42205)', async () => {
    await call('PUT', '/mode/frozen-value', { mode: 'READONLY' })
    const dek = await call('POST', `${KEKS}/deks_kek/deks`, { subject: 'frozen-value', encryptedKeyMaterial: WRAPPED })
    expect(dek.body).toMatchObject({ error_code: 42205 })
    await call('PUT', '/mode', { mode: 'READONLY' })
    try {
      expect((await call('POST', KEKS, kek('frozen'))).body).toMatchObject({ error_code: 42205 })
      expect((await call('GET', `${KEKS}/deks_kek`)).status).toBe(200)
    } finally {
      await call('PUT', '/mode', { mode: 'READWRITE' })
    }
    expect((await call('POST', KEKS, kek('frozen'))).status).toBe(200)
  })
})

describe('durability', () => {
  it('keeps KEKs and DEKs, their states and timestamps across a restart of the same SQLite file', async () => {
    const before = {
      kek: (await call('GET', `${KEKS}/client_kek`)).body,
      deks: (await call('GET', `${KEKS}/client_kek/deks/orders-value/versions/2`)).body,
      zeta: (await call('GET', `${KEKS}/zeta?deleted=true`)).body,
    }
    const db = server.db
    await server.close()
    server = await startServer({ db })
    expect((await call('GET', `${KEKS}/client_kek`)).body).toEqual(before.kek)
    expect((await call('GET', `${KEKS}/client_kek/deks/orders-value/versions/2`)).body).toEqual(before.deks)
    expect((await call('GET', `${KEKS}/zeta?deleted=true`)).body).toEqual(before.zeta)
  })
})

describe('the key limit', () => {
  it('refuses a new KEK or DEK beyond --max-encryption-keys (40972), counting soft-deleted ones', async () => {
    const limited = await startServer({ maxEncryptionKeys: 3 })
    const post = async (path: string, body: unknown) =>
      (await fetch(`${limited.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': JSON_TYPE },
        body: JSON.stringify(body),
      }).then((r) => r.json())) as { error_code?: number }
    try {
      expect(await post(KEKS, kek('one'))).toMatchObject({ name: 'one' })
      expect(await post(`${KEKS}/one/deks`, { subject: 'a', encryptedKeyMaterial: WRAPPED })).toMatchObject({
        version: 1,
      })
      expect(await post(`${KEKS}/one/deks`, { subject: 'b', encryptedKeyMaterial: WRAPPED })).toMatchObject({
        version: 1,
      })
      expect(await post(`${KEKS}/one/deks`, { subject: 'c', encryptedKeyMaterial: WRAPPED })).toMatchObject({
        error_code: 40972,
      })
      expect(await post(KEKS, kek('two'))).toMatchObject({ error_code: 40972 })
      await fetch(`${limited.url}${KEKS}/one/deks/b`, { method: 'DELETE' })
      expect(await post(`${KEKS}/one/deks`, { subject: 'c', encryptedKeyMaterial: WRAPPED })).toMatchObject({
        error_code: 40972,
      })
    } finally {
      await limited.close()
    }
  })
})

describe('KMS credentials already in a store', () => {
  it('are never answered', async () => {
    const store = new MemoryStore()
    await store.transaction((tx) =>
      tx.putKek('legacy', {
        name: 'legacy',
        kmsType: 'hcvault',
        kmsKeyId: 'http://vault/transit/keys/k',
        kmsProps: { 'token.id': 'hush', namespace: 'ns' },
        shared: false,
        deleted: false,
        ts: 1,
      }),
    )
    const app = await buildApp({ registry: createRegistry({ store }) })
    try {
      const res = await app.inject({ method: 'GET', url: `${KEKS}/legacy` })
      expect(res.json()).toMatchObject({ name: 'legacy', kmsProps: { namespace: 'ns' } })
      expect(res.body).not.toContain('hush')
    } finally {
      await app.close()
    }
  })
})

import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.js'
import { ADDRESS_V1, ADDRESS_ZIP_DEFAULT, ORDER_V1, record } from './avro-fixtures.js'
import { assertBuilt, run, tempDir, writeFiles } from './cli.js'

beforeAll(assertBuilt)

const CT = { 'content-type': 'application/vnd.schemaregistry.v1+json' }
async function call(url: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: CT,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await r.text()
  return { status: r.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) }
}
const ok = async (url: string, method: string, path: string, body?: unknown) => {
  const r = await call(url, method, path, body)
  if (r.status !== 200) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`)
  return r.body
}
const enc = encodeURIComponent

/** Everything a client can observe about a registry's contents, for comparing two registries. */
async function snapshot(url: string) {
  const subjects = (await ok(url, 'GET', '/subjects?deleted=true')) as string[]
  const out: Record<string, unknown> = {
    subjects,
    live: await ok(url, 'GET', '/subjects'),
    config: await call(url, 'GET', '/config'),
    mode: await call(url, 'GET', '/mode'),
  }
  const ids = new Set<number>()
  for (const s of subjects) {
    const versions = (await ok(url, 'GET', `/subjects/${enc(s)}/versions?deleted=true`)) as number[]
    out[`${s} versions`] = versions
    out[`${s} live versions`] = await call(url, 'GET', `/subjects/${enc(s)}/versions`)
    for (const v of versions) {
      const { ts: _ts, ...view } = (await ok(url, 'GET', `/subjects/${enc(s)}/versions/${v}?deleted=true`)) as {
        ts: number
        id: number
      }
      out[`${s} v${v}`] = view
      ids.add(view.id)
    }
    out[`${s} config`] = await call(url, 'GET', `/config/${enc(s)}`)
    out[`${s} mode`] = await call(url, 'GET', `/mode/${enc(s)}`)
  }
  for (const id of [...ids].sort((a, b) => a - b)) {
    const { ts: _ts, ...view } = (await ok(url, 'GET', `/schemas/ids/${id}`)) as { ts?: number }
    out[`id ${id}`] = view
  }
  const keks = (await ok(url, 'GET', '/dek-registry/v1/keks?deleted=true')) as string[]
  out.keks = keks
  for (const k of keks) {
    const { ts: _ts, ...kek } = (await ok(url, 'GET', `/dek-registry/v1/keks/${k}?deleted=true`)) as { ts: number }
    out[`kek ${k}`] = kek
    for (const s of (await ok(url, 'GET', `/dek-registry/v1/keks/${k}/deks?deleted=true`)) as string[]) {
      for (const alg of ['AES128_GCM', 'AES256_GCM', 'AES256_SIV']) {
        const d = `/dek-registry/v1/keks/${k}/deks/${enc(s)}`
        for (const v of (await ok(url, 'GET', `${d}/versions?deleted=true&algorithm=${alg}`)) as number[]) {
          const { ts: _t, ...dek } = (await ok(url, 'GET', `${d}/versions/${v}?deleted=true&algorithm=${alg}`)) as {
            ts: number
          }
          out[`dek ${k} ${s} ${alg} ${v}`] = dek
        }
      }
    }
  }
  return out
}

describe('registrum export and import', () => {
  let source: TestServer
  const targets: TestServer[] = []
  const { dir, cleanup } = tempDir('registrum-cli-transfer-')

  beforeAll(async () => {
    source = await startServer()
    const u = source.url
    await ok(u, 'PUT', '/config', { compatibility: 'FULL' })
    await ok(u, 'POST', '/subjects/address-value/versions', { schema: ADDRESS_V1 })
    await ok(u, 'POST', '/subjects/address-value/versions', { schema: ADDRESS_ZIP_DEFAULT })
    await ok(u, 'POST', '/subjects/order-value/versions', {
      schema: ORDER_V1,
      references: [{ name: 'acme.Address', subject: 'address-value', version: 1 }],
      metadata: { properties: { owner: 'shipping' } },
    })
    // The same schema under another subject shares its id.
    await ok(u, 'POST', '/subjects/address-copy/versions', { schema: ADDRESS_V1 })
    await ok(u, 'POST', '/subjects/events/versions', { schema: '"string"' })
    await ok(u, 'PUT', '/config/events', { compatibility: 'NONE' })
    await ok(u, 'POST', '/subjects/events/versions', { schema: '"int"' })
    await ok(u, 'POST', '/subjects/events/versions', { schema: '"long"' })
    await ok(u, 'DELETE', '/subjects/events/versions/2')
    await ok(u, 'POST', '/subjects/gone/versions', { schema: '"bytes"' })
    await ok(u, 'DELETE', '/subjects/gone')
    await ok(u, 'POST', '/subjects/:.staging:thing/versions', { schema: record('Thing', [{ name: 'a', type: 'int' }]) })
    await ok(u, 'PUT', '/config/address-copy', { compatibility: 'BACKWARD_TRANSITIVE', normalize: true })
    await ok(u, 'PUT', '/mode/address-copy', { mode: 'READONLY' })
    // The DEK registry: a live KEK with live, soft-deleted and second-algorithm DEKs, and a
    // soft-deleted KEK whose only DEK is soft-deleted too.
    const keks = '/dek-registry/v1/keks'
    const wrapped = (s: string) => Buffer.from(s).toString('base64')
    await ok(u, 'POST', keks, {
      name: 'live_kek',
      kmsType: 'aws-kms',
      kmsKeyId: 'arn:k',
      kmsProps: { r: 'eu' },
      doc: 'd',
    })
    await ok(u, 'POST', `${keks}/live_kek/deks`, { subject: 'order-value', encryptedKeyMaterial: wrapped('a1') })
    await ok(u, 'POST', `${keks}/live_kek/deks`, {
      subject: 'order-value',
      version: 2,
      encryptedKeyMaterial: wrapped('a2'),
    })
    await call(u, 'DELETE', `${keks}/live_kek/deks/order-value/versions/1`)
    await ok(u, 'POST', `${keks}/live_kek/deks`, {
      subject: ':.staging:thing',
      algorithm: 'AES256_SIV',
      encryptedKeyMaterial: wrapped('s1'),
    })
    await ok(u, 'POST', keks, { name: 'old_kek', kmsType: 'gcp-kms', kmsKeyId: 'projects/p' })
    await ok(u, 'POST', `${keks}/old_kek/deks`, { subject: 'gone', encryptedKeyMaterial: wrapped('g') })
    await call(u, 'DELETE', `${keks}/old_kek/deks/gone`)
    await call(u, 'DELETE', `${keks}/old_kek`)
  })
  afterAll(async () => {
    await source.close()
    for (const t of targets) await t.close()
    cleanup()
  })

  // Through Registrum's bulk routes, and with --one-by-one through the Confluent calls alone.
  for (const [layout, path, flags] of [
    ['a JSON-lines file', 'backup.jsonl', []],
    ['a directory', 'backup-dir', []],
    ['a JSON-lines file, one request per call', 'backup-one.jsonl', ['--one-by-one']],
  ] as const) {
    it(`reproduces ids, versions, soft deletes, references, configs and modes through ${layout}`, async () => {
      const exported = await run(['export', path, '-r', source.url, ...flags], { cwd: dir })
      expect(exported.code).toBe(0)
      expect(exported.stderr).toMatch(/exported 9 versions \(2 soft-deleted\) of 6 subjects/)
      if (path === 'backup-dir')
        expect(existsSync(join(dir, path, 'subjects', enc('order-value'), '1.json'))).toBe(true)

      const target = await startServer()
      targets.push(target)
      const imported = await run(['import', path, '-r', target.url, ...flags], { cwd: dir })
      expect(imported.stderr).toContain('9 versions: 9 imported, 0 skipped (already there), 0 failed')
      expect(imported.stderr).toContain('6 keys: 6 imported, 0 skipped, 0 failed')
      expect(imported.code).toBe(0)
      expect(await snapshot(target.url)).toEqual(await snapshot(source.url))

      // Importing again changes nothing, and the target is writable again with fresh ids after the imported ones.
      const again = await run(['import', path, '-r', target.url, ...flags], { cwd: dir })
      // A repeated import writes nothing and says so.
      expect(again.stderr).toContain('9 versions: 0 imported, 9 skipped (already there), 0 failed')
      expect(again.stderr).toContain('6 keys: 0 imported, 6 skipped, 0 failed')
      expect(again.code).toBe(0)
      expect(await snapshot(target.url)).toEqual(await snapshot(source.url))
      const next = (await ok(target.url, 'POST', '/subjects/new-one/versions', { schema: '"double"' })) as {
        id: number
      }
      const maxSource = (await ok(source.url, 'GET', '/schemas/ids/1?fetchMaxId=true')) as { maxId: number }
      expect(next.id).toBe(maxSource.maxId + 1)
    })
  }

  it('writes JSON lines to standard output with -', async () => {
    const r = await run(['export', '-', '-r', source.url], { cwd: dir })
    expect(r.code).toBe(0)
    const records = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; deleted?: boolean; subject?: string })
    expect(records[0]!.kind).toBe('registrum-export')
    expect(records.filter((x) => x.kind === 'schema')).toHaveLength(9)
    expect(records.filter((x) => x.kind === 'schema' && x.deleted).map((x) => x.subject)).toEqual(['events', 'gone'])
  })

  it('serves as an offline baseline for check, with the exported levels', async () => {
    writeFiles(dir, {
      'events.avsc': '"float"',
      'address.avsc': record('Address', [{ name: 'street', type: 'string' }]),
    })
    // events is at NONE in the export: anything goes.
    expect((await run(['check', 'events.avsc', '-s', 'events', '--against', 'backup.jsonl'], { cwd: dir })).code).toBe(
      0,
    )
    // address-value inherits the global FULL: dropping zip (which has a default) is fine both ways...
    const addr = await run(['check', 'address.avsc', '-s', 'address-value', '--against', 'backup-dir', '-f', 'json'], {
      cwd: dir,
    })
    expect(JSON.parse(addr.stdout).results[0]).toMatchObject({ level: 'FULL', previousVersions: 2 })
    // ...but a type change is not.
    writeFiles(dir, { 'address.avsc': record('Address', [{ name: 'street', type: 'int' }]) })
    const bad = await run(['check', 'address.avsc', '-s', 'address-value', '--against', 'backup.jsonl', '-f', 'json'], {
      cwd: dir,
    })
    expect(bad.code).toBe(1)
    expect(JSON.parse(bad.stdout).results[0]).toMatchObject({ status: 'incompatible', level: 'FULL', failedVersion: 2 })
  })

  it('exits 2 for a file that is not an export and without a registry', async () => {
    writeFiles(dir, { 'not-export.jsonl': '{"hello":1}\n' })
    const r = await run(['import', 'not-export.jsonl', '-r', source.url], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('not a registrum export')
    expect((await run(['export', 'x.jsonl'], { cwd: dir })).code).toBe(2)
  })
})

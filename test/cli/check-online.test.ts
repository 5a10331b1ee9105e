import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashPassword } from '../../src/http/auth/password.js'
import { startServer, type TestServer } from '../support/server.js'
import { ADDRESS_V1, ADDRESS_ZIP_DEFAULT, ORDER_NOTE_REQUIRED, ORDER_V1, PROJECT, record } from './avro-fixtures.js'
import { assertBuilt, run, tempDir, writeFiles } from './cli.js'

beforeAll(assertBuilt)

const CT = { 'content-type': 'application/vnd.schemaregistry.v1+json' }
async function api(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { ...CT, ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  return { status: r.status, body: (await r.json()) as Record<string, unknown> }
}

describe('registrum check against a live registry', () => {
  let server: TestServer
  const { dir, cleanup } = tempDir('registrum-cli-online-')
  beforeAll(async () => {
    server = await startServer()
    writeFiles(dir, { 'registrum.yaml': PROJECT, 'schemas/address.avsc': ADDRESS_V1, 'schemas/order.avsc': ORDER_V1 })
    await api(server.url, 'POST', '/subjects/address-value/versions', { schema: ADDRESS_V1 })
    await api(server.url, 'POST', '/subjects/order-value/versions', {
      schema: ORDER_V1,
      references: [{ name: 'acme.Address', subject: 'address-value', version: 1 }],
    })
    await api(server.url, 'PUT', '/config/address-value', { compatibility: 'FULL' })
  })
  afterAll(async () => {
    await server.close()
    cleanup()
  })

  it('checks every project subject under the level the registry has for it', async () => {
    const r = await run(['check', '--registry', server.url], { cwd: dir })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^ok\s+address-value\s+schemas\/address\.avsc\s+\(AVRO, FULL, 1 earlier version\)$/m)
    expect(r.stdout).toMatch(/^ok\s+order-value\s+schemas\/order\.avsc\s+\(AVRO, BACKWARD, 1 earlier version\)$/m)
  })

  it('fails an incompatible change with the registry verdict, exit 1', async () => {
    writeFiles(dir, { 'schemas/order.avsc': ORDER_NOTE_REQUIRED })
    const r = await run(['check', '-r', server.url, '-f', 'json'], { cwd: dir })
    expect(r.code).toBe(1)
    const order = (JSON.parse(r.stdout) as { results: Record<string, unknown>[] }).results.find(
      (x) => x.subject === 'order-value',
    )!
    expect(order).toMatchObject({ status: 'incompatible', level: 'BACKWARD', failedVersion: 1 })
    expect(order.findings).toEqual([
      expect.objectContaining({ rule: 'READER_FIELD_MISSING_DEFAULT_VALUE', path: '/fields/2' }),
    ])
    writeFiles(dir, { 'schemas/order.avsc': ORDER_V1 })
  })

  it('judges FULL in both directions: a new field with a default passes, a removed field without one fails', async () => {
    writeFiles(dir, { 'schemas/address.avsc': ADDRESS_ZIP_DEFAULT })
    expect((await run(['check', 'schemas/address.avsc', '-r', server.url], { cwd: dir })).code).toBe(0)
    writeFiles(dir, { 'other.avsc': record('Address', [{ name: 'zip', type: 'string', default: '' }]) })
    const r = await run(['check', 'other.avsc', '--subject', 'address-value', '-r', server.url], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('FULL')
    writeFiles(dir, { 'schemas/address.avsc': ADDRESS_V1 })
  })

  it('treats an unknown subject as new, and reads the URL from REGISTRUM_URL', async () => {
    writeFiles(dir, { 'fresh.avsc': record('Fresh', [{ name: 'a', type: 'int' }]) })
    const r = await run(['check', 'fresh.avsc', '-s', 'fresh-value'], { cwd: dir, env: { REGISTRUM_URL: server.url } })
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^ok\s+fresh-value\s+fresh\.avsc\s+\(AVRO, BACKWARD, new subject\)$/m)
  })

  it('reports an invalid schema as a failed check with the registry message', async () => {
    writeFiles(dir, { 'broken.avsc': '{"type":"record","name":"B","fields":[{"name":"a","type":"nope"}]}' })
    const r = await run(['check', 'broken.avsc', '-s', 'order-value', '-r', server.url, '-f', 'json'], { cwd: dir })
    expect(r.code).toBe(1)
    const [result] = (JSON.parse(r.stdout) as { results: { status: string; error: string }[] }).results
    expect(result!.status).toBe('invalid')
    expect(result!.error).toContain('nope')
  })

  it('exits 2 when the registry cannot be reached, and rejects --level online', async () => {
    const r = await run(['check', '-r', 'http://127.0.0.1:9'], { cwd: dir })
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('cannot reach the registry at http://127.0.0.1:9')
    const level = await run(['check', '-r', server.url, '--level', 'FULL'], { cwd: dir })
    expect(level.code).toBe(2)
    expect(level.stderr).toContain('--level applies offline only')
  })
})

describe('registrum check with credentials', () => {
  let server: TestServer
  const { dir, cleanup } = tempDir('registrum-cli-auth-')
  beforeAll(async () => {
    const users = join(dir, 'users.yaml')
    writeFileSync(
      users,
      [
        'users:',
        `  ci: "${await hashPassword('s3cret')}"`,
        'apiKeys:',
        '  robot: "token-123"',
        'access:',
        '  - { principal: ci, grant: write }',
        '  - { principal: robot, grant: write }',
      ].join('\n'),
    )
    server = await startServer({ authFile: users })
    writeFiles(dir, { 'a.avsc': record('A', [{ name: 'a', type: 'int' }]) })
  })
  afterAll(async () => {
    await server.close()
    cleanup()
  })

  it('sends basic auth or a bearer token, and exits 2 without them', async () => {
    const args = ['check', 'a.avsc', '-s', 'a-value', '-r', server.url]
    expect((await run([...args, '-u', 'ci', '--password', 's3cret'], { cwd: dir })).code).toBe(0)
    expect((await run(args, { cwd: dir, env: { REGISTRUM_USER: 'ci', REGISTRUM_PASSWORD: 's3cret' } })).code).toBe(0)
    expect((await run([...args, '--token', 'token-123'], { cwd: dir })).code).toBe(0)
    const denied = await run([...args, '-u', 'ci', '--password', 'wrong'], { cwd: dir })
    expect(denied.code).toBe(2)
    expect(denied.stderr).toContain('401')
  })
})

describe('registrum check online, with a referenced subject that is new in the same change', () => {
  let server: TestServer
  const { dir, cleanup } = tempDir('registrum-cli-online-newref-')
  const ADDRESS =
    '{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}\n'
  const order = (idType: string, withShip: boolean) =>
    `{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"${idType}"}${
      withShip ? ',{"name":"ship","type":["null","com.acme.Address"],"default":null}' : ''
    }]}\n`
  const PROJECT_WITH_ADDRESS = `subjects:
  address-value:
    file: address.avsc
  orders-value:
    file: orders.avsc
    references:
      - { name: com.acme.Address, subject: address-value }
`
  beforeAll(async () => {
    server = await startServer()
    await api(server.url, 'POST', '/subjects/orders-value/versions', { schema: order('string', false) })
    writeFiles(dir, { 'registrum.yaml': PROJECT_WITH_ADDRESS, 'address.avsc': ADDRESS })
  })
  afterAll(async () => {
    await server.close()
    cleanup()
  })

  it('resolves the reference from the working tree, checking the referenced subject first', async () => {
    writeFiles(dir, { 'orders.avsc': order('string', true) })
    const r = await run(['check', '-r', server.url], { cwd: dir })
    expect(r.stderr).toBe('')
    expect(r.stdout).toMatch(
      /^ok\s+address-value\s+address\.avsc\s+\(AVRO, BACKWARD, new subject\)\nok\s+orders-value\s+orders\.avsc\s+\(AVRO, BACKWARD, 1 earlier version\)$/m,
    )
    expect(r.code).toBe(0)
    // Nothing was registered by the check.
    expect((await api(server.url, 'GET', '/subjects/address-value/versions')).status).toBe(404)
  })

  it('still judges the referrer against the registry’s versions under its level', async () => {
    await api(server.url, 'PUT', '/config/orders-value', { compatibility: 'FULL' })
    writeFiles(dir, { 'orders.avsc': order('long', true) })
    const r = await run(['check', 'orders.avsc', '-r', server.url, '-f', 'json'], { cwd: dir })
    expect(r.code).toBe(1)
    const result = (JSON.parse(r.stdout) as { results: Record<string, unknown>[] }).results[0]!
    expect(result).toMatchObject({ subject: 'orders-value', status: 'incompatible', level: 'FULL', failedVersion: 1 })
    expect(result.findings).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: 'TYPE_MISMATCH', element: 'id' })]),
    )
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.js'
import { ADDRESS_V1, ADDRESS_ZIP_DEFAULT, ORDER_NOTE_REQUIRED, ORDER_V1, PROJECT } from './avro-fixtures.js'
import { assertBuilt, run, tempDir, writeFiles } from './cli.js'

beforeAll(assertBuilt)

describe('registrum register', () => {
  let server: TestServer
  const { dir, cleanup } = tempDir('registrum-cli-register-')
  const get = (path: string) => fetch(`${server.url}${path}`).then((r) => r.json())
  beforeAll(async () => {
    server = await startServer()
    // Listed referrer first: register must still put address-value in before order-value.
    const project = PROJECT.replace('level: BACKWARD\n', 'level: FULL\n')
    writeFiles(dir, { 'registrum.yaml': project, 'schemas/address.avsc': ADDRESS_V1, 'schemas/order.avsc': ORDER_V1 })
  })
  afterAll(async () => {
    await server.close()
    cleanup()
  })

  it('--dry-run prints levels and new versions with their normalized text and changes nothing', async () => {
    const r = await run(['register', '--dry-run', '-r', server.url], { cwd: dir })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('would set address-value  level unset -> FULL')
    expect(r.stdout).toMatch(/would add address-value\s+\(new subject\)/)
    expect(r.stdout).toContain(
      '{"type":"record","name":"Address","namespace":"acme","fields":[{"name":"street","type":"string"}]}',
    )
    expect(r.stdout).toMatch(/may add\s+order-value\s+\(new subject; references address-value, which change\)/)
    expect(await get('/subjects')).toEqual([])
  })

  it('registers references first, sets levels, and is idempotent', async () => {
    const first = await run(['register', '-r', server.url], { cwd: dir })
    expect(first.code).toBe(0)
    expect(first.stdout.split('\n').filter((l) => l.startsWith('added'))).toEqual([
      'added     address-value  version 1, id 1',
      'added     order-value  version 1, id 2',
    ])
    expect(await get('/config/order-value')).toEqual({ compatibilityLevel: 'FULL' })
    expect(((await get('/subjects/order-value/versions/1')) as { references: unknown }).references).toEqual([
      { name: 'acme.Address', subject: 'address-value', version: 1 },
    ])

    const again = await run(['register', '-r', server.url], { cwd: dir })
    expect(again.code).toBe(0)
    expect(again.stdout).toBe('same      address-value  version 1, id 1\nsame      order-value  version 1, id 2\n')
  })

  it('registers a changed referenced schema; the referrer is new only if the registry says so', async () => {
    writeFiles(dir, { 'schemas/address.avsc': ADDRESS_ZIP_DEFAULT })
    const dry = await run(['register', '-n', '-r', server.url], { cwd: dir })
    expect(dry.stdout).toMatch(/would add address-value\s+\(after version 1\)/)
    expect(dry.stdout).toMatch(/may add\s+order-value\s+\(after version 1; references address-value, which change\)/)
    const r = await run(['register', '-r', server.url], { cwd: dir })
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('added     address-value  version 2, id 3')
    // The registry's lookup finds the unchanged Order text under its existing version.
    const order = /^(added|same)\s+order-value\s+version (\d+)/m.exec(r.stdout)!
    expect(await get('/subjects/order-value/versions')).toEqual(order[1] === 'added' ? [1, 2] : [1])
  })

  it('reports a refused registration and exits 1; --dry-run gives one verdict, that it would be refused', async () => {
    const before = await get('/subjects/order-value/versions')
    writeFiles(dir, { 'schemas/order.avsc': ORDER_NOTE_REQUIRED })
    const dry = await run(['register', '--dry-run', '-r', server.url], { cwd: dir })
    expect(dry.code).toBe(1)
    // One verdict for the subject: refused, never also "would add".
    expect(dry.stdout).toMatch(/^would refuse order-value\s+\(after version \d+\)\s+schemas\/order\.avsc$/m)
    expect(dry.stdout).not.toMatch(/^(would add|may add)\s+order-value/m)
    expect(dry.stdout.match(/order-value/g)).toHaveLength(1)
    expect(dry.stdout).toContain('READER_FIELD_MISSING_DEFAULT_VALUE')
    const r = await run(['register', '-r', server.url], { cwd: dir })
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/^REFUSED\s+order-value\s+schemas\/order\.avsc$/m)
    expect(r.stdout).toContain('409')
    expect(await get('/subjects/order-value/versions')).toEqual(before)
  })

  it('exits 2 without a registry or a project file', async () => {
    expect((await run(['register'], { cwd: dir })).code).toBe(2)
    const none = await run(['register', '-r', server.url], { cwd: '/' })
    expect(none.code).toBe(2)
    expect(none.stderr).toContain('registrum.yaml')
  })
})

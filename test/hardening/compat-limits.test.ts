import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRegistry } from '../../src/registry/registry.js'
import { avroFormat } from '../../src/formats/avro/index.js'
import { schemaGuid } from '../../src/formats/model.js'
import { DEFAULT_CONTEXT } from '../../src/registry/subjects.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { startServer, type TestServer } from '../support/server.js'

// Compatibility checks and parses whose cost an attacker chooses must stay bounded.

const JSON_TYPE = 'application/vnd.schemaregistry.v1+json'
let server: TestServer

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: body !== undefined ? { 'content-type': JSON_TYPE } : {},
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> }
}

beforeAll(async () => {
  server = await startServer()
})

afterAll(async () => {
  await server?.close()
})

describe('JSON Schema patternProperties during compatibility', () => {
  const withPattern = (pattern: string, extra: Record<string, unknown> = {}) => ({
    schemaType: 'JSON',
    schema: JSON.stringify({
      type: 'object',
      properties: { id: { type: 'string' }, ...extra },
      patternProperties: { [pattern]: { type: 'string' } },
      additionalProperties: false,
    }),
  })

  it('matches a catastrophic-backtracking pattern against a long property name at once', async () => {
    await call('PUT', '/config/redos', { compatibility: 'FULL' })
    expect((await call('POST', '/subjects/redos/versions', withPattern('^(a+)+$'))).status).toBe(200)
    // Before linear-time matching this name kept the event loop busy for hours.
    const name = `${'a'.repeat(60)}b`
    const res = await call(
      'POST',
      '/compatibility/subjects/redos/versions?verbose=true',
      withPattern('^(a+)+$', { [name]: { type: 'string' } }),
    )
    expect(res.status).toBe(200)
    // Old readers (closed, the name matching no pattern) reject the new property.
    expect(res.body.is_compatible).toBe(false)
    expect(String(res.body.messages)).toContain('PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL')
    const live = await call('GET', '/subjects/redos/versions')
    expect(live.body).toEqual([1])
  })

  it('still applies a matching pattern to a property it covers', async () => {
    // `aaaa` matches ^(a+)+$, whose schema (string) covers a string property: compatible both ways.
    const res = await call(
      'POST',
      '/compatibility/subjects/redos/versions',
      withPattern('^(a+)+$', { aaaa: { type: 'string' } }),
    )
    expect(res.body.is_compatible).toBe(true)
    const narrower = await call(
      'POST',
      '/compatibility/subjects/redos/versions',
      withPattern('^(a+)+$', { aaaa: { type: 'integer' } }),
    )
    expect(narrower.body.is_compatible).toBe(false)
  })

  it('answers 422 instead of guessing when a pattern needs backtracking', async () => {
    await call('PUT', '/config/lookahead', { compatibility: 'FULL' })
    expect((await call('POST', '/subjects/lookahead/versions', withPattern('^(?!x-)a'))).status).toBe(200)
    const res = await call(
      'POST',
      '/compatibility/subjects/lookahead/versions',
      withPattern('^(?!x-)a', { ab: { type: 'string' } }),
    )
    expect(res.status).toBe(422)
    expect(res.body.error_code).toBe(422)
    expect(res.body.message).toMatch(/Cannot decide compatibility: patternProperties pattern "\^\(\?!x-\)a"/)
  })
})

describe('element limit and compatibility time budget', () => {
  let small: TestServer
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${small.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify(body),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }
  const record = (fields: number, extra = 0) =>
    JSON.stringify({
      type: 'record',
      name: 'R',
      fields: Array.from({ length: fields + extra }, (_, i) => ({ name: `f${i}`, type: 'string', default: '' })),
    })

  beforeAll(async () => {
    small = await startServer({ maxSchemaElements: 500, compatibilityBudget: 1 })
  })
  afterAll(async () => {
    await small?.close()
  })

  it('refuses a schema with more elements than the limit, in each format and on every route that parses', async () => {
    const tooMany = [
      { schema: record(300) },
      { schemaType: 'JSON', schema: JSON.stringify({ enum: Array.from({ length: 600 }, (_, i) => i) }) },
      {
        schemaType: 'PROTOBUF',
        schema: `syntax = "proto3";\nmessage M {\n${Array.from({ length: 600 }, (_, i) => `  string f${i} = ${i + 1};`).join('\n')}\n}\n`,
      },
    ]
    for (const body of tooMany) {
      const res = await post('/subjects/big/versions', body)
      expect(res.status).toBe(422)
      expect(res.body.error_code).toBe(42209)
      expect(res.body.message).toMatch(/Schema defines \d+ elements .*; at most 500 are accepted/)
    }
    expect((await post('/subjects/big/versions', { schema: record(200) })).status).toBe(200)
    expect((await post('/subjects/big', { schema: record(300) })).body.error_code).toBe(42209)
    expect((await post('/compatibility/subjects/big/versions', { schema: record(300) })).body.error_code).toBe(42209)
  })

  it('answers 422 when a compatibility check overruns its budget, and stores nothing', async () => {
    const put = await fetch(`${small.url}/config/long`, {
      method: 'PUT',
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify({ compatibility: 'NONE' }),
    })
    expect(put.status).toBe(200)
    for (let v = 1; v <= 150; v++)
      expect((await post('/subjects/long/versions', { schema: record(60, v) })).status).toBe(200)
    await fetch(`${small.url}/config/long`, {
      method: 'PUT',
      headers: { 'content-type': JSON_TYPE },
      body: JSON.stringify({ compatibility: 'FULL_TRANSITIVE' }),
    })
    const check = await post('/compatibility/subjects/long/versions', { schema: record(60) })
    expect(check.status).toBe(422)
    expect(check.body.error_code).toBe(422)
    expect(check.body.message).toBe('Cannot decide compatibility: the check took longer than its budget of 1 ms')
    const register = await post('/subjects/long/versions', { schema: record(60) })
    expect(register.status).toBe(422)
    const versions = await (await fetch(`${small.url}/subjects/long/versions`)).json()
    expect(versions).toHaveLength(150)
  })
})

describe('a long compatibility check does not hold the server', () => {
  let db: string
  let dir: string
  let srv: TestServer
  const record = (fields: number) =>
    JSON.stringify({
      type: 'record',
      name: 'Wide',
      fields: Array.from({ length: fields }, (_, i) => ({ name: `f${i}`, type: 'string', default: '' })),
    })
  const send = (path: string, method = 'GET', body?: unknown) =>
    fetch(`${srv.url}${path}`, {
      method,
      ...(body !== undefined ? { headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body) } : {}),
    })

  beforeAll(async () => {
    const { mkdtempSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { join } = await import('node:path')
    dir = mkdtempSync(join(tmpdir(), 'registrum-long-check-'))
    db = join(dir, 'registrum.db')
    // The history is written in one transaction (one sync), straight through the registry.
    const store = new SqliteStore(db)
    await store.ready()
    const registry = createRegistry({ store })
    await registry.putConfig('wide', { compatibility: 'NONE' })
    await store.transaction((tx) => {
      for (let v = 1; v <= 60; v++) {
        const schema = avroFormat.canonicalize(avroFormat.parse(record(1500 + v), [], 'new'))
        const guid = schemaGuid(schema, [], undefined, undefined)
        tx.putSchema({ context: DEFAULT_CONTEXT, id: v, schemaType: 'AVRO', schema, references: [], guid })
        tx.putVersion({ subject: 'wide', version: v, context: DEFAULT_CONTEXT, id: v, deleted: false, ts: Date.now() })
      }
    })
    await registry.putConfig('wide', { compatibility: 'FULL_TRANSITIVE' })
    expect(registry.listVersions('wide')).toHaveLength(60)
    await store.close()
  }, 120_000)

  afterAll(async () => {
    await srv?.close()
    const { rmSync } = await import('node:fs')
    rmSync(dir, { recursive: true, force: true })
  })

  // After a restart the first check parses all 60 stored versions of 1,500+ fields: long work
  // that used to keep health probes and reads waiting until it was done.
  it.each([
    ['the compatibility endpoint', '/compatibility/subjects/wide/versions'],
    ['a registration', '/subjects/wide/versions'],
  ])(
    'answers health probes and reads while %s checks',
    async (_what, path) => {
      srv = await startServer({ db, compatibilityBudget: 0 })
      const order: string[] = []
      const noting = (what: string) => (r: Response) => {
        order.push(what)
        return r
      }
      const check = send(path, 'POST', { schema: record(1500) }).then(noting('check'))
      await new Promise((resolve) => setTimeout(resolve, 30))
      const live = send('/health/live').then(noting('health'))
      const read = send('/subjects/wide/versions/1').then(noting('read'))
      const [c, l, g] = await Promise.all([check, live, read])
      expect(c.status).toBe(200)
      expect(l.status).toBe(200)
      expect(g.status).toBe(200)
      expect(order.at(-1)).toBe('check')
      await srv.close()
    },
    120_000,
  )
})

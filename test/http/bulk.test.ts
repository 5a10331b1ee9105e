/**
 * Registrum's bulk routes for `registrum import` and `export`, over a real server: each item is
 * answered as the single route would answer it, in order, and malformed requests are refused whole.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RegistryCalls } from '../../src/cli/registry-calls.js'
import { collectDump } from '../../src/cli/transfer/export.js'
import { buildApp } from '../../src/http/app.js'
import { MAX_EXPORT_SUBJECTS, MAX_IMPORT_VERSIONS } from '../../src/http/routes/bulk.js'
import { createRegistry } from '../../src/registry/registry.js'
import { MemoryStore } from '../../src/store/memory/memory-store.js'
import { request } from '../hardening/fixtures.js'
import { startServer, type TestServer } from '../support/server.js'

const IMPORT = '/registrum/v1/import/versions'
const EXPORT = '/registrum/v1/export/subjects'
const record = (name: string, fields: { name: string; type: unknown }[] = []) =>
  JSON.stringify({ type: 'record', name, fields })

type Result = { status: number; body: Record<string, unknown> }

describe('POST /registrum/v1/import/versions', () => {
  let bulk: TestServer
  let single: TestServer
  beforeAll(async () => {
    ;[bulk, single] = await Promise.all([startServer(), startServer()])
  })
  afterAll(async () => {
    await bulk?.close()
    await single?.close()
  })

  /** Items whose answers cover success, each kind of refusal, and a reference to an earlier item. */
  const ITEMS: Record<string, unknown>[] = [
    { subject: 'a-value', schema: record('A'), id: 10, version: 1 },
    {
      subject: 'b-value',
      schema: record('B', [{ name: 'a', type: 'A' }]),
      references: [{ name: 'A', subject: 'a-value', version: 1 }],
      id: 11,
      version: 1,
    },
    { subject: 'a-value', schema: record('A'), id: 10, version: 1 },
    { subject: 'c-value', schema: record('C'), id: 10, version: 1 },
    { subject: 'c-value', schema: '{"type":', id: 12, version: 1 },
    { subject: 'c-value', schema: 7, id: 12, version: 1 },
    { subject: 'c-value', schema: record('C'), id: 12, version: 3 },
    { subject: 'd-value', schema: record('D'), references: [{ name: 'X', subject: 'nope', version: 1 }], id: 13 },
    { subject: 'e-value', schema: record('E'), id: 0, version: 1 },
    { subject: 'f-value', schema: record('F'), id: 14, version: 1, metadata: { properties: { owner: 'x' } } },
  ]

  it('answers each version as POST /subjects/{subject}/versions answers it alone, in order', async () => {
    for (const s of [bulk, single])
      expect((await request(s.url, 'PUT', '/mode', undefined, { mode: 'IMPORT' })).status).toBe(200)
    const got = await request(bulk.url, 'POST', IMPORT, undefined, { versions: ITEMS })
    expect(got.status).toBe(200)
    const results = (got.body as { results: Result[] }).results
    expect(results).toHaveLength(ITEMS.length)
    for (const [i, { subject, ...body }] of ITEMS.entries()) {
      const alone = await request(single.url, 'POST', `/subjects/${subject as string}/versions`, undefined, body)
      expect(results[i]!.status, `item ${i}`).toBe(alone.status)
      // `ts` is the time of each registration.
      const { ts: _a, ...together } = results[i]!.body
      const { ts: _b, ...byItself } = alone.body as Record<string, unknown>
      expect(together, `item ${i}`).toEqual(byItself)
    }
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 422, 422, 400, 200, 422, 422, 200])
    // Both registries now hold the same thing.
    for (const path of ['/subjects', '/subjects/b-value/versions/1', '/subjects/c-value/versions', '/schemas/ids/14']) {
      const { ts: _a, ...there } = (await request(bulk.url, 'GET', path)).body as Record<string, unknown>
      const { ts: _b, ...here } = (await request(single.url, 'GET', path)).body as Record<string, unknown>
      expect(there, path).toEqual(here)
    }
  })

  it('refuses versions outside IMPORT mode as the single route does', async () => {
    expect((await request(bulk.url, 'PUT', '/mode', undefined, { mode: 'READWRITE' })).status).toBe(200)
    const got = await request(bulk.url, 'POST', IMPORT, undefined, {
      versions: [{ subject: 'g-value', schema: record('G'), id: 50, version: 1 }],
    })
    expect((got.body as { results: Result[] }).results[0]).toMatchObject({ status: 422, body: { error_code: 42205 } })
    // Without ids, they are plain registrations.
    const plain = await request(bulk.url, 'POST', IMPORT, undefined, {
      versions: [
        { subject: 'g-value', schema: record('G') },
        { subject: 'g-value', schema: record('G') },
      ],
    })
    const [first, again] = (plain.body as { results: Result[] }).results
    expect(first).toMatchObject({ status: 200, body: { version: 1 } })
    expect(again!.body).toEqual(first!.body)
  })

  it('refuses a malformed request whole, with what is wrong, and runs none of it', async () => {
    const cases: [unknown, number, RegExp][] = [
      [undefined, 400, /versions/],
      [[], 400, /versions/],
      [{ versions: {} }, 400, /versions/],
      [{ versions: Array.from({ length: MAX_IMPORT_VERSIONS + 1 }, () => ({})) }, 422, /at most 1000/],
    ]
    for (const [body, status, message] of cases) {
      const r = await request(bulk.url, 'POST', IMPORT, undefined, body)
      expect(r.status, JSON.stringify(body)?.slice(0, 60)).toBe(status)
      expect((r.body as { message: string }).message).toMatch(message)
    }
    const items = await request(bulk.url, 'POST', IMPORT, undefined, { versions: [7, { schema: '"int"' }] })
    expect((items.body as { results: Result[] }).results).toEqual([
      { status: 422, body: { error_code: 422, message: 'versions[0].subject is required' } },
      { status: 422, body: { error_code: 422, message: 'versions[1].subject is required' } },
    ])
  })
})

describe('POST /registrum/v1/export/subjects', () => {
  let server: TestServer
  const call = (method: string, path: string, body?: unknown) => request(server.url, method, path, undefined, body)
  beforeAll(async () => {
    server = await startServer()
    await call('POST', '/subjects/a-value/versions', { schema: record('A') })
    await call('PUT', '/config/a-value', { compatibility: 'NONE' })
    await call('POST', '/subjects/a-value/versions', { schema: record('A2') })
    await call('POST', '/subjects/a-value/versions', { schema: record('A3'), metadata: { properties: { k: 'v' } } })
    await call('DELETE', '/subjects/a-value/versions/2')
    await call('POST', '/subjects/gone/versions', { schema: '"int"' })
    await call('DELETE', '/subjects/gone')
    await call('PUT', '/mode/moded', { mode: 'READONLY' })
    await call('POST', '/subjects/:.ctx:c-value/versions', { schema: '"long"' })
  })
  afterAll(async () => {
    await server?.close()
  })

  it('answers for each subject what the single routes answer, soft-deleted versions included', async () => {
    const subjects = ['a-value', 'gone', 'moded', ':.ctx:c-value', 'never']
    const got = await call('POST', EXPORT, { subjects })
    expect(got.status).toBe(200)
    const answers = (got.body as { subjects: Record<string, unknown>[] }).subjects
    for (const [i, subject] of subjects.entries()) {
      const s = encodeURIComponent(subject)
      const numbers = (await call('GET', `/subjects/${s}/versions?deleted=true`)).body
      const versions = []
      for (const v of Array.isArray(numbers) ? numbers : []) {
        versions.push((await call('GET', `/subjects/${s}/versions/${v}?deleted=true`)).body)
      }
      const config = await call('GET', `/config/${s}`)
      const mode = await call('GET', `/mode/${s}`)
      expect(answers[i], subject).toEqual({
        subject,
        versions,
        ...(config.status === 200 ? { config: config.body } : {}),
        ...(mode.status === 200 ? { mode: mode.body } : {}),
      })
    }
    expect((answers[0]!.versions as unknown[]).length).toBe(3)
    expect(answers[0]!.config).toEqual({ compatibilityLevel: 'NONE' })
    expect(answers[2]!.mode).toEqual({ mode: 'READONLY' })
    expect(answers[4]).toEqual({ subject: 'never', versions: [] })
  })

  it('refuses a malformed request whole', async () => {
    for (const [body, status] of [
      [undefined, 400],
      [{ subjects: 'a' }, 400],
      [{ subjects: [1] }, 400],
      [{ subjects: Array.from({ length: MAX_EXPORT_SUBJECTS + 1 }, () => 'a') }, 422],
    ] as const) {
      expect((await call('POST', EXPORT, body)).status, JSON.stringify(body)?.slice(0, 40)).toBe(status)
    }
  })
})

describe('the bulk routes under generated requests', () => {
  it('answer any body without a 5xx, in the envelope when refused whole, and per item otherwise', async () => {
    const app = await buildApp({ registry: createRegistry({ store: new MemoryStore() }) })
    const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 40 }), fc.integer())
    const item = fc.oneof(
      fc.record(
        {
          subject: anyValue,
          schema: fc.oneof(fc.constant(record('R')), fc.constant('"int"'), anyValue),
          schemaType: fc.oneof(fc.constantFrom('AVRO', 'PROTOBUF', 'JSON'), anyValue),
          references: fc.oneof(fc.constant([{ name: 'x', subject: 's', version: 1 }]), anyValue),
          id: fc.oneof(fc.integer({ min: -2, max: 5 }), anyValue),
          version: fc.oneof(fc.integer({ min: -2, max: 5 }), anyValue),
          metadata: anyValue,
        },
        { requiredKeys: [] },
      ),
      anyValue,
    )
    const body = fc.oneof(
      fc.record({ versions: fc.array(item, { maxLength: 8 }) }),
      fc.record({ subjects: fc.array(fc.oneof(fc.string({ maxLength: 20 }), anyValue), { maxLength: 8 }) }),
      fc.jsonValue({ maxDepth: 3 }),
    )
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(IMPORT, EXPORT), body, async (url, payload) => {
          const res = await app.inject({
            method: 'POST',
            url,
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify(payload),
          })
          if (res.statusCode >= 500) throw new Error(`${url} ${res.statusCode} ${res.body}`)
          const answer = JSON.parse(res.body) as { error_code?: unknown; results?: Result[] }
          if (res.statusCode >= 400) {
            expect(typeof answer.error_code).toBe('number')
            return
          }
          for (const r of answer.results ?? []) {
            expect(r.status).toBeLessThan(500)
            if (r.status !== 200) expect(typeof r.body.error_code).toBe('number')
          }
        }),
        { numRuns: 1500 },
      )
    } finally {
      await app.close()
    }
  }, 120_000)
})

describe('a large export answer', () => {
  it('stops after the subject that passes 32 MiB of schemas, and the command asks again for the rest', async () => {
    const server = await startServer()
    try {
      // Six subjects of a little over 7 MiB of schema each (the most a schema may be is 8 MiB): five
      // pass the limit.
      const doc = 'd'.repeat(7 * 1024 * 1024)
      const subjects = ['big-1', 'big-2', 'big-3', 'big-4', 'big-5', 'big-6']
      for (const [i, s] of subjects.entries()) {
        const schema = JSON.stringify({ type: 'record', name: `Big${i}`, doc, fields: [] })
        expect((await request(server.url, 'POST', `/subjects/${s}/versions`, undefined, { schema })).status).toBe(200)
      }
      const got = await request(server.url, 'POST', EXPORT, undefined, { subjects })
      expect(got.status).toBe(200)
      const answered = (got.body as { subjects: { subject: string }[] }).subjects.map((s) => s.subject)
      expect(answered).toEqual(subjects.slice(0, 5))
      const rest = new RegistryCalls({ url: server.url })
      const dump = await collectDump(rest, 4)
      rest.close()
      expect(dump.schemas.map((s) => s.subject)).toEqual(subjects)
      expect(dump.schemas.every((s) => s.schema.length > 7 * 1024 * 1024)).toBe(true)
    } finally {
      await server.close()
    }
  }, 60_000)
})

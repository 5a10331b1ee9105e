import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatFor } from '../../src/formats/index.js'
import { buildApp } from '../../src/http/app.js'
import { createRegistry } from '../../src/registry/registry.js'
import { MemoryStore } from '../../src/store/memory/memory-store.js'
import { startServer, type TestServer } from '../support/server.js'
import { dumpStore, requestBodies, schemaTexts, SEEDS, type FuzzType } from './support/fuzz-inputs.js'

/** Generated schemas per format thrown at the in-process app, plus request bodies. */
const SCHEMA_RUNS = 10_000
const BODY_RUNS = 2_000
/** Generated requests per format over a real socket. */
const SOCKET_RUNS = 150

const TYPES = (['AVRO', 'PROTOBUF', 'JSON'] as const).filter((t) => formatFor(t) !== undefined)
const JSON_TYPE = 'application/vnd.schemaregistry.v1+json'

type Endpoint = 'register' | 'lookup' | 'compatibility' | 'compatibilityAll'
const ENDPOINTS: Endpoint[] = ['register', 'lookup', 'compatibility', 'compatibilityAll']

function url(endpoint: Endpoint, subject: string, normalize: boolean): string {
  const q = normalize ? '?normalize=true&verbose=true' : ''
  const s = encodeURIComponent(subject)
  switch (endpoint) {
    case 'register':
      return `/subjects/${s}/versions${q}`
    case 'lookup':
      return `/subjects/${s}${q}`
    case 'compatibility':
      return `/compatibility/subjects/${s}/versions/latest${q}`
    case 'compatibilityAll':
      return `/compatibility/subjects/${s}/versions${q}`
  }
}

/**
 * A registration that cannot be stored: an explicit version that is not the next one is refused
 * after parsing and the compatibility check, so the fuzz reaches every step and writes nothing.
 */
function bodyFor(endpoint: Endpoint, body: unknown): unknown {
  if (endpoint !== 'register' || typeof body !== 'object' || body === null || Array.isArray(body)) return body
  return { ...body, version: 99_999 }
}

const statuses = new Map<string, Map<number, number>>()
const tally = (type: string, status: number) => {
  const m = statuses.get(type) ?? new Map<number, number>()
  m.set(status, (m.get(status) ?? 0) + 1)
  statuses.set(type, m)
}

let app: FastifyInstance
let store: MemoryStore

beforeAll(async () => {
  store = new MemoryStore()
  app = await buildApp({ registry: createRegistry({ store }) })
  for (const type of TYPES) {
    const res = await app.inject({
      method: 'POST',
      url: `/subjects/fuzz-${type}/versions`,
      payload: { schema: SEEDS[type], schemaType: type },
    })
    expect(res.statusCode, res.body).toBe(200)
  }
  console.log(`fuzz: formats supported at run time: ${TYPES.join(', ')}`)
})

afterAll(async () => {
  await app?.close()
  for (const [type, m] of statuses) {
    const counts = [...m].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`)
    console.log(`fuzz ${type}: ${[...m.values()].reduce((a, b) => a + b, 0)} requests, statuses ${counts.join(' ')}`)
  }
})

describe.each(TYPES)('fuzzing %s', (type: FuzzType) => {
  const subject = `fuzz-${type}`

  it(`answers ${SCHEMA_RUNS} malformed schemas without a 5xx and leaves the store unchanged`, async () => {
    const before = dumpStore(store)
    await fc.assert(
      fc.asyncProperty(
        schemaTexts(type),
        fc.constantFrom(...ENDPOINTS),
        fc.boolean(),
        async (schema, endpoint, normalize) => {
          const res = await app.inject({
            method: 'POST',
            url: url(endpoint, subject, normalize),
            headers: { 'content-type': JSON_TYPE },
            payload: JSON.stringify(bodyFor(endpoint, { schema, schemaType: type })),
          })
          tally(type, res.statusCode)
          if (res.statusCode >= 500) throw new Error(`${res.statusCode} ${res.body}`)
          JSON.parse(res.body)
        },
      ),
      { numRuns: SCHEMA_RUNS },
    )
    expect(dumpStore(store)).toBe(before)
  })

  it(`answers ${BODY_RUNS} malformed request bodies without a 5xx and leaves the store unchanged`, async () => {
    const before = dumpStore(store)
    await fc.assert(
      fc.asyncProperty(
        requestBodies(type),
        fc.constantFrom(...ENDPOINTS),
        fc.boolean(),
        async (body, endpoint, normalize) => {
          const res = await app.inject({
            method: 'POST',
            url: url(endpoint, subject, normalize),
            headers: { 'content-type': JSON_TYPE },
            payload: JSON.stringify(bodyFor(endpoint, body)) ?? 'null',
          })
          tally(type, res.statusCode)
          if (res.statusCode >= 500) throw new Error(`${res.statusCode} ${res.body}`)
        },
      ),
      { numRuns: BODY_RUNS },
    )
    expect(dumpStore(store)).toBe(before)
  })
})

describe('fuzzing over a real socket', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer()
    for (const type of TYPES) {
      await fetch(`${server.url}/subjects/fuzz-${type}/versions`, {
        method: 'POST',
        headers: { 'content-type': JSON_TYPE },
        body: JSON.stringify({ schema: SEEDS[type], schemaType: type }),
      })
    }
  })
  afterAll(() => server?.close())

  it.each(TYPES)(`answers ${SOCKET_RUNS} malformed %s requests without a 5xx and stores nothing`, async (type) => {
    const subjects = async () => (await fetch(`${server.url}/schemas?deleted=true`)).text()
    const before = await subjects()
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          schemaTexts(type).map((schema) => ({ schema, schemaType: type })),
          requestBodies(type),
        ),
        fc.constantFrom(...ENDPOINTS),
        async (body, endpoint) => {
          const res = await fetch(`${server.url}${url(endpoint, `fuzz-${type}`, false)}`, {
            method: 'POST',
            headers: { 'content-type': JSON_TYPE },
            body: JSON.stringify(bodyFor(endpoint, body)) ?? 'null',
          })
          const text = await res.text()
          tally(`${type} (socket)`, res.status)
          if (res.status >= 500) throw new Error(`${res.status} ${text}`)
        },
      ),
      { numRuns: SOCKET_RUNS },
    )
    expect(await subjects()).toBe(before)
  })

  it('answers raw bodies with any content type without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 80 }),
        fc.constantFrom(
          'application/json',
          JSON_TYPE,
          'text/plain',
          'application/octet-stream',
          'application/json; charset=latin1',
          '',
        ),
        fc.constantFrom(
          '/subjects/x/versions',
          '/subjects/x',
          '/config',
          '/mode/x',
          '/compatibility/subjects/x/versions/1',
        ),
        async (raw, contentType, path) => {
          const res = await fetch(`${server.url}${path}`, {
            method: path.startsWith('/config') || path.startsWith('/mode') ? 'PUT' : 'POST',
            headers: contentType ? { 'content-type': contentType } : {},
            body: raw,
          })
          await res.text()
          tally('raw', res.status)
          if (res.status >= 500) throw new Error(`${res.status} for ${JSON.stringify(raw)}`)
        },
      ),
      { numRuns: SOCKET_RUNS },
    )
  })
})

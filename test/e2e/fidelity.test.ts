import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.js'

const CT = 'application/vnd.schemaregistry.v1+json'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server.close()
})

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'content-type': CT, ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    // plain text stays text
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: parsed as any, contentType: res.headers.get('content-type') }
}

const avro = (schema: unknown) => ({ schema: JSON.stringify(schema) })

describe('Content-Type is the bare media type, as Confluent sends it', () => {
  // Confluent's Jersey resources produce `application/vnd.schemaregistry.v1+json` (Versions
  // SCHEMA_REGISTRY_V1_JSON_WEIGHTED) and no charset parameter is appended to the header.
  it('on success, error, not-found and raw schema routes alike', async () => {
    await call('POST', '/subjects/ct/versions', avro('string'))
    const responses = await Promise.all([
      call('GET', '/subjects'),
      call('GET', '/subjects/ct/versions/1'),
      call('GET', '/subjects/ct/versions/1/schema'),
      call('GET', '/schemas/ids/1'),
      call('GET', '/config'),
      call('GET', '/subjects/missing/versions'),
      call('GET', '/no/such/route'),
      call('POST', '/subjects/ct/versions', avro({ type: 'bogus' })),
    ])
    for (const r of responses) expect(r.contentType).toBe(CT)
  })

  it('keeps the negotiated type bare too', async () => {
    const r = await call('GET', '/subjects', undefined, { accept: 'application/json' })
    expect(r.contentType).toBe('application/json')
  })
})

describe('Avro namespaces are validated like names', () => {
  it('refuses a namespace with an invalid part with 42201 naming it', async () => {
    const r = await call('POST', '/subjects/ns/versions', avro({ type: 'record', name: 'foo', namespace: 'foo-bar-baz', fields: [] }))
    expect(r.status).toBe(422)
    expect(r.body.error_code).toBe(42201)
    expect(r.body.message).toContain('foo-bar-baz')
  })

  it('refuses an invalid part of a dotted name and of a nested namespace', async () => {
    const dotted = await call('POST', '/subjects/ns/versions', avro({ type: 'record', name: 'a.1b.C', fields: [] }))
    expect(dotted.body.error_code).toBe(42201)
    const nested = await call(
      'POST',
      '/subjects/ns/versions',
      avro({ type: 'record', name: 'R', fields: [{ name: 'e', type: { type: 'enum', name: 'E', namespace: 'ok.x y', symbols: ['A'] } }] }),
    )
    expect(nested.body.error_code).toBe(42201)
  })

  it('accepts valid dotted namespaces', async () => {
    const r = await call('POST', '/subjects/ns/versions', avro({ type: 'record', name: 'foo', namespace: 'com.acme_1.Ünits', fields: [] }))
    expect(r.status).toBe(200)
  })
})

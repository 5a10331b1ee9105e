import { createServer, type IncomingMessage, type Server } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../../src/serde/avro.js'
import { resolveReferences } from '../../src/serde/client.js'
import { SchemaRegistryError } from '../../src/serde/errors.js'
import { HttpSchemaRegistryClient } from '../../src/serde/http-client.js'
import { RegistryTransport } from '../../src/serde/registry-transport.js'
import { startServer, type TestServer } from '../support/server.js'

const address = JSON.stringify({
  type: 'record',
  name: 'Address',
  namespace: 'acme',
  fields: [{ name: 'city', type: 'string' }],
})
const person = JSON.stringify({
  type: 'record',
  name: 'Person',
  namespace: 'acme',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'home', type: 'acme.Address' },
  ],
})

describe('HttpSchemaRegistryClient against the registry', () => {
  let server: TestServer
  let client: HttpSchemaRegistryClient
  beforeAll(async () => {
    server = await startServer()
    client = new HttpSchemaRegistryClient({ baseUrl: server.url, maxRetries: 0 })
  })
  afterAll(async () => {
    client.close()
    await server.close()
  })

  it('registers, looks up and reads schemas by id, latest and version', async () => {
    const id = await client.register('people-value', { schema: '"string"' })
    expect(await client.lookup('people-value', { schema: '"string"' })).toMatchObject({
      subject: 'people-value',
      id,
      version: 1,
    })
    expect(await client.getSchemaById(id)).toMatchObject({ schema: '"string"', schemaType: 'AVRO' })
    expect(await client.getLatest('people-value')).toMatchObject({ id, version: 1, schema: '"string"' })
    expect(await client.getVersion('people-value', 1)).toMatchObject({ id, version: 1 })
  })

  it('registers the same text with another data contract as another version, not from its cache', async () => {
    const rule = (expr: string) => ({
      domainRules: [{ name: 'r', kind: 'CONDITION' as const, mode: 'WRITE' as const, type: 'CEL', expr }],
    })
    const first = await client.register('contracts-value', { schema: '"long"', ruleSet: rule('true') })
    const second = await client.register('contracts-value', { schema: '"long"', ruleSet: rule('false') })
    const third = await client.register('contracts-value', { schema: '"long"', metadata: { properties: { a: 'b' } } })
    expect(new Set([first, second, third]).size).toBe(3)
    expect((await client.getLatest('contracts-value')).metadata).toEqual({ properties: { a: 'b' } })
  })

  it('reads a schema by the GUID register reported, and 40403 for an unknown GUID', async () => {
    const id = await client.register('guids-value', { schema: '"bytes"' })
    const { guid } = await client.getSchemaById(id)
    expect(guid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    const other = new HttpSchemaRegistryClient({ baseUrl: server.url, maxRetries: 0 })
    expect(await other.getSchemaByGuid(guid!)).toMatchObject({ schema: '"bytes"', schemaType: 'AVRO', guid })
    await expect(other.getSchemaByGuid('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({
      errorCode: 40403,
    })
    other.close()
  })

  it('surfaces registry errors with status and error_code', async () => {
    const err = await client.getSchemaById(987654).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SchemaRegistryError)
    expect(err).toMatchObject({ status: 404, errorCode: 40403, code: 'REGISTRY_ERROR' })
    await expect(client.getLatest('no-such-subject')).rejects.toMatchObject({ status: 404, errorCode: 40401 })
    await expect(client.register('bad-value', { schema: '{"type":"nope"}' })).rejects.toMatchObject({
      status: 422,
      errorCode: 42201,
    })
  })

  it('resolves references transitively, dependencies first', async () => {
    await client.register('acme.Address', { schema: address })
    const refs = [{ name: 'acme.Address', subject: 'acme.Address', version: 1 }]
    const id = await client.register('persons-value', { schema: person, references: refs })
    const info = await client.getSchemaById(id)
    expect(info.references).toEqual(refs)
    expect(await resolveReferences(client, info.references)).toEqual([
      { name: 'acme.Address', subject: 'acme.Address', version: 1, schema: address, schemaType: 'AVRO' },
    ])
    const ser = avroSerializer(client, { schema: person, references: refs })
    const bytes = await ser.serialize('persons', { name: 'Ann', home: { city: 'Oslo' } })
    expect(await avroDeserializer(client).deserialize('persons', bytes)).toEqual({
      name: 'Ann',
      home: { city: 'Oslo' },
    })
  })

  it('serves a warmed-up serializer and deserializer from its caches when the registry is gone', async () => {
    const own = await startServer()
    const c = new HttpSchemaRegistryClient({ baseUrl: own.url, maxRetries: 0 })
    const ser = avroSerializer(c, { schema: '"long"' })
    const de = avroDeserializer(c)
    const first = await ser.serialize('ticks', 1)
    expect(await de.deserialize('ticks', first)).toBe(1)
    await own.close()
    expect(await de.deserialize('ticks', await ser.serialize('ticks', 2))).toBe(2)
    await expect(c.getLatest('ticks-value')).rejects.toMatchObject({
      status: 0,
      message: expect.stringContaining('unreachable'),
    })
    c.close()
  })
})

/** A registry stand-in on a real socket that answers from a script, to exercise retries and headers. */
async function scriptedRegistry(
  answer: (req: IncomingMessage, n: number) => [number, unknown],
): Promise<{ url: string; seen: IncomingMessage[]; server: Server }> {
  const seen: IncomingMessage[] = []
  const server = createServer((req, res) => {
    seen.push(req)
    const [status, body] = answer(req, seen.length)
    setTimeout(() => {
      res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' })
      res.end(JSON.stringify(body))
    }, 20)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen, server }
}

describe('HttpSchemaRegistryClient transport', () => {
  it('retries 5xx answers with backoff, then succeeds', async () => {
    const reg = await scriptedRegistry((_req, n) =>
      n < 3 ? [503, { error_code: 50003, message: 'busy' }] : [200, { schema: '"int"' }],
    )
    const c = new HttpSchemaRegistryClient({ baseUrl: reg.url, retryBackoffMs: 5 })
    expect(await c.getSchemaById(1)).toMatchObject({ schema: '"int"' })
    expect(reg.seen).toHaveLength(3)
    c.close()
    reg.server.close()
  })

  it('gives up after maxRetries and reports the last error', async () => {
    const reg = await scriptedRegistry(() => [500, { error_code: 50001, message: 'store down' }])
    const c = new HttpSchemaRegistryClient({ baseUrl: reg.url, retryBackoffMs: 1, maxRetries: 2 })
    await expect(c.getSchemaById(1)).rejects.toMatchObject({
      status: 500,
      errorCode: 50001,
      message: expect.stringContaining('store down'),
    })
    expect(reg.seen).toHaveLength(3)
    c.close()
    reg.server.close()
  })

  it('does not retry 4xx answers', async () => {
    const reg = await scriptedRegistry(() => [404, { error_code: 40403, message: 'Schema not found' }])
    const c = new HttpSchemaRegistryClient({ baseUrl: reg.url, retryBackoffMs: 1 })
    await expect(c.getSchemaById(1)).rejects.toMatchObject({ errorCode: 40403 })
    expect(reg.seen).toHaveLength(1)
    c.close()
    reg.server.close()
  })

  it('keeps the error answer as sent: its error_code only when it had one, its message or else its text', async () => {
    const reg = await scriptedRegistry((_req, n) =>
      n === 1 ? [404, { error_code: 40401, message: 'Subject not found' }] : [404, 'no such route'],
    )
    const c = new RegistryTransport({ baseUrl: reg.url, maxRetries: 0 })
    await expect(c.request('GET', 'subjects/x/versions')).rejects.toMatchObject({
      status: 404,
      errorCode: 40401,
      answer: { errorCode: 40401, message: 'Subject not found' },
    })
    const bare = await c.request('GET', 'nowhere').catch((e: unknown) => e)
    expect(bare).toMatchObject({ status: 404, errorCode: 404, answer: { message: '"no such route"' } })
    expect((bare as SchemaRegistryError).answer).not.toHaveProperty('errorCode')
    c.close()
    reg.server.close()
  })

  it('reads an empty 2xx answer as undefined only when asked to, and a network failure has no answer', async () => {
    const server = createServer((_req, res) => res.writeHead(204).end())
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const c = new RegistryTransport({ baseUrl: `http://127.0.0.1:${(server.address() as { port: number }).port}` })
    expect(await c.request('DELETE', 'subjects/x', undefined, true)).toBeUndefined()
    await expect(c.request('DELETE', 'subjects/x')).rejects.toMatchObject({
      message: expect.stringContaining('answer is not JSON'),
    })
    c.close()
    await new Promise((r) => server.close(r))
    const gone = new RegistryTransport({ baseUrl: 'http://127.0.0.1:9', maxRetries: 0 })
    const failed = await gone.request('GET', 'subjects').catch((e: unknown) => e)
    expect(failed).toMatchObject({ status: 0, answer: undefined, cause: { code: 'ECONNREFUSED' } })
    gone.close()
  })

  it('sends basic auth or a bearer token and the registry content type', async () => {
    const reg = await scriptedRegistry(() => [200, { schema: '"int"' }])
    const basic = new HttpSchemaRegistryClient({ baseUrl: reg.url, auth: { username: 'u', password: 'p:w' } })
    const bearer = new HttpSchemaRegistryClient({ baseUrl: reg.url, auth: { bearerToken: 'tok' } })
    await basic.getSchemaById(1)
    await bearer.getSchemaById(1)
    expect(reg.seen[0]!.headers.authorization).toBe(`Basic ${Buffer.from('u:p:w').toString('base64')}`)
    expect(reg.seen[1]!.headers.authorization).toBe('Bearer tok')
    expect(reg.seen[0]!.headers['content-type']).toBe('application/vnd.schemaregistry.v1+json')
    basic.close()
    bearer.close()
    reg.server.close()
  })

  it('makes one request for concurrent misses of the same key and none once cached', async () => {
    const reg = await scriptedRegistry(() => [200, { id: 7 }])
    const c = new HttpSchemaRegistryClient({ baseUrl: reg.url })
    const ids = await Promise.all(Array.from({ length: 10 }, () => c.register('s', { schema: '"int"' })))
    expect(ids).toEqual(Array(10).fill(7))
    await c.register('s', { schema: '"int"' })
    await c.getSchemaById(7)
    expect(reg.seen).toHaveLength(1)
    expect(reg.seen[0]!.url).toBe('/subjects/s/versions')
    c.close()
    reg.server.close()
  })

  it('fetches a GUID once for concurrent misses and keeps it cached', async () => {
    const guid = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'
    const reg = await scriptedRegistry(() => [200, { schema: '"int"', guid }])
    const c = new HttpSchemaRegistryClient({ baseUrl: reg.url })
    const all = await Promise.all(Array.from({ length: 5 }, () => c.getSchemaByGuid(guid)))
    expect(all.every((s) => s.schema === '"int"')).toBe(true)
    await c.getSchemaByGuid(guid)
    expect(reg.seen.map((r) => r.url)).toEqual([`/schemas/guids/${guid}`])
    c.close()
    reg.server.close()
  })

  it('serves the GUID of a schema it registered without asking again', async () => {
    const guid = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'
    const reg = await scriptedRegistry(() => [200, { id: 3, guid }])
    const c = new HttpSchemaRegistryClient({ baseUrl: reg.url })
    await c.register('s', { schema: '"int"' })
    expect(await c.getSchemaByGuid(guid)).toMatchObject({ schema: '"int"', guid })
    expect((await c.getSchemaById(3)).guid).toBe(guid)
    expect(reg.seen).toHaveLength(1)
    c.close()
    reg.server.close()
  })
})

import { JsonDeserializer, JsonSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.js'

const order = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'com.acme.Order',
  type: 'object',
  properties: {
    id: { type: 'string' },
    quantity: { type: 'integer', minimum: 1 },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['id', 'quantity'],
}

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server.close()
})

const client = () => new SchemaRegistryClient({ baseURLs: [server.url], maxRetries: 0 })

async function rest(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, json: await res.json() }
}

describe('JSON Schema end to end with @confluentinc/schemaregistry', () => {
  it('round-trips a message through JsonSerializer and JsonDeserializer', async () => {
    const c = client()
    const id = await c.register('orders-value', { schemaType: 'JSON', schema: JSON.stringify(order) }, false)
    const serializer = new JsonSerializer(c, SerdeType.VALUE, { useLatestVersion: true, validate: true })
    const message = { id: 'o-1', quantity: 3, tags: ['rush'] }
    const bytes = await serializer.serialize('orders', message)
    expect(bytes[0]).toBe(0)
    expect(bytes.readInt32BE(1)).toBe(id)
    const deserializer = new JsonDeserializer(c, SerdeType.VALUE, { validate: true })
    expect(await deserializer.deserialize('orders', bytes)).toEqual(message)
  })

  it('refuses to serialize a message that violates the schema, saying why', async () => {
    const c = client()
    await c.register('orders-value', { schemaType: 'JSON', schema: JSON.stringify(order) }, false)
    const serializer = new JsonSerializer(c, SerdeType.VALUE, { useLatestVersion: true, validate: true })
    await expect(serializer.serialize('orders', { id: 'o-2', quantity: 0 })).rejects.toThrow(
      /Invalid message.*quantity/,
    )
  })

  it('serves the schema in canonical form and rejects an invalid one with 42201', async () => {
    const spaced = '{ "type" : "object", "properties" : { "a" : { "type" : "number", "minimum" : 1.0 } } }'
    const created = await rest('POST', '/subjects/canonical-value/versions', { schemaType: 'JSON', schema: spaced })
    expect(created.status).toBe(200)
    const latest = await rest('GET', '/subjects/canonical-value/versions/latest')
    expect(latest.json).toMatchObject({
      schemaType: 'JSON',
      schema: '{"type":"object","properties":{"a":{"type":"number","minimum":1.0}}}',
    })
    const invalid = await rest('POST', '/subjects/canonical-value/versions', {
      schemaType: 'JSON',
      schema: '{"type":"strnig"}',
    })
    expect(invalid).toMatchObject({ status: 422, json: { error_code: 42201 } })
  })
})

describe('compatibilityPolicy on a subject', () => {
  const v1 = { type: 'object', properties: { a: { type: 'string' } } }
  const v2 = { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } } }
  const register = (subject: string, schema: unknown) =>
    rest('POST', `/subjects/${subject}/versions`, { schemaType: 'JSON', schema: JSON.stringify(schema) })

  it('rejects an optional property added to an open model under the default STRICT policy', async () => {
    expect((await register('strict-value', v1)).status).toBe(200)
    const check = await rest('POST', '/compatibility/subjects/strict-value/versions/latest?verbose=true', {
      schemaType: 'JSON',
      schema: JSON.stringify(v2),
    })
    expect(check.json).toMatchObject({ is_compatible: false })
    expect(JSON.stringify(check.json)).toContain('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL')
    expect(await register('strict-value', v2)).toMatchObject({ status: 409, json: { error_code: 40901 } })
  })

  it('accepts the same change once the subject is LENIENT', async () => {
    expect((await register('lenient-value', v1)).status).toBe(200)
    expect(await rest('PUT', '/config/lenient-value', { compatibilityPolicy: 'LENIENT' })).toMatchObject({
      status: 200,
    })
    const check = await rest('POST', '/compatibility/subjects/lenient-value/versions/latest', {
      schemaType: 'JSON',
      schema: JSON.stringify(v2),
    })
    expect(check.json).toMatchObject({ is_compatible: true })
    expect(await register('lenient-value', v2)).toMatchObject({ status: 200 })
  })
})

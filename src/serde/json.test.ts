import { describe, expect, it } from 'vitest'
import { jsonDeserializer, jsonSerializer } from './json.js'
import { InMemorySchemaRegistryClient } from './memory-client.js'

const productCreated = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'ProductCreated',
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    price: { type: 'number', minimum: 0 },
  },
  required: ['id', 'name'],
  additionalProperties: false,
}

describe('json serde', () => {
  it('frames the UTF-8 JSON text after the id', async () => {
    const client = new InMemorySchemaRegistryClient()
    const bytes = await jsonSerializer(client, { schema: productCreated }).serialize('products.created', { id: 'p1', name: 'Käse' })
    expect(bytes!.subarray(0, 5).toString('hex')).toBe('0000000001')
    expect(bytes!.subarray(5).toString('utf8')).toBe('{"id":"p1","name":"Käse"}')
    expect(await jsonDeserializer(client).deserialize('products.created', bytes)).toEqual({ id: 'p1', name: 'Käse' })
  })

  it('refuses a value that does not match, saying where', async () => {
    const ser = jsonSerializer(new InMemorySchemaRegistryClient(), { schema: productCreated })
    await expect(ser.serialize('t', { id: 'p1', price: -1 })).rejects.toMatchObject({
      code: 'INVALID_VALUE',
      message: expect.stringMatching(/ProductCreated.*name/),
    })
    await expect(ser.serialize('t', { id: 'p1', name: 'x', price: -1 })).rejects.toMatchObject({ message: expect.stringContaining('/price') })
  })

  it('writes without validation when asked', async () => {
    const client = new InMemorySchemaRegistryClient()
    const bytes = await jsonSerializer(client, { schema: productCreated, validate: false }).serialize('t', { id: 1 })
    expect(await jsonDeserializer(client).deserialize('t', bytes)).toEqual({ id: 1 })
    await expect(jsonDeserializer(client, { validate: true }).deserialize('t', bytes)).rejects.toMatchObject({ code: 'INVALID_VALUE' })
  })

  it('names subjects after the title with RecordName', async () => {
    const client = new InMemorySchemaRegistryClient()
    await jsonSerializer(client, { schema: productCreated, subjectNameStrategy: 'RecordName' }).serialize('t', { id: 'a', name: 'b' })
    await expect(client.getLatest('ProductCreated')).resolves.toMatchObject({ schemaType: 'JSON' })
  })

  it('reports a payload that is not JSON and an Avro id read as JSON', async () => {
    const client = new InMemorySchemaRegistryClient()
    await jsonSerializer(client, { schema: productCreated }).serialize('t', { id: 'a', name: 'b' })
    await client.register('other', { schema: '"string"' })
    const de = jsonDeserializer(client)
    await expect(de.deserialize('t', Buffer.from('0000000001' + '7b7b', 'hex'))).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' })
    await expect(de.deserialize('t', Buffer.from('0000000002' + '00', 'hex'))).rejects.toMatchObject({ code: 'INVALID_SCHEMA', message: expect.stringContaining('AVRO') })
  })

  it('passes null through', async () => {
    const client = new InMemorySchemaRegistryClient()
    expect(await jsonSerializer(client, { schema: productCreated }).serialize('t', undefined)).toBeNull()
    expect(await jsonDeserializer(client).deserialize('t', null)).toBeNull()
  })
})

import { describe, expect, it } from 'vitest'
import { jsonDeserializer, jsonSerializer } from './json.js'
import { InMemorySchemaRegistryClient } from './memory-client.js'
import { frame } from './wire.js'

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
    const bytes = await jsonSerializer(client, { schema: productCreated }).serialize('products.created', {
      id: 'p1',
      name: 'Käse',
    })
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
    await expect(ser.serialize('t', { id: 'p1', name: 'x', price: -1 })).rejects.toMatchObject({
      message: expect.stringContaining('/price'),
    })
  })

  it('never writes a value that fails validation: there is no switch to skip it', async () => {
    const client = new InMemorySchemaRegistryClient()
    expect(() => jsonSerializer(client, { schema: productCreated, validate: false } as never)).toThrowError(
      /always validates/,
    )
    await expect(jsonSerializer(client, { schema: productCreated }).serialize('t', { id: 1 })).rejects.toMatchObject({
      code: 'INVALID_VALUE',
    })
  })

  it('refuses values JSON would change: NaN, Dates, undefined in arrays', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = jsonSerializer(client, { schema: { type: 'object' } })
    for (const value of [{ a: Number.NaN }, { a: new Date(0) }, { a: [1, undefined] }, { a: Infinity }]) {
      await expect(ser.serialize('t', value)).rejects.toMatchObject({
        code: 'INVALID_VALUE',
        message: expect.stringMatching(/key '(a|1)'/),
      })
    }
    const bytes = await ser.serialize('t', { a: 1, b: undefined })
    expect(bytes!.subarray(5).toString()).toBe('{"a":1}')
  })

  it('reads without validation unless asked', async () => {
    const client = new InMemorySchemaRegistryClient()
    const id = await client.register('t-value', { schema: JSON.stringify(productCreated), schemaType: 'JSON' })
    const bytes = frame(id, Buffer.from('{"id":1}'))
    expect(await jsonDeserializer(client).deserialize('t', bytes)).toEqual({ id: 1 })
    await expect(jsonDeserializer(client, { validate: true }).deserialize('t', bytes)).rejects.toMatchObject({
      code: 'INVALID_VALUE',
    })
  })

  it('names subjects after the title with RecordName', async () => {
    const client = new InMemorySchemaRegistryClient()
    await jsonSerializer(client, { schema: productCreated, subjectNameStrategy: 'RecordName' }).serialize('t', {
      id: 'a',
      name: 'b',
    })
    await expect(client.getLatest('ProductCreated')).resolves.toMatchObject({ schemaType: 'JSON' })
  })

  it('reports a payload that is not JSON and an Avro id read as JSON', async () => {
    const client = new InMemorySchemaRegistryClient()
    await jsonSerializer(client, { schema: productCreated }).serialize('t', { id: 'a', name: 'b' })
    await client.register('other', { schema: '"string"' })
    const de = jsonDeserializer(client)
    await expect(de.deserialize('t', Buffer.from('0000000001' + '7b7b', 'hex'))).rejects.toMatchObject({
      code: 'INVALID_PAYLOAD',
    })
    await expect(de.deserialize('t', Buffer.from('0000000002' + '00', 'hex'))).rejects.toMatchObject({
      code: 'INVALID_SCHEMA',
      message: expect.stringContaining('AVRO'),
    })
  })

  it('passes null through', async () => {
    const client = new InMemorySchemaRegistryClient()
    expect(await jsonSerializer(client, { schema: productCreated }).serialize('t', undefined)).toBeNull()
    expect(await jsonDeserializer(client).deserialize('t', null)).toBeNull()
  })
})

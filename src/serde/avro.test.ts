import { describe, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from './avro.js'
import { SerdeError } from './errors.js'
import { InMemorySchemaRegistryClient } from './memory-client.js'

const tick = {
  type: 'record', name: 'Tick', namespace: 'markets',
  fields: [
    { name: 'event_time', type: 'long' },
    { name: 'ticker', type: 'string' },
    { name: 'price', type: 'double' },
  ],
}
const tickV2 = { ...tick, fields: [...tick.fields, { name: 'venue', type: 'string', default: 'XNYS' }] }

describe('avro serde', () => {
  it('frames Avro binary after the registered id', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = avroSerializer(client, { schema: { type: 'record', name: 'R', fields: [{ name: 'id', type: 'int' }, { name: 'name', type: 'string' }] } })
    const bytes = await ser.serialize('t', { id: 1, name: 'a' })
    expect(bytes!.toString('hex')).toBe('0000000001' + '02' + '0261')
  })

  it('registers under <topic>-value once and makes no registry call after warm-up', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = avroSerializer(client, { schema: tick })
    const de = avroDeserializer(client)
    for (let i = 0; i < 3; i++) {
      const bytes = await ser.serialize('stock_avro_topic', { event_time: i, ticker: 'ACME', price: 1.5 })
      expect(await de.deserialize('stock_avro_topic', bytes)).toEqual({ event_time: i, ticker: 'ACME', price: 1.5 })
    }
    expect((await client.getLatest('stock_avro_topic-value')).id).toBe(1)
    expect(client.calls).toMatchObject({ register: 1, getSchemaById: 1 })
  })

  it('uses <topic>-key for keys', async () => {
    const client = new InMemorySchemaRegistryClient()
    await avroSerializer(client, { schema: '"string"', isKey: true }).serialize('t', 'k1')
    await expect(client.getLatest('t-key')).resolves.toMatchObject({ id: 1 })
  })

  it('writes a top-level bytes value raw, without the Avro length prefix', async () => {
    const client = new InMemorySchemaRegistryClient()
    const bytes = await avroSerializer(client, { schema: '"bytes"' }).serialize('t', Buffer.from('hi'))
    expect(bytes!.toString('hex')).toBe('0000000001' + '6869')
    expect(await avroDeserializer(client).deserialize('t', bytes)).toEqual(Buffer.from('hi'))
  })

  it('passes null through as null without a registry call', async () => {
    const client = new InMemorySchemaRegistryClient()
    expect(await avroSerializer(client, { schema: tick }).serialize('t', null)).toBeNull()
    expect(await avroDeserializer(client).deserialize('t', null)).toBeNull()
    expect(client.calls.register).toBe(0)
  })

  it('reads old data into a newer reader schema, filling defaults', async () => {
    const client = new InMemorySchemaRegistryClient()
    const v1 = await avroSerializer(client, { schema: tick }).serialize('t', { event_time: 1, ticker: 'A', price: 2 })
    const v2 = await avroSerializer(client, { schema: tickV2 }).serialize('t', { event_time: 2, ticker: 'B', price: 3, venue: 'XLON' })
    const de = avroDeserializer(client, { readerSchema: tickV2 })
    expect(await de.deserialize('t', v1)).toEqual({ event_time: 1, ticker: 'A', price: 2, venue: 'XNYS' })
    expect(await de.deserialize('t', v2)).toEqual({ event_time: 2, ticker: 'B', price: 3, venue: 'XLON' })
    const old = avroDeserializer(client, { readerSchema: tick })
    expect(await old.deserialize('t', v2)).toEqual({ event_time: 2, ticker: 'B', price: 3 })
  })

  it('says which field is wrong when a value does not match the schema', async () => {
    const ser = avroSerializer(new InMemorySchemaRegistryClient(), { schema: tick })
    await expect(ser.serialize('t', { event_time: 1, ticker: 7, price: 2 })).rejects.toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', message: expect.stringMatching(/ticker: expected string, got 7/) }),
    )
  })

  it('reports an unknown schema id, a wrong magic byte and a truncated datum', async () => {
    const client = new InMemorySchemaRegistryClient()
    const de = avroDeserializer(client)
    await expect(de.deserialize('t', Buffer.from('0000000063', 'hex'))).rejects.toThrowError(expect.objectContaining({ code: 'UNKNOWN_SCHEMA_ID', message: expect.stringContaining('99') }))
    await expect(de.deserialize('t', Buffer.from('7b2261223a317d', 'hex'))).rejects.toThrowError(expect.objectContaining({ code: 'UNKNOWN_MAGIC_BYTE' }))
    const bytes = (await avroSerializer(client, { schema: tick }).serialize('t', { event_time: 1, ticker: 'ACME', price: 2 }))!
    await expect(de.deserialize('t', bytes.subarray(0, bytes.length - 3))).rejects.toThrowError(expect.objectContaining({ code: 'TRUNCATED' }))
  })

  it('uses the latest registered version, or a fixed id, instead of registering', async () => {
    const client = new InMemorySchemaRegistryClient()
    await client.register('t-value', { schema: JSON.stringify(tick) })
    const id2 = await client.register('t-value', { schema: JSON.stringify(tickV2) })
    const latest = avroSerializer(client, { useLatestVersion: true })
    const bytes = (await latest.serialize('t', { event_time: 1, ticker: 'A', price: 1, venue: 'X' }))!
    expect(bytes.readInt32BE(1)).toBe(id2)
    const fixed = avroSerializer(client, { schemaId: 1 })
    expect((await fixed.serialize('t', { event_time: 1, ticker: 'A', price: 1 }))!.readInt32BE(1)).toBe(1)
    expect(client.calls.register).toBe(2)
  })

  it('looks the schema up instead of registering when autoRegister is off', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = avroSerializer(client, { schema: tick, autoRegister: false })
    await expect(ser.serialize('t', { event_time: 1, ticker: 'A', price: 1 })).rejects.toThrowError(expect.objectContaining({ code: 'REGISTRY_ERROR' }))
    await client.register('t-value', { schema: JSON.stringify(tick) })
    expect(await ser.serialize('t', { event_time: 1, ticker: 'A', price: 1 })).not.toBeNull()
  })

  it('names subjects by record for RecordName and TopicRecordName', async () => {
    const client = new InMemorySchemaRegistryClient()
    await avroSerializer(client, { schema: tick, subjectNameStrategy: 'RecordName' }).serialize('t', { event_time: 1, ticker: 'A', price: 1 })
    await avroSerializer(client, { schema: tick, subjectNameStrategy: 'TopicRecordName' }).serialize('t', { event_time: 1, ticker: 'A', price: 1 })
    await avroSerializer(client, { schema: tick, subjectNameStrategy: ({ topic }) => `custom.${topic}` }).serialize('t', { event_time: 1, ticker: 'A', price: 1 })
    for (const s of ['markets.Tick', 't-markets.Tick', 'custom.t']) await expect(client.getLatest(s)).resolves.toMatchObject({ id: 1 })
    await expect(avroSerializer(client, { schema: '"string"', subjectNameStrategy: 'RecordName' }).serialize('t', 'x'))
      .rejects.toThrowError(expect.objectContaining({ code: 'INVALID_SUBJECT' }))
  })

  it('decodes synchronously once the id is loaded', async () => {
    const client = new InMemorySchemaRegistryClient()
    const bytes = (await avroSerializer(client, { schema: '"string"' }).serialize('t', 'x'))!
    const de = avroDeserializer(client)
    expect(() => de.deserializeSync('t', bytes)).toThrowError(SerdeError)
    await de.load(bytes)
    expect(de.deserializeSync('t', bytes)).toBe('x')
    const enc = await avroSerializer(client, { schema: '"string"' }).encoderFor('t')
    expect(de.deserializeSync('t', enc('y'))).toBe('y')
  })

  it('shares one registry call among concurrent first reads of an id', async () => {
    const client = new InMemorySchemaRegistryClient()
    const bytes = (await avroSerializer(client, { schema: '"int"' }).serialize('t', 5))!
    const de = avroDeserializer(client)
    expect(await Promise.all([1, 2, 3].map(() => de.deserialize('t', bytes)))).toEqual([5, 5, 5])
    expect(client.calls.getSchemaById).toBe(1)
  })
})

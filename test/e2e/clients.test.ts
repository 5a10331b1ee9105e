import { SchemaRegistry as KafkajsRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.js'

const tick = {
  type: 'record',
  name: 'StockTick',
  namespace: 'com.acme',
  fields: [
    { name: 'event_time', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'ticker', type: 'string' },
    { name: 'price', type: 'double' },
  ],
}
const tickV2 = { ...tick, fields: [...tick.fields, { name: 'venue', type: 'string', default: 'XNYS' }] }

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server.close()
})

describe('@confluentinc/schemaregistry against Registrum', () => {
  const client = () => new SchemaRegistryClient({ baseURLs: [server.url], maxRetries: 0 })

  it('registers, fetches by id and by subject/version, and looks up', async () => {
    const c = client()
    const id = await c.register('ticks-value', { schemaType: 'AVRO', schema: JSON.stringify(tick) }, false)
    expect(id).toBeGreaterThan(0)
    const byId = await c.getBySubjectAndId('ticks-value', id)
    expect(JSON.parse(byId.schema)).toMatchObject({ name: 'StockTick', namespace: 'com.acme' })
    const latest = await c.getLatestSchemaMetadata('ticks-value')
    expect(latest).toMatchObject({ id, version: 1, subject: 'ticks-value' })
    const v1 = await c.getSchemaMetadata('ticks-value', 1)
    expect(v1.id).toBe(id)
    expect(await c.getId('ticks-value', { schemaType: 'AVRO', schema: JSON.stringify(tick) }, false)).toBe(id)
    expect(await c.getAllVersions('ticks-value')).toEqual([1])
    expect(await c.getAllSubjects()).toContain('ticks-value')
  })

  it('tests compatibility and manages config', async () => {
    const c = client()
    expect(
      await c.testSubjectCompatibility('ticks-value', { schemaType: 'AVRO', schema: JSON.stringify(tickV2) }),
    ).toBe(true)
    expect(await c.testCompatibility('ticks-value', 1, { schemaType: 'AVRO', schema: '"int"' })).toBe(false)
    expect(await c.updateCompatibility('ticks-value', 'FULL' as never)).toBe('FULL')
    expect(await c.getCompatibility('ticks-value')).toBe('FULL')
    expect(await c.getDefaultCompatibility()).toBe('BACKWARD')
    await expect(c.register('ticks-value', { schemaType: 'AVRO', schema: '"int"' }, false)).rejects.toMatchObject({
      status: 409,
    })
  })

  it('round-trips Avro through its serializer and deserializer', async () => {
    const c = client()
    const ser = new AvroSerializer(c, SerdeType.VALUE, { useLatestVersion: true })
    const de = new AvroDeserializer(c, SerdeType.VALUE, {})
    const value = { event_time: 1_700_000_000_000, ticker: 'ACME', price: 12.5 }
    const bytes = await ser.serialize('ticks', value)
    expect(bytes[0]).toBe(0)
    expect(bytes.readInt32BE(1)).toBe((await c.getLatestSchemaMetadata('ticks-value')).id)
    const decoded = await de.deserialize('ticks', bytes)
    expect(decoded.ticker).toBe('ACME')
    expect(decoded.price).toBe(12.5)
    expect(Number(decoded.event_time instanceof Date ? decoded.event_time.getTime() : decoded.event_time)).toBe(
      1_700_000_000_000,
    )
  })
})

describe('@kafkajs/confluent-schema-registry against Registrum', () => {
  const registry = () => new KafkajsRegistry({ host: server.url })

  it('registers (reading and setting the subject level), encodes and decodes', async () => {
    const r = registry()
    const { id } = await r.register(
      { type: SchemaType.AVRO, schema: JSON.stringify({ ...tick, name: 'Tick2' }) },
      { subject: 'kafkajs-ticks-value' },
    )
    expect(id).toBeGreaterThan(0)
    const payload = { event_time: 1_700_000_000_001, ticker: 'XYZ', price: 3.25 }
    const encoded = await r.encode(id, payload)
    expect(encoded.readUInt8(0)).toBe(0)
    expect(encoded.readInt32BE(1)).toBe(id)
    expect(await r.decode(encoded)).toMatchObject({ ticker: 'XYZ', price: 3.25 })
    expect(await r.getLatestSchemaId('kafkajs-ticks-value')).toBe(id)
    expect(await r.getRegistryId('kafkajs-ticks-value', 1)).toBe(id)
    expect(
      await r.getRegistryIdBySchema('kafkajs-ticks-value', {
        type: SchemaType.AVRO,
        schema: JSON.stringify({ ...tick, name: 'Tick2' }),
      }),
    ).toBe(id)
    // register() set the subject's own level on first registration.
    const config = await fetch(`${server.url}/config/kafkajs-ticks-value`).then((res) => res.json())
    expect(config).toEqual({ compatibilityLevel: 'BACKWARD' })
  })

  it('registers a compatible second version and refuses an incompatible one', async () => {
    const r = registry()
    const { id: id2 } = await r.register(
      { type: SchemaType.AVRO, schema: JSON.stringify({ ...tickV2, name: 'Tick2' }) },
      { subject: 'kafkajs-ticks-value' },
    )
    const latest = await r.getLatestSchemaId('kafkajs-ticks-value')
    expect(latest).toBe(id2)
    await expect(
      r.register(
        {
          type: SchemaType.AVRO,
          schema: JSON.stringify({
            type: 'record',
            name: 'Tick2',
            namespace: 'com.acme',
            fields: [{ name: 'x', type: 'int' }],
          }),
        },
        { subject: 'kafkajs-ticks-value' },
      ),
    ).rejects.toThrow()
  })
})

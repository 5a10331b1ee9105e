/**
 * Byte compatibility of our Avro serde with @confluentinc/schemaregistry and
 * @kafkajs/confluent-schema-registry, all talking to our real registry.
 */
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry'
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../../src/serde/avro.js'
import { HttpSchemaRegistryClient } from '../../src/serde/http-client.js'
import { startServer, type TestServer } from '../support/server.js'

const tick = {
  type: 'record', name: 'StockTick', namespace: 'markets',
  fields: [
    { name: 'event_time', type: 'long' },
    { name: 'ticker', type: 'string' },
    { name: 'price', type: 'double' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
}
const value = { event_time: 1_700_000_000_000, ticker: 'ACME', price: 12.5, note: 'open' }

describe('Avro bytes against the Confluent and kafkajs clients', () => {
  let server: TestServer
  let ours: HttpSchemaRegistryClient
  let confluent: SchemaRegistryClient
  beforeAll(async () => {
    server = await startServer()
    ours = new HttpSchemaRegistryClient({ baseUrl: server.url })
    confluent = new SchemaRegistryClient({ baseURLs: [server.url] })
  })
  afterAll(async () => {
    ours.close()
    await server.close()
  })

  it('writes the same bytes as Confluent, and each reads the other', async () => {
    const bytes = (await avroSerializer(ours, { schema: tick }).serialize('ticks', value))!
    const theirSer = new AvroSerializer(confluent, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false })
    const theirs = await theirSer.serialize('ticks', value)
    expect(theirs.toString('hex')).toBe(bytes.toString('hex'))
    const theirDe = new AvroDeserializer(confluent, SerdeType.VALUE, {})
    // avsc unions come back unwrapped from both sides.
    expect(await theirDe.deserialize('ticks', bytes)).toEqual(value)
    expect(await avroDeserializer(ours).deserialize('ticks', theirs)).toEqual(value)
  })

  it('reads what Confluent writes under another subject, keyed by record name', async () => {
    const theirSer = new AvroSerializer(confluent, SerdeType.KEY, { useLatestVersion: true, autoRegisterSchemas: false })
    await avroSerializer(ours, { schema: '"string"', isKey: true }).serialize('ticks', 'k')
    const key = await theirSer.serialize('ticks', 'ACME')
    expect(await avroDeserializer(ours).deserialize('ticks', key)).toBe('ACME')
  })

  it('writes the same bytes as @kafkajs/confluent-schema-registry, and each reads the other', async () => {
    const kafkajs = new SchemaRegistry({ host: server.url })
    const { id } = await kafkajs.register({ type: SchemaType.AVRO, schema: JSON.stringify(tick) }, { subject: 'kticks-value' })
    const theirs = await kafkajs.encode(id, value)
    const mine = (await avroSerializer(ours, { schema: tick, autoRegister: false }).serialize('kticks', value))!
    expect(mine.toString('hex')).toBe(theirs.toString('hex'))
    expect(await kafkajs.decode(mine)).toEqual(value)
    expect(await avroDeserializer(ours).deserialize('kticks', theirs)).toEqual(value)
  })
})

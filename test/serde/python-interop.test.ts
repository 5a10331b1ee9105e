/**
 * Byte compatibility with Python confluent-kafka's AvroSerializer, ProtobufSerializer and
 * JSONSerializer (test/python/serde_interop.py), all through our real registry.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../../src/serde/avro.js'
import { HttpSchemaRegistryClient } from '../../src/serde/http-client.js'
import { startServer, type TestServer } from '../support/server.js'
import { describePython, startPythonSerde, type PythonSerde } from './python.js'

const tick = {
  type: 'record', name: 'StockTick', namespace: 'markets',
  fields: [
    { name: 'event_time', type: 'long' },
    { name: 'ticker', type: 'string' },
    { name: 'price', type: 'double' },
  ],
}

describePython('serde bytes against Python confluent-kafka', () => {
  let server: TestServer
  let client: HttpSchemaRegistryClient
  let py: PythonSerde
  beforeAll(async () => {
    server = await startServer()
    client = new HttpSchemaRegistryClient({ baseUrl: server.url })
    py = startPythonSerde(server.url)
  })
  afterAll(async () => {
    py?.close()
    client?.close()
    await server?.close()
  })

  it('Avro: Python writes our bytes and each reads the other', async () => {
    const value = { event_time: 1_700_000_000_123, ticker: 'ACME', price: 101.25 }
    const mine = (await avroSerializer(client, { schema: tick }).serialize('stock_avro_topic', value))!
    const theirs = await py.serialize({ format: 'avro', topic: 'stock_avro_topic', value })
    expect(theirs.toString('hex')).toBe(mine.toString('hex'))
    expect(await py.deserialize({ format: 'avro', topic: 'stock_avro_topic', hex: mine.toString('hex') })).toEqual(value)
    expect(await avroDeserializer(client).deserialize('stock_avro_topic', theirs)).toEqual(value)
  }, 30_000)
})

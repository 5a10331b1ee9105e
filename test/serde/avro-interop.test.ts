/**
 * Byte compatibility of our Avro serde with @confluentinc/schemaregistry and
 * @kafkajs/confluent-schema-registry, all talking to our real registry.
 */
import { AvroDeserializer, AvroSerializer, SerdeType } from '@confluentinc/schemaregistry'
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { describe, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../../src/serde/avro.js'
import { serverAndClients, TRADE_SCHEMA } from './fixtures.js'

const tick = {
  type: 'record',
  name: 'StockTick',
  namespace: 'markets',
  fields: [
    { name: 'event_time', type: 'long' },
    { name: 'ticker', type: 'string' },
    { name: 'price', type: 'double' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
}
const value = { event_time: 1_700_000_000_000, ticker: 'ACME', price: 12.5, note: 'open' }

describe('Avro bytes against the Confluent and kafkajs clients', () => {
  const ctx = serverAndClients()

  it('writes the same bytes as Confluent, and each reads the other', async () => {
    const bytes = (await avroSerializer(ctx.ours, { schema: tick }).serialize('ticks', value))!
    const theirSer = new AvroSerializer(ctx.confluent, SerdeType.VALUE, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
    })
    const theirs = await theirSer.serialize('ticks', value)
    expect(theirs.toString('hex')).toBe(bytes.toString('hex'))
    const theirDe = new AvroDeserializer(ctx.confluent, SerdeType.VALUE, {})
    // avsc unions come back unwrapped from both sides.
    expect(await theirDe.deserialize('ticks', bytes)).toEqual(value)
    expect(await avroDeserializer(ctx.ours).deserialize('ticks', theirs)).toEqual(value)
  })

  it('reads what Confluent writes under another subject, keyed by record name', async () => {
    const theirSer = new AvroSerializer(ctx.confluent, SerdeType.KEY, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
    })
    await avroSerializer(ctx.ours, { schema: '"string"', isKey: true }).serialize('ticks', 'k')
    const key = await theirSer.serialize('ticks', 'ACME')
    expect(await avroDeserializer(ctx.ours).deserialize('ticks', key)).toBe('ACME')
  })

  it('logical types and longs: the same bytes as Confluent writes for the underlying values', async () => {
    const schema = TRADE_SCHEMA
    const at = new Date('2024-05-06T07:08:09.123Z')
    const ours = {
      at,
      at_us: at,
      day: new Date('2024-05-06T00:00:00Z'),
      amount: '-1.28',
      price: '-0.0001',
      id: '123e4567-e89b-12d3-a456-426614174000',
      qty: -(2 ** 53 - 1),
    }
    // -128 cents: two bytes ff80, as Python's fastavro writes it.
    const underlying = {
      at: at.getTime(),
      at_us: at.getTime() * 1000,
      day: 19849,
      amount: Buffer.from('ff80', 'hex'),
      price: Buffer.from('ffffffffffffffff', 'hex'),
      id: ours.id,
      qty: ours.qty,
    }
    const mine = (await avroSerializer(ctx.ours, { schema }).serialize('trades', ours))!
    const theirSer = new AvroSerializer(ctx.confluent, SerdeType.VALUE, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
    })
    const theirs = await theirSer.serialize('trades', { ...underlying, qty: 1 })
    const mineQty1 = (await avroSerializer(ctx.ours, { schema }).serialize('trades', { ...ours, qty: 1 }))!
    // avsc alone cannot write -(2^53 - 1) (it stops at ±(2^53 - 2) and flips signs below -2^52): compare at 1.
    expect(theirs.toString('hex')).toBe(mineQty1.toString('hex'))
    expect(await new AvroDeserializer(ctx.confluent, SerdeType.VALUE, {}).deserialize('trades', mineQty1)).toEqual({
      ...underlying,
      qty: 1,
    })
    expect(await avroDeserializer(ctx.ours).deserialize('trades', theirs)).toEqual({ ...ours, qty: 1 })
    expect(await avroDeserializer(ctx.ours).deserialize('trades', mine)).toEqual(ours)
    expect(await avroDeserializer(ctx.ours, { int64: 'bigint' }).deserialize('trades', mine)).toMatchObject({
      qty: -(2n ** 53n - 1n),
    })
  })

  it('writes the same bytes as @kafkajs/confluent-schema-registry, and each reads the other', async () => {
    const kafkajs = new SchemaRegistry({ host: ctx.server.url })
    const { id } = await kafkajs.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(tick) },
      { subject: 'kticks-value' },
    )
    const theirs = await kafkajs.encode(id, value)
    const mine = (await avroSerializer(ctx.ours, { schema: tick, autoRegister: false }).serialize('kticks', value))!
    expect(mine.toString('hex')).toBe(theirs.toString('hex'))
    expect(await kafkajs.decode(mine)).toEqual(value)
    expect(await avroDeserializer(ctx.ours).deserialize('kticks', theirs)).toEqual(value)
  })
})

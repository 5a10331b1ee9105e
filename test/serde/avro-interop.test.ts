/**
 * Byte compatibility of our Avro serde with @confluentinc/schemaregistry and
 * @kafkajs/confluent-schema-registry, all talking to our real registry.
 */
import { AvroDeserializer, AvroSerializer, SerdeType } from '@confluentinc/schemaregistry'
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { describe, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../../src/serde/avro.js'
import { serverAndClients } from './fixtures.js'

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
  const ctx = serverAndClients()

  it('writes the same bytes as Confluent, and each reads the other', async () => {
    const bytes = (await avroSerializer(ctx.ours, { schema: tick }).serialize('ticks', value))!
    const theirSer = new AvroSerializer(ctx.confluent, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false })
    const theirs = await theirSer.serialize('ticks', value)
    expect(theirs.toString('hex')).toBe(bytes.toString('hex'))
    const theirDe = new AvroDeserializer(ctx.confluent, SerdeType.VALUE, {})
    // avsc unions come back unwrapped from both sides.
    expect(await theirDe.deserialize('ticks', bytes)).toEqual(value)
    expect(await avroDeserializer(ctx.ours).deserialize('ticks', theirs)).toEqual(value)
  })

  it('reads what Confluent writes under another subject, keyed by record name', async () => {
    const theirSer = new AvroSerializer(ctx.confluent, SerdeType.KEY, { useLatestVersion: true, autoRegisterSchemas: false })
    await avroSerializer(ctx.ours, { schema: '"string"', isKey: true }).serialize('ticks', 'k')
    const key = await theirSer.serialize('ticks', 'ACME')
    expect(await avroDeserializer(ctx.ours).deserialize('ticks', key)).toBe('ACME')
  })

  it('writes the same bytes as @kafkajs/confluent-schema-registry, and each reads the other', async () => {
    const kafkajs = new SchemaRegistry({ host: ctx.server.url })
    const { id } = await kafkajs.register({ type: SchemaType.AVRO, schema: JSON.stringify(tick) }, { subject: 'kticks-value' })
    const theirs = await kafkajs.encode(id, value)
    const mine = (await avroSerializer(ctx.ours, { schema: tick, autoRegister: false }).serialize('kticks', value))!
    expect(mine.toString('hex')).toBe(theirs.toString('hex'))
    expect(await kafkajs.decode(mine)).toEqual(value)
    expect(await avroDeserializer(ctx.ours).deserialize('kticks', theirs)).toEqual(value)
  })
})

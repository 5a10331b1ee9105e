/**
 * Byte compatibility of our Protobuf and JSON Schema serde with @confluentinc/schemaregistry,
 * both talking to our real registry. Confluent's Protobuf serde works on protobuf-es
 * descriptors, built here from the registry's `format=serialized` answer.
 */
import { create, createFileRegistry, createMutableRegistry, fromBinary, type DescMessage } from '@bufbuild/protobuf'
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt'
import {
  JsonDeserializer, JsonSerializer, ProtobufDeserializer, ProtobufSerializer, SerdeType,
} from '@confluentinc/schemaregistry'
import { describe, expect, it } from 'vitest'
import { jsonDeserializer, jsonSerializer } from '../../src/serde/json.js'
import { protobufDeserializer, protobufSerializer } from '../../src/serde/protobuf.js'
import { ORDERS_PROTO, serverAndClients } from './fixtures.js'


const PRODUCT = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Product',
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
  required: ['id'],
}

describe('Protobuf and JSON bytes against the Confluent client', () => {
  const ctx = serverAndClients()

  /** protobuf-es descriptors of a registered schema, from the registry's serialized form. */
  async function descriptors(id: number): Promise<{ message(name: string): DescMessage; registry: ReturnType<typeof createMutableRegistry> }> {
    const res = await fetch(`${ctx.server.url}/schemas/ids/${id}?format=serialized`)
    const { schema } = (await res.json()) as { schema: string }
    const files = createFileRegistry(fromBinary(FileDescriptorProtoSchema, Buffer.from(schema, 'base64')), () => undefined)
    return { message: (name) => files.getMessage(name)!, registry: createMutableRegistry(files) }
  }

  const cases = [
    { type: 'acme.Todo', value: { id: 7, content: 'buy milk' }, indexes: '00' },
    { type: 'acme.Order', value: { id: 9, lines: [{ sku: 'a-1', qty: 2 }] }, indexes: '0202' },
    { type: 'acme.Order.Line', value: { sku: 'b-2', qty: 3 }, indexes: '040200' },
  ]

  it.each(cases)('Protobuf $type: same bytes as Confluent ($indexes), each reads the other', async ({ type, value, indexes }) => {
    const topic = `orders-${type}`
    const mine = (await protobufSerializer(ctx.ours, { schema: ORDERS_PROTO, messageType: type }).serialize(topic, value))!
    expect(mine.subarray(5, 5 + indexes.length / 2).toString('hex')).toBe(indexes)
    const desc = await descriptors(mine.readInt32BE(1))
    const theirSer = new ProtobufSerializer(ctx.confluent, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false, registry: desc.registry })
    const theirs = await theirSer.serialize(topic, create(desc.message(type), value as never))
    expect(theirs.toString('hex')).toBe(mine.toString('hex'))

    const fromMine = await new ProtobufDeserializer(ctx.confluent, SerdeType.VALUE, {}).deserialize(topic, mine)
    expect(fromMine).toMatchObject({ $typeName: type, ...value })
    expect(await protobufDeserializer(ctx.ours, { toObject: {} }).deserialize(topic, theirs)).toEqual(value)
  })

  it('JSON: same bytes as Confluent, each reads the other', async () => {
    const value = { id: 'p-1', name: 'Kettle', tags: ['kitchen', 'ünïcode'] }
    const mine = (await jsonSerializer(ctx.ours, { schema: PRODUCT }).serialize('products', value))!
    const theirSer = new JsonSerializer(ctx.confluent, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false, validate: true })
    const theirs = await theirSer.serialize('products', value)
    expect(theirs.toString('hex')).toBe(mine.toString('hex'))
    expect(await new JsonDeserializer(ctx.confluent, SerdeType.VALUE, { validate: true }).deserialize('products', mine)).toEqual(value)
    expect(await jsonDeserializer(ctx.ours, { validate: true }).deserialize('products', theirs)).toEqual(value)
  })
})

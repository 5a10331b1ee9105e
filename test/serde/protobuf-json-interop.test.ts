/**
 * Byte compatibility of our Protobuf and JSON Schema serde with @confluentinc/schemaregistry,
 * both talking to our real registry. Confluent's Protobuf serde works on protobuf-es
 * descriptors, built here from the registry's `format=serialized` answer.
 */
import { create, createFileRegistry, createMutableRegistry, fromBinary, type DescMessage } from '@bufbuild/protobuf'
import {
  file_google_protobuf_duration,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
  FileDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt'
import {
  JsonDeserializer,
  JsonSerializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  SerdeType,
} from '@confluentinc/schemaregistry'
import { describe, expect, it } from 'vitest'
import { jsonDeserializer, jsonSerializer } from '../../src/serde/json.js'
import { protobufDeserializer, protobufSerializer } from '../../src/serde/protobuf.js'
import { ORDERS_PROTO, serverAndClients, WK_EVENT_PROTO } from './fixtures.js'

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
  async function descriptors(
    id: number,
  ): Promise<{ message(name: string): DescMessage; registry: ReturnType<typeof createMutableRegistry> }> {
    const res = await fetch(`${ctx.server.url}/schemas/ids/${id}?format=serialized`)
    const { schema } = (await res.json()) as { schema: string }
    const wkt = [
      file_google_protobuf_timestamp,
      file_google_protobuf_duration,
      file_google_protobuf_wrappers,
      file_google_protobuf_struct,
    ]
    const files = createFileRegistry(fromBinary(FileDescriptorProtoSchema, Buffer.from(schema, 'base64')), (name) =>
      wkt.find((f) => f.name === name.replace(/\.proto$/, '')),
    )
    return { message: (name) => files.getMessage(name)!, registry: createMutableRegistry(files) }
  }

  const cases = [
    { type: 'acme.Todo', value: { id: 7, content: 'buy milk' }, indexes: '00' },
    { type: 'acme.Order', value: { id: 9, lines: [{ sku: 'a-1', qty: 2 }] }, indexes: '0202' },
    { type: 'acme.Order.Line', value: { sku: 'b-2', qty: 3 }, indexes: '040200' },
  ]

  it.each(cases)(
    'Protobuf $type: same bytes as Confluent ($indexes), each reads the other',
    async ({ type, value, indexes }) => {
      const topic = `orders-${type}`
      const mine = (await protobufSerializer(ctx.ours, { schema: ORDERS_PROTO, messageType: type }).serialize(
        topic,
        value,
      ))!
      expect(mine.subarray(5, 5 + indexes.length / 2).toString('hex')).toBe(indexes)
      const desc = await descriptors(mine.readInt32BE(1))
      const theirSer = new ProtobufSerializer(ctx.confluent, SerdeType.VALUE, {
        useLatestVersion: true,
        autoRegisterSchemas: false,
        registry: desc.registry,
      })
      const theirs = await theirSer.serialize(topic, create(desc.message(type), value as never))
      expect(theirs.toString('hex')).toBe(mine.toString('hex'))

      const fromMine = await new ProtobufDeserializer(ctx.confluent, SerdeType.VALUE, {}).deserialize(topic, mine)
      expect(fromMine).toMatchObject({ $typeName: type, ...value })
      expect(await protobufDeserializer(ctx.ours, { toObject: {} }).deserialize(topic, theirs)).toEqual(value)
    },
  )

  it('Protobuf well-known types and int64: same bytes as Confluent, each reads the other', async () => {
    const schema = WK_EVENT_PROTO
    const at = new Date('2024-01-02T03:04:05.678Z')
    const value = {
      createdAt: at,
      big: 7n,
      name: 'x',
      doc: { a: [1, 'two', null, { b: true }] },
      n: -(2n ** 63n),
      u: 2n ** 64n - 1n,
    }
    const mine = (await protobufSerializer(ctx.ours, { schema, int64: 'bigint' }).serialize('events', value))!
    const desc = await descriptors(mine.readInt32BE(1))
    const theirSer = new ProtobufSerializer(ctx.confluent, SerdeType.VALUE, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
      registry: desc.registry,
    })
    const init = { ...value, createdAt: { seconds: BigInt(Math.floor(at.getTime() / 1000)), nanos: 678_000_000 } }
    const theirs = await theirSer.serialize('events', create(desc.message('wk.Event'), init as never))
    expect(theirs.toString('hex')).toBe(mine.toString('hex'))
    expect(
      await new ProtobufDeserializer(ctx.confluent, SerdeType.VALUE, {}).deserialize('events', mine),
    ).toMatchObject({ big: 7n, name: 'x', n: value.n, u: value.u, doc: value.doc })
    expect(
      await protobufDeserializer(ctx.ours, { int64: 'bigint', fieldNames: 'json' }).deserialize('events', theirs),
    ).toEqual(value)
  })

  it('JSON: same bytes as Confluent, each reads the other', async () => {
    const value = { id: 'p-1', name: 'Kettle', tags: ['kitchen', 'ünïcode'] }
    const mine = (await jsonSerializer(ctx.ours, { schema: PRODUCT }).serialize('products', value))!
    const theirSer = new JsonSerializer(ctx.confluent, SerdeType.VALUE, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
      validate: true,
    })
    const theirs = await theirSer.serialize('products', value)
    expect(theirs.toString('hex')).toBe(mine.toString('hex'))
    expect(
      await new JsonDeserializer(ctx.confluent, SerdeType.VALUE, { validate: true }).deserialize('products', mine),
    ).toEqual(value)
    expect(await jsonDeserializer(ctx.ours, { validate: true }).deserialize('products', theirs)).toEqual(value)
  })
})

/**
 * A Protobuf schema with imported files, auto-registered by our serializer on the real registry
 * the way Confluent's serializers do it: the imports under subjects named after their paths,
 * the schema with references to them. Our deserializer and @confluentinc/schemaregistry's both
 * read the message.
 */
import { ProtobufDeserializer, SerdeType } from '@confluentinc/schemaregistry'
import { describe, expect, it } from 'vitest'
import { protobufDeserializer, protobufSerializer } from '../../src/serde/protobuf.js'
import { serverAndClients } from './fixtures.js'

const money = 'syntax = "proto3";\npackage shop;\nmessage Money { string currency = 1; int32 cents = 2; }\n'
const common =
  'syntax = "proto3";\npackage shop;\nimport "shop/money.proto";\nmessage Price { Money amount = 1; string note = 2; }\n'
const main = `syntax = "proto3";
package shop;
import "shop/common.proto";
import "google/protobuf/timestamp.proto";
message Quote { string sku = 1; Price price = 2; google.protobuf.Timestamp at = 3; }
`

describe('Protobuf imports registered as references', () => {
  const ctx = serverAndClients()
  const get = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${ctx.server.url}${path}`)
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
  }

  it('registers each import under its path, transitively, then the schema with references', async () => {
    const ser = protobufSerializer(ctx.ours, {
      schema: main,
      dependencies: { 'shop/common.proto': common, 'shop/money.proto': money },
    })
    const value = { sku: 'kettle', price: { amount: { currency: 'EUR', cents: 1999 }, note: 'sale' } }
    const bytes = (await ser.serialize('quotes', value))!

    const subjects = (await (await fetch(`${ctx.server.url}/subjects`)).json()) as string[]
    expect(subjects).toEqual(expect.arrayContaining(['shop/common.proto', 'shop/money.proto', 'quotes-value']))
    expect(subjects.some((s) => s.startsWith('google/'))).toBe(false)
    expect((await get(`/subjects/${encodeURIComponent('shop/common.proto')}/versions/1`)).body.references).toEqual([
      { name: 'shop/money.proto', subject: 'shop/money.proto', version: 1 },
    ])
    expect((await get('/subjects/quotes-value/versions/1')).body.references).toEqual([
      { name: 'shop/common.proto', subject: 'shop/common.proto', version: 1 },
    ])

    expect(await protobufDeserializer(ctx.ours, { toObject: {} }).deserialize('quotes', bytes)).toEqual(value)
  })

  // Confluent's deserializer asks for the descriptor form only of direct references
  // (Serde.resolveReferences recurses without `format`), so it is given a one-level import here.
  it('writes what the Confluent ProtobufDeserializer reads', async () => {
    const order =
      'syntax = "proto3";\npackage shop;\nimport "shop/money.proto";\nimport "google/protobuf/timestamp.proto";\n' +
      'message Order { string id = 1; Money total = 2; google.protobuf.Timestamp at = 3; }\n'
    const ser = protobufSerializer(ctx.ours, { schema: order, dependencies: { 'shop/money.proto': money } })
    const value = { id: 'o-1', total: { currency: 'EUR', cents: 250 }, at: { seconds: 1_700_000_000, nanos: 0 } }
    const bytes = (await ser.serialize('orders', value))!
    expect((await get('/subjects/orders-value/versions/1')).body.references).toEqual([
      { name: 'shop/money.proto', subject: 'shop/money.proto', version: 1 },
    ])
    const theirs = await new ProtobufDeserializer(ctx.confluent, SerdeType.VALUE, {}).deserialize('orders', bytes)
    expect(theirs).toMatchObject({
      $typeName: 'shop.Order',
      id: 'o-1',
      total: { currency: 'EUR', cents: 250 },
      at: { seconds: 1_700_000_000n },
    })
    expect(await protobufDeserializer(ctx.ours, { toObject: { longs: Number } }).deserialize('orders', bytes)).toEqual(
      value,
    )
  })

  it('registers nothing new the second time', async () => {
    const ser = protobufSerializer(ctx.ours, {
      schema: main,
      dependencies: { 'shop/common.proto': common, 'shop/money.proto': money },
    })
    await ser.serialize('quotes2', { sku: 'x' })
    expect((await get(`/subjects/${encodeURIComponent('shop/money.proto')}/versions`)).body).toEqual([1])
    expect((await get('/subjects/quotes2-value/versions/1')).body.references).toEqual([
      { name: 'shop/common.proto', subject: 'shop/common.proto', version: 1 },
    ])
  })
})

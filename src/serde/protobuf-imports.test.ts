import { describe, expect, it } from 'vitest'
import { InMemorySchemaRegistryClient } from './memory-client.js'
import { protobufDeserializer, protobufSerializer } from './protobuf.js'

const money = 'syntax = "proto3";\npackage acme;\nmessage Money { string currency = 1; int64 units = 2; }\n'
const common = 'syntax = "proto3";\npackage acme;\nimport "acme/money.proto";\nmessage Price { Money amount = 1; }\n'
const main = `syntax = "proto3";
package acme;
import "acme/common.proto";
import "google/protobuf/timestamp.proto";
message Quote { string sku = 1; Price price = 2; google.protobuf.Timestamp at = 3; }
`

describe('protobuf serializer with imported files', () => {
  it('registers each import under its path first, depth first, and the schema with references', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = protobufSerializer(client, {
      schema: main,
      dependencies: { 'acme/common.proto': common, 'acme/money.proto': money },
    })
    const value = { sku: 'k', price: { amount: { currency: 'EUR', units: 3 } } }
    const bytes = (await ser.serialize('quotes', value))!
    expect((await client.getVersion('acme/money.proto', 1)).references).toEqual([])
    expect((await client.getVersion('acme/common.proto', 1)).references).toEqual([
      { name: 'acme/money.proto', subject: 'acme/money.proto', version: 1 },
    ])
    const registered = await client.getLatest('quotes-value')
    expect(registered.references).toEqual([{ name: 'acme/common.proto', subject: 'acme/common.proto', version: 1 }])
    await expect(client.getLatest('google/protobuf/timestamp.proto')).rejects.toMatchObject({ errorCode: 40401 })
    const de = protobufDeserializer(client, { toObject: { longs: Number } })
    expect(await de.deserialize('quotes', bytes)).toEqual(value)
  })

  it('looks the imports up instead with autoRegister: false, and names an import nobody gave', async () => {
    const client = new InMemorySchemaRegistryClient()
    const deps = { 'acme/common.proto': common, 'acme/money.proto': money }
    await expect(
      protobufSerializer(client, { schema: main, dependencies: deps, autoRegister: false }).serialize('quotes', {}),
    ).rejects.toMatchObject({ errorCode: 40401 })
    await expect(
      protobufSerializer(client, { schema: main, dependencies: { 'acme/common.proto': common } }).serialize(
        'quotes',
        {},
      ),
    ).rejects.toMatchObject({ code: 'INVALID_SCHEMA', message: expect.stringContaining('"acme/money.proto"') })
  })

  it('keeps an explicit reference for an import and registers only the rest', async () => {
    const client = new InMemorySchemaRegistryClient()
    await client.register('shared-money', { schema: money, schemaType: 'PROTOBUF' })
    const references = [{ name: 'acme/money.proto', subject: 'shared-money', version: 1 }]
    await protobufSerializer(client, {
      schema: main,
      references,
      dependencies: { 'acme/common.proto': common },
    }).serialize('quotes', { sku: 'a' })
    expect((await client.getVersion('acme/common.proto', 1)).references).toEqual(references)
    await expect(client.getLatest('acme/money.proto')).rejects.toMatchObject({ errorCode: 40401 })
  })
})

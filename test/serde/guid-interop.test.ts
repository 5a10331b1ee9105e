/**
 * GUID framing (Confluent 8) against @confluentinc/schemaregistry through our real registry:
 * its HeaderSchemaIdSerializer and our `schemaIdFraming: 'header'` write the same header and
 * payload bytes, and each side's default deserializer reads the other's records, with the GUID
 * in the record header or in the payload prefix.
 */
import { create, createFileRegistry, createMutableRegistry, fromBinary } from '@bufbuild/protobuf'
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt'
import {
  AvroDeserializer,
  AvroSerializer,
  HeaderSchemaIdSerializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  SerdeType,
} from '@confluentinc/schemaregistry'
import { describe, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../../src/serde/avro.js'
import { protobufDeserializer, protobufSerializer } from '../../src/serde/protobuf.js'
import type { WritableHeaders } from '../../src/serde/wire.js'
import { ORDERS_PROTO, serverAndClients } from './fixtures.js'

const tick = {
  type: 'record',
  name: 'GuidTick',
  namespace: 'markets',
  fields: [
    { name: 'ticker', type: 'string' },
    { name: 'price', type: 'double' },
  ],
}

describe('GUID framing against the Confluent client', () => {
  const ctx = serverAndClients()

  it('Avro: same header and payload as HeaderSchemaIdSerializer; each reads the other, header or prefix', async () => {
    const value = { ticker: 'ACME', price: 12.5 }
    const mineHeaders: WritableHeaders = {}
    const mine = (await avroSerializer(ctx.ours, { schema: tick, schemaIdFraming: 'header' }).serialize(
      'gticks',
      value,
      mineHeaders,
    ))!
    const res = await fetch(`${ctx.server.url}/subjects/gticks-value/versions/1`)
    const { guid } = (await res.json()) as { guid: string }
    expect((mineHeaders.__value_schema_id as Buffer).toString('hex')).toBe(`01${guid.replaceAll('-', '')}`)

    const theirHeaders: WritableHeaders = {}
    const theirSer = new AvroSerializer(ctx.confluent, SerdeType.VALUE, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
      schemaIdSerializer: HeaderSchemaIdSerializer,
    })
    const theirs = await theirSer.serialize('gticks', value, theirHeaders)
    expect(theirs.toString('hex')).toBe(mine.toString('hex'))
    expect((theirHeaders.__value_schema_id as Buffer).toString('hex')).toBe(
      (mineHeaders.__value_schema_id as Buffer).toString('hex'),
    )

    const fresh = avroDeserializer(ctx.ours)
    expect(await fresh.deserialize('gticks', theirs, theirHeaders)).toEqual(value)
    const prefixed = Buffer.concat([theirHeaders.__value_schema_id as Buffer, theirs])
    expect(await fresh.deserialize('gticks', prefixed)).toEqual(value)
    const theirDe = new AvroDeserializer(ctx.confluent, SerdeType.VALUE, {})
    expect(await theirDe.deserialize('gticks', mine, mineHeaders)).toEqual(value)
    expect(await theirDe.deserialize('gticks', Buffer.concat([mineHeaders.__value_schema_id as Buffer, mine]))).toEqual(
      value,
    )
  })

  it('Protobuf: the message indexes ride in the header after the GUID, as Confluent writes them', async () => {
    const value = { id: 9, lines: [{ sku: 'a-1', qty: 2 }] }
    const mineHeaders: WritableHeaders = {}
    const ser = protobufSerializer(ctx.ours, {
      schema: ORDERS_PROTO,
      messageType: 'acme.Order',
      schemaIdFraming: 'header',
    })
    const mine = (await ser.serialize('gorders', value, mineHeaders))!
    const header = mineHeaders.__value_schema_id as Buffer
    expect(header.length).toBe(19)
    expect(header.subarray(17).toString('hex')).toBe('0202')

    const latest = (await (
      await fetch(`${ctx.server.url}/subjects/gorders-value/versions/latest?format=serialized`)
    ).json()) as { schema: string }
    const files = createFileRegistry(
      fromBinary(FileDescriptorProtoSchema, Buffer.from(latest.schema, 'base64')),
      () => undefined,
    )
    const theirHeaders: WritableHeaders = {}
    const theirSer = new ProtobufSerializer(ctx.confluent, SerdeType.VALUE, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
      registry: createMutableRegistry(files),
      schemaIdSerializer: HeaderSchemaIdSerializer,
    })
    const theirs = await theirSer.serialize(
      'gorders',
      create(files.getMessage('acme.Order')!, value as never),
      theirHeaders,
    )
    expect(theirs.toString('hex')).toBe(mine.toString('hex'))
    expect((theirHeaders.__value_schema_id as Buffer).toString('hex')).toBe(header.toString('hex'))

    expect(await protobufDeserializer(ctx.ours, { toObject: {} }).deserialize('gorders', theirs, theirHeaders)).toEqual(
      value,
    )
    expect(
      await protobufDeserializer(ctx.ours, { toObject: {} }).deserialize('gorders', Buffer.concat([header, theirs])),
    ).toEqual(value)
    const theirDe = new ProtobufDeserializer(ctx.confluent, SerdeType.VALUE, {})
    expect(await theirDe.deserialize('gorders', mine, mineHeaders)).toMatchObject({ $typeName: 'acme.Order', ...value })
  })

  it('answers an unknown GUID with UNKNOWN_GUID from GET /schemas/guids/{guid}', async () => {
    const bytes = Buffer.concat([Buffer.from('01', 'hex'), Buffer.alloc(16, 0xab), Buffer.from('00', 'hex')])
    await expect(avroDeserializer(ctx.ours).deserialize('gticks', bytes)).rejects.toMatchObject({
      code: 'UNKNOWN_GUID',
    })
  })
})

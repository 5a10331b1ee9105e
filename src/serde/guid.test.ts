import { describe, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from './avro.js'
import { jsonDeserializer } from './json.js'
import { deserializeBatch, deserializeMessage, serializeMessages } from './kafkajs.js'
import { InMemorySchemaRegistryClient } from './memory-client.js'
import { protobufDeserializer, protobufSerializer } from './protobuf.js'
import { guidHeader, readFraming, readSchemaRef, type WritableHeaders } from './wire.js'

const GUID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'
const GUID_HEX = '0f1e2d3c4b5a69788796a5b4c3d2e1f0'
const proto =
  'syntax = "proto3";\npackage acme;\nmessage Todo { int32 id = 1; string content = 2; }\nmessage Order { int32 id = 1; }\n'

describe('GUID framing', () => {
  it('reads magic 0x01 and the 16 GUID bytes, big-endian, as a lowercase UUID', () => {
    expect(readSchemaRef(Buffer.from(`01${GUID_HEX}aa`, 'hex'))).toEqual({ ref: GUID, end: 17 })
    expect(readSchemaRef(Buffer.from('000000002a', 'hex'))).toEqual({ ref: 42, end: 5 })
    expect(guidHeader(GUID, Buffer.from([2, 2])).toString('hex')).toBe(`01${GUID_HEX}0202`)
  })

  it('rejects a GUID cut short and a malformed GUID string as INVALID_GUID', () => {
    expect(() => readSchemaRef(Buffer.from('010203', 'hex'))).toThrowError(
      expect.objectContaining({ code: 'INVALID_GUID' }),
    )
    expect(() => guidHeader('not-a-guid')).toThrowError(expect.objectContaining({ code: 'INVALID_GUID' }))
    expect(() => readFraming(Buffer.from('x'), { __value_schema_id: Buffer.from('01ff', 'hex') }, false)).toThrowError(
      expect.objectContaining({ code: 'INVALID_GUID', message: expect.stringContaining('__value_schema_id header') }),
    )
  })

  it('prefers the record header (its last value) over the payload, and picks the key header for keys', () => {
    const header = Buffer.from(`01${GUID_HEX}`, 'hex')
    expect(readFraming(Buffer.from('7b7d', 'hex'), { __value_schema_id: [Buffer.from('00'), header] }, false)).toEqual({
      ref: GUID,
      start: 0,
      header,
    })
    expect(readFraming(Buffer.from('0000000007', 'hex'), { __value_schema_id: header }, true)).toEqual({
      ref: 7,
      start: 5,
    })
  })

  it('decodes Avro framed by GUID in the payload and in the header', async () => {
    const client = new InMemorySchemaRegistryClient()
    const bytes = (await avroSerializer<string>(client, { schema: '"string"' }).serialize('t', 'hi'))!
    const { guid } = await client.getSchemaById(1)
    const body = bytes.subarray(5)
    const de = avroDeserializer<string>(new InMemorySchemaRegistryClient())
    const fresh = new InMemorySchemaRegistryClient()
    await fresh.register('t-value', { schema: '"string"' })
    const reader = avroDeserializer<string>(fresh)
    expect(await reader.deserialize('t', Buffer.concat([guidHeader(guid!), body]))).toBe('hi')
    expect(await reader.deserialize('t', body, { __value_schema_id: guidHeader(guid!) })).toBe('hi')
    expect(fresh.calls.getSchemaByGuid).toBe(1)
    await expect(de.deserialize('t', Buffer.concat([guidHeader(guid!), body]))).rejects.toMatchObject({
      code: 'UNKNOWN_GUID',
      message: expect.stringContaining(guid!),
    })
  })

  it('writes header framing: [01][GUID][indexes] in __value_schema_id, the bare message as the value', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = protobufSerializer(client, { schema: proto, messageType: 'acme.Order', schemaIdFraming: 'header' })
    const headers: WritableHeaders = {}
    const value = (await ser.serialize('orders', { id: 5 }, headers))!
    const { guid } = await client.getSchemaById(1)
    expect(value.toString('hex')).toBe('0805')
    expect((headers.__value_schema_id as Buffer).toString('hex')).toBe(`01${guid!.replaceAll('-', '')}0202`)
    const de = protobufDeserializer(client, { toObject: {} })
    expect(await de.deserialize('orders', value, headers)).toEqual({ id: 5 })
    await de.load(value, headers)
    expect(de.deserializeSync('orders', value, headers)).toEqual({ id: 5 })
    // The same GUID with the indexes in the payload prefix.
    expect(await de.deserialize('orders', Buffer.concat([guidHeader(guid!), Buffer.from('02020805', 'hex')]))).toEqual({
      id: 5,
    })
    await expect(ser.serialize('orders', { id: 5 })).rejects.toThrow(/headers object/)
  })

  it('writes keys into __key_schema_id and reads them back with isKey', async () => {
    const client = new InMemorySchemaRegistryClient()
    const headers: WritableHeaders = {}
    const key = (await avroSerializer<string>(client, {
      schema: '"string"',
      isKey: true,
      schemaIdFraming: 'header',
    }).serialize('t', 'k', headers))!
    expect(Object.keys(headers)).toEqual(['__key_schema_id'])
    expect(await avroDeserializer(client, { isKey: true }).deserialize('t', key, headers)).toBe('k')
    await expect(jsonDeserializer(client).deserialize('t', key, headers)).rejects.toMatchObject({
      code: 'UNKNOWN_MAGIC_BYTE',
    })
  })

  it('kafkajs helpers write headers per message and decode header-framed batches', async () => {
    const client = new InMemorySchemaRegistryClient()
    const value = avroSerializer<string>(client, { schema: '"string"', schemaIdFraming: 'header' })
    const key = avroSerializer<number>(client, { schema: '"int"', isKey: true })
    const out = await serializeMessages(
      't',
      [
        { key: 1, value: 'a', headers: { trace: 'x' } },
        { key: 2, value: 'b' },
      ],
      { key, value },
    )
    expect(out[0]!.headers).toMatchObject({ trace: 'x', __value_schema_id: expect.any(Buffer) })
    expect(out[1]!.headers).not.toHaveProperty('trace')
    const messages = out.map((m, i) => ({
      key: m.key as Buffer,
      value: m.value as Buffer,
      headers: m.headers ?? {},
      offset: String(i),
      timestamp: '0',
      attributes: 0,
    }))
    const deserializers = {
      key: avroDeserializer<number>(client, { isKey: true }),
      value: avroDeserializer<string>(client),
    }
    const batch = { topic: 't', partition: 0, messages } as unknown as Parameters<typeof deserializeBatch>[0]
    expect((await deserializeBatch(batch, deserializers)).map((m) => [m.key, m.value])).toEqual([
      [1, 'a'],
      [2, 'b'],
    ])
    expect((await deserializeMessage('t', messages[1]!, deserializers)).value).toBe('b')
  })
})

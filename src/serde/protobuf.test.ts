import { describe, expect, it } from 'vitest'
import { InMemorySchemaRegistryClient } from './memory-client.js'
import { protobufDeserializer, protobufSerializer } from './protobuf.js'

const proto = `syntax = "proto3";
package acme;

enum Color { RED = 0; BLUE = 1; }

message Todo {
  int32 id = 1;
  string content = 2;
}

message Order {
  message Line {
    string sku = 1;
    int32 qty = 2;
  }
  int32 id = 1;
  repeated Line lines = 2;
  map<string, string> tags = 3;
}
`

describe('protobuf serde', () => {
  it('writes the single-byte index 00 for the first message', async () => {
    const client = new InMemorySchemaRegistryClient()
    const bytes = await protobufSerializer(client, { schema: proto }).serialize('todos2', { id: 1, content: 'milk' })
    expect(bytes!.toString('hex')).toBe('0000000001' + '00' + '0801' + '12046d696c6b')
  })

  it('writes [1] as 02 02 and [1, 0] as 04 02 00 for later and nested messages', async () => {
    const client = new InMemorySchemaRegistryClient()
    const order = await protobufSerializer(client, { schema: proto, messageType: 'acme.Order' }).serialize('orders', { id: 5 })
    expect(order!.toString('hex')).toBe('0000000001' + '0202' + '0805')
    const line = await protobufSerializer(client, { schema: proto, messageType: 'acme.Order.Line' }).serialize('lines', { qty: 2 })
    expect(line!.toString('hex')).toBe('0000000001' + '040200' + '1002')
  })

  it('decodes the message the indexes name', async () => {
    const client = new InMemorySchemaRegistryClient()
    const de = protobufDeserializer(client, { toObject: { defaults: true } })
    const todo = await protobufSerializer(client, { schema: proto }).serialize('t', { id: 1, content: 'milk' })
    const line = await protobufSerializer(client, { schema: proto, messageType: 'acme.Order.Line' }).serialize('t', { sku: 'x', qty: 2 })
    const order = await protobufSerializer(client, { schema: proto, messageType: 'acme.Order' })
      .serialize('t', { id: 9, lines: [{ sku: 'a', qty: 1 }], tags: { k: 'v' } })
    expect(await de.deserialize('t', todo)).toEqual({ id: 1, content: 'milk' })
    expect(await de.deserialize('t', line)).toEqual({ sku: 'x', qty: 2 })
    expect(await de.deserialize('t', order)).toEqual({ id: 9, lines: [{ sku: 'a', qty: 1 }], tags: { k: 'v' } })
  })

  it('decodes as a chosen message type when configured', async () => {
    const client = new InMemorySchemaRegistryClient()
    const todo = await protobufSerializer(client, { schema: proto }).serialize('t', { id: 3, content: 'x' })
    const msg = await protobufDeserializer(client, { messageType: 'acme.Todo' }).deserialize('t', todo) as unknown as { id: number; $type: { fullName: string } }
    expect(msg.id).toBe(3)
    expect(msg.$type.fullName).toBe('.acme.Todo')
  })

  it('registers under the message name with RecordName', async () => {
    const client = new InMemorySchemaRegistryClient()
    await protobufSerializer(client, { schema: proto, messageType: 'acme.Order', subjectNameStrategy: 'TopicRecordName' }).serialize('t', { id: 1 })
    await expect(client.getLatest('t-acme.Order')).resolves.toMatchObject({ schemaType: 'PROTOBUF' })
  })

  it('rejects invalid message indexes, truncated payloads and unknown messages with typed errors', async () => {
    const client = new InMemorySchemaRegistryClient()
    await protobufSerializer(client, { schema: proto }).serialize('t', { id: 1 })
    const de = protobufDeserializer(client)
    await expect(de.deserialize('t', Buffer.from('0000000001' + '0208' + '0801', 'hex')))
      .rejects.toMatchObject({ code: 'INVALID_MESSAGE_INDEXES', message: expect.stringContaining('[4]') })
    await expect(de.deserialize('t', Buffer.from('0000000001' + '0402', 'hex'))).rejects.toMatchObject({ code: 'INVALID_MESSAGE_INDEXES' })
    await expect(de.deserialize('t', Buffer.from('0000000001', 'hex'))).rejects.toMatchObject({ code: 'TRUNCATED' })
    await expect(de.deserialize('t', Buffer.from('0000000001' + '00' + '1204ab', 'hex'))).rejects.toMatchObject({ code: 'TRUNCATED' })
    await expect(protobufSerializer(client, { schema: proto, messageType: 'acme.Nope' }).serialize('t', {}))
      .rejects.toMatchObject({ code: 'INVALID_SCHEMA' })
  })

  it('says what is wrong with a value when verifying', async () => {
    const ser = protobufSerializer(new InMemorySchemaRegistryClient(), { schema: proto, verify: true })
    await expect(ser.serialize('t', { id: 'one' })).rejects.toMatchObject({ code: 'INVALID_VALUE', message: expect.stringContaining('id: integer expected') })
  })

  it('parses imports from references and well-known files', async () => {
    const client = new InMemorySchemaRegistryClient()
    const common = 'syntax = "proto3";\npackage acme.common;\n\nmessage Money {\n  int64 cents = 1;\n}\n'
    await client.register('acme/common.proto', { schema: common, schemaType: 'PROTOBUF' })
    const invoice = [
      'syntax = "proto3";', 'package acme;', 'import "acme/common.proto";', 'import "google/protobuf/timestamp.proto";',
      'message Invoice {', '  acme.common.Money total = 1;', '  google.protobuf.Timestamp at = 2;', '}', '',
    ].join('\n')
    const references = [{ name: 'acme/common.proto', subject: 'acme/common.proto', version: 1 }]
    const bytes = await protobufSerializer(client, { schema: invoice, references }).serialize('invoices', { total: { cents: 250 }, at: { seconds: 5 } })
    expect(bytes!.subarray(5).toString('hex')).toBe('00' + '0a03' + '08fa01' + '1202' + '0805')
    expect(await protobufDeserializer(client, { toObject: { longs: Number } }).deserialize('invoices', bytes))
      .toEqual({ total: { cents: 250 }, at: { seconds: 5 } })
  })

  it('passes null through', async () => {
    const client = new InMemorySchemaRegistryClient()
    expect(await protobufSerializer(client, { schema: proto }).serialize('t', null)).toBeNull()
    expect(await protobufDeserializer(client).deserialize('t', null)).toBeNull()
  })
})

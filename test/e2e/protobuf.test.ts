/**
 * Protobuf through the real server with the real clients: @confluentinc/schemaregistry (which
 * registers base64 descriptors, imports under subjects named after their file, and reads with
 * format=serialized), our own serde, and Python confluent-kafka (test/python/protobuf_registry.py).
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { create, createFileRegistry, createMutableRegistry, fromBinary } from '@bufbuild/protobuf'
import {
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FileDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt'
import { ProtobufDeserializer, ProtobufSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpSchemaRegistryClient } from '../../src/serde/http-client.js'
import { protobufDeserializer, protobufSerializer } from '../../src/serde/protobuf.js'
import { describePython, PYTHON } from '../serde/python.js'
import { startServer, type TestServer } from '../support/server.js'

const { STRING: TYPE_STRING, INT32: TYPE_INT32, MESSAGE: TYPE_MESSAGE } = FieldDescriptorProto_Type
const { OPTIONAL: LABEL_OPTIONAL, REPEATED: LABEL_REPEATED } = FieldDescriptorProto_Label
const f = (name: string, number: number, type: FieldDescriptorProto_Type, extra: Record<string, unknown> = {}) => ({
  name,
  number,
  type,
  label: LABEL_OPTIONAL,
  jsonName: name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()),
  ...extra,
})

/** What protoc-generated code would carry for acme/common.proto and acme/order.proto. */
const commonFile = create(FileDescriptorProtoSchema, {
  name: 'acme/common.proto',
  package: 'acme.common',
  syntax: 'proto3',
  messageType: [
    { name: 'Address', field: [f('city', 1, TYPE_STRING), f('lines', 2, TYPE_STRING, { label: LABEL_REPEATED })] },
  ],
})
const orderFile = create(FileDescriptorProtoSchema, {
  name: 'acme/order.proto',
  package: 'acme',
  syntax: 'proto3',
  dependency: ['acme/common.proto'],
  messageType: [
    {
      name: 'Order',
      field: [
        f('id', 1, TYPE_STRING),
        f('ship_to', 2, TYPE_MESSAGE, { typeName: '.acme.common.Address' }),
        f('lines', 3, TYPE_MESSAGE, { typeName: '.acme.Order.Line', label: LABEL_REPEATED }),
        f('counts', 4, TYPE_MESSAGE, { typeName: '.acme.Order.CountsEntry', label: LABEL_REPEATED }),
      ],
      nestedType: [
        { name: 'Line', field: [f('sku', 1, TYPE_STRING), f('qty', 2, TYPE_INT32)] },
        {
          name: 'CountsEntry',
          field: [f('key', 1, TYPE_STRING), f('value', 2, TYPE_INT32)],
          options: { mapEntry: true },
        },
      ],
    },
    { name: 'Receipt', field: [f('order_id', 1, TYPE_STRING)] },
  ],
})
const files = createFileRegistry(orderFile, (name) => (name === 'acme/common.proto' ? commonFile : undefined))
const OrderDesc = files.getMessage('acme.Order')!
const LineDesc = files.getMessage('acme.Order.Line')!
const ReceiptDesc = files.getMessage('acme.Receipt')!
/** The serializer looks message types up here by `$typeName`. */
const registry = createMutableRegistry(files)

/** The same two files as .proto text, for registering through REST and for our serde. */
const COMMON_PROTO =
  'syntax = "proto3";\npackage acme.common;\n\nmessage Address {\n  string city = 1;\n  repeated string lines = 2;\n}\n'
const ORDER_PROTO = `syntax = "proto3";
package acme;

import "acme/common.proto";

message Order {
  string id = 1;
  acme.common.Address ship_to = 2;
  repeated Line lines = 3;
  map<string, int32> counts = 4;

  message Line {
    string sku = 1;
    int32 qty = 2;
  }
}
message Receipt {
  string order_id = 1;
}
`
/** ORDER_PROTO as printed from a descriptor: protoc writes fully-qualified type names. */
const ORDER_PROTO_FROM_DESCRIPTOR = ORDER_PROTO.replace('acme.common.Address', '.acme.common.Address').replace(
  'repeated Line',
  'repeated .acme.Order.Line',
)
const orderValue = {
  id: 'o-1',
  ship_to: { city: 'Oslo', lines: ['Karl Johans gate 1'] },
  lines: [{ sku: 'A-1', qty: 2 }],
  counts: { a: 1 },
}

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server.close()
})

const client = () => new SchemaRegistryClient({ baseURLs: [server.url], maxRetries: 0 })
const ours = () => new HttpSchemaRegistryClient({ baseUrl: server.url, maxRetries: 0 })

async function rest(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, json: (await res.json()) as Record<string, unknown> }
}

describe('Protobuf end to end with @confluentinc/schemaregistry', () => {
  it('round-trips nested messages and an imported file through ProtobufSerializer and ProtobufDeserializer', async () => {
    const c = client()
    const serializer = new ProtobufSerializer(c, SerdeType.VALUE, { autoRegisterSchemas: true, registry })
    const order = create(OrderDesc, {
      id: 'o-1',
      shipTo: { city: 'Oslo', lines: ['Karl Johans gate 1'] },
      lines: [{ sku: 'A-1', qty: 2 }],
      counts: { a: 1 },
    })
    const bytes = await serializer.serialize('orders', order)
    expect(bytes[0]).toBe(0)
    expect(bytes[5]).toBe(0) // first top-level message: the single-0 shortcut
    const line = await serializer.serialize('orders', create(LineDesc, { sku: 'B-2', qty: 7 }))
    expect([...line.subarray(5, 8)]).toEqual([0x04, 0x00, 0x00]) // [0, 0]
    const receipt = await serializer.serialize('orders', create(ReceiptDesc, { orderId: 'o-1' }))
    expect([...receipt.subarray(5, 7)]).toEqual([0x02, 0x02]) // [1]

    const deserializer = new ProtobufDeserializer(c, SerdeType.VALUE, {})
    const back = (await deserializer.deserialize('orders', bytes)) as Record<string, unknown>
    expect(back).toMatchObject({
      $typeName: 'acme.Order',
      id: 'o-1',
      shipTo: { city: 'Oslo', lines: ['Karl Johans gate 1'] },
      counts: { a: 1 },
    })
    expect(await deserializer.deserialize('orders', line)).toMatchObject({
      $typeName: 'acme.Order.Line',
      sku: 'B-2',
      qty: 7,
    })
    expect(await deserializer.deserialize('orders', receipt)).toMatchObject({
      $typeName: 'acme.Receipt',
      orderId: 'o-1',
    })

    // Our own deserializer reads the same bytes from the same registry.
    expect(await protobufDeserializer(ours(), { toObject: {} }).deserialize('orders', bytes)).toEqual(orderValue)
  })

  it('stores the registered descriptors as canonical .proto text and serves them back serialized', async () => {
    const imported = await rest('GET', `/subjects/${encodeURIComponent('acme/common.proto')}/versions/1`)
    expect(imported.json.schema).toBe(COMMON_PROTO)
    const latest = await rest('GET', '/subjects/orders-value/versions/latest')
    expect(latest.json).toMatchObject({
      schemaType: 'PROTOBUF',
      references: [{ name: 'acme/common.proto', subject: 'acme/common.proto', version: 1 }],
    })
    expect(latest.json.schema).toBe(ORDER_PROTO_FROM_DESCRIPTOR)
    const serialized = await rest('GET', '/subjects/orders-value/versions/latest?format=serialized')
    const fdp = fromBinary(FileDescriptorProtoSchema, Buffer.from(serialized.json.schema as string, 'base64'))
    expect(fdp.messageType.map((m) => m.name)).toEqual(['Order', 'Receipt'])
    expect(fdp.dependency).toEqual(['acme/common.proto'])
  })

  it('lets the JS client read data written with a schema registered as text', async () => {
    expect(
      (
        await rest('POST', `/subjects/${encodeURIComponent('acme/common.proto')}/versions`, {
          schemaType: 'PROTOBUF',
          schema: COMMON_PROTO,
        })
      ).status,
    ).toBe(200)
    const reg = await rest('POST', '/subjects/text-orders-value/versions', {
      schemaType: 'PROTOBUF',
      schema: ORDER_PROTO,
      references: [{ name: 'acme/common.proto', subject: 'acme/common.proto', version: 1 }],
    })
    expect(reg.status).toBe(200)
    const bytes = await protobufSerializer(ours(), {
      useLatestVersion: true,
      messageType: 'acme.Order.Line',
    }).serialize('text-orders', { sku: 'C-3', qty: 4 })
    expect([...bytes!.subarray(5, 8)]).toEqual([0x04, 0x00, 0x00])
    const back = await new ProtobufDeserializer(client(), SerdeType.VALUE, {}).deserialize('text-orders', bytes!)
    expect(back).toMatchObject({ $typeName: 'acme.Order.Line', sku: 'C-3', qty: 4 })
  })

  it('refuses an incompatible change with 409 and accepts a rename (spec §9 item 10)', async () => {
    const first = await rest('POST', '/subjects/ab-value/versions', {
      schemaType: 'PROTOBUF',
      schema: 'syntax="proto3"; message A{string x=1;} message B{int32 y=1;}',
    })
    expect(first.status).toBe(200)
    expect((await rest('GET', '/subjects/ab-value/versions/1')).json.schema).toBe(
      'syntax = "proto3";\n\nmessage A {\n  string x = 1;\n}\nmessage B {\n  int32 y = 1;\n}\n',
    )
    const changed = await rest('POST', '/subjects/ab-value/versions', {
      schemaType: 'PROTOBUF',
      schema: 'syntax="proto3"; message A{int32 x=1;} message B{int32 y=1;}',
    })
    expect(changed).toMatchObject({ status: 409, json: { error_code: 40901 } })
    expect(String(changed.json.message)).toContain('FIELD_SCALAR_KIND_CHANGED')
    const renamed = await rest('POST', '/subjects/ab-value/versions', {
      schemaType: 'PROTOBUF',
      schema: 'syntax="proto3"; message A{string y=1;} message B{int32 y=1;}',
    })
    expect(renamed.status).toBe(200)
  })

  it('answers 42201 for an import that is neither referenced nor built in', async () => {
    const res = await rest('POST', '/subjects/bad-value/versions', {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3"; import "nope.proto"; message A {}',
    })
    expect(res).toMatchObject({ status: 422, json: { error_code: 42201 } })
    expect(String(res.json.message)).toContain('nope.proto')
  })
})

const SCRIPT = fileURLToPath(new URL('../python/protobuf_registry.py', import.meta.url))

/** Runs the Python script once; asynchronously, since the server answers from this process. */
function python(req: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const last = stdout.trim().split('\n').pop() ?? ''
      const out = last ? (JSON.parse(last) as Record<string, unknown>) : {}
      if (typeof out.error === 'string' || code !== 0) reject(new Error(`python: ${String(out.error ?? stderr)}`))
      else resolve(out)
    })
    child.stdin.end(JSON.stringify({ url: server.url, ...req }))
  })
}

describePython('Protobuf with Python confluent-kafka through our registry', () => {
  it('reads what Python auto-registered and serialized, imports included', async () => {
    const { hex } = await python({ op: 'produce', topic: 'py-orders', value: orderValue })
    const bytes = Buffer.from(hex as string, 'hex')
    expect(await protobufDeserializer(ours(), { toObject: {} }).deserialize('py-orders', bytes)).toEqual(orderValue)
    const latest = await rest('GET', '/subjects/py-orders-value/versions/latest')
    expect(latest.json.references).toEqual([{ name: 'acme/common.proto', subject: 'acme/common.proto', version: 1 }])
    expect(latest.json.schema).toBe(
      ORDER_PROTO_FROM_DESCRIPTOR.replace('message Receipt {\n  string order_id = 1;\n}\n', ''),
    )
  })

  it('lets Python read what the JS client wrote, fetching the served descriptors', async () => {
    const bytes = await new ProtobufSerializer(client(), SerdeType.VALUE, {
      autoRegisterSchemas: true,
      registry,
    }).serialize(
      'js-orders',
      create(OrderDesc, { id: 'o-9', shipTo: { city: 'Bergen' }, lines: [{ sku: 'Z', qty: 1 }], counts: { z: 26 } }),
    )
    const { value } = await python({ op: 'consume', topic: 'js-orders', hex: bytes.toString('hex') })
    expect(value).toEqual({ id: 'o-9', ship_to: { city: 'Bergen' }, lines: [{ sku: 'Z', qty: 1 }], counts: { z: 26 } })
  })
})

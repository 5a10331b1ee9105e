import protobuf from 'protobufjs'
import { describe, expect, it } from 'vitest'
import { parseProtobuf } from '../formats/protobuf/parse.js'
import { InMemorySchemaRegistryClient } from './memory-client.js'
import { ProtobufMapping } from './protobuf-mapping.js'
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
    const order = await protobufSerializer(client, { schema: proto, messageType: 'acme.Order' }).serialize('orders', {
      id: 5,
    })
    expect(order!.toString('hex')).toBe('0000000001' + '0202' + '0805')
    const line = await protobufSerializer(client, { schema: proto, messageType: 'acme.Order.Line' }).serialize(
      'lines',
      { qty: 2 },
    )
    expect(line!.toString('hex')).toBe('0000000001' + '040200' + '1002')
  })

  it("writes protobufjs' own bytes after the prefix, for nested, repeated and large messages", async () => {
    const client = new InMemorySchemaRegistryClient()
    const enc = await protobufSerializer(client, { schema: proto, messageType: 'acme.Order' }).encoderFor('orders')
    const type = parseProtobuf(proto, [], 'new').lookupMessage('acme.Order')!
    const values = [
      { id: 1 },
      { id: -1, lines: [{ sku: 'a', qty: 2 }, {}, { sku: 'é'.repeat(40) }], tags: { k: 'v', '': '' } },
      { id: 2 ** 31 - 1, lines: Array.from({ length: 300 }, (_, i) => ({ sku: 's'.repeat(i), qty: i })) },
      { tags: { big: 'x'.repeat(70_000) } },
    ]
    for (const v of values) {
      const bytes = enc(v)
      expect(bytes.subarray(0, 7).toString('hex')).toBe('0000000001' + '0202')
      expect(Buffer.compare(bytes.subarray(7), type.encode(v).finish())).toBe(0)
    }
  })

  it('decodes the message the indexes name', async () => {
    const client = new InMemorySchemaRegistryClient()
    const de = protobufDeserializer(client, { toObject: { defaults: true } })
    const todo = await protobufSerializer(client, { schema: proto }).serialize('t', { id: 1, content: 'milk' })
    const line = await protobufSerializer(client, { schema: proto, messageType: 'acme.Order.Line' }).serialize('t', {
      sku: 'x',
      qty: 2,
    })
    const order = await protobufSerializer(client, { schema: proto, messageType: 'acme.Order' }).serialize('t', {
      id: 9,
      lines: [{ sku: 'a', qty: 1 }],
      tags: { k: 'v' },
    })
    expect(await de.deserialize('t', todo)).toEqual({ id: 1, content: 'milk' })
    expect(await de.deserialize('t', line)).toEqual({ sku: 'x', qty: 2 })
    expect(await de.deserialize('t', order)).toEqual({ id: 9, lines: [{ sku: 'a', qty: 1 }], tags: { k: 'v' } })
  })

  it('decodes as a chosen message type when configured', async () => {
    const client = new InMemorySchemaRegistryClient()
    const todo = await protobufSerializer(client, { schema: proto }).serialize('t', { id: 3, content: 'x' })
    const order = await protobufSerializer(client, { schema: proto, messageType: 'acme.Order' }).serialize('t', {
      id: 4,
    })
    const de = protobufDeserializer(client, { messageType: 'acme.Todo' })
    expect(await de.deserialize('t', todo)).toEqual({ id: 3, content: 'x' })
    expect(await de.deserialize('t', order)).toEqual({ id: 4, content: '' })
  })

  it('registers under the message name with RecordName', async () => {
    const client = new InMemorySchemaRegistryClient()
    await protobufSerializer(client, {
      schema: proto,
      messageType: 'acme.Order',
      subjectNameStrategy: 'TopicRecordName',
    }).serialize('t', { id: 1 })
    await expect(client.getLatest('t-acme.Order')).resolves.toMatchObject({ schemaType: 'PROTOBUF' })
  })

  it('rejects invalid message indexes, truncated payloads and unknown messages with typed errors', async () => {
    const client = new InMemorySchemaRegistryClient()
    await protobufSerializer(client, { schema: proto }).serialize('t', { id: 1 })
    const de = protobufDeserializer(client)
    await expect(de.deserialize('t', Buffer.from('0000000001' + '0208' + '0801', 'hex'))).rejects.toMatchObject({
      code: 'INVALID_MESSAGE_INDEXES',
      message: expect.stringContaining('[4]'),
    })
    await expect(de.deserialize('t', Buffer.from('0000000001' + '0402', 'hex'))).rejects.toMatchObject({
      code: 'INVALID_MESSAGE_INDEXES',
    })
    await expect(de.deserialize('t', Buffer.from('0000000001', 'hex'))).rejects.toMatchObject({ code: 'TRUNCATED' })
    await expect(de.deserialize('t', Buffer.from('0000000001' + '00' + '1204ab', 'hex'))).rejects.toMatchObject({
      code: 'TRUNCATED',
    })
    await expect(
      protobufSerializer(client, { schema: proto, messageType: 'acme.Nope' }).serialize('t', {}),
    ).rejects.toMatchObject({ code: 'INVALID_SCHEMA' })
  })

  it('says what is wrong with a value: path, expected and actual type, always', async () => {
    const ser = protobufSerializer(new InMemorySchemaRegistryClient(), { schema: proto })
    await expect(ser.serialize('t', { id: 'one' })).rejects.toMatchObject({
      code: 'INVALID_VALUE',
      message: expect.stringContaining(
        '$.id (field acme.Todo.id): expected int32 (an integer number from -2^31 to 2^31-1), got "one"',
      ),
    })
    await expect(ser.serialize('t', { id: 2 ** 31 })).rejects.toMatchObject({
      code: 'INVALID_VALUE',
      message: expect.stringContaining('$.id'),
    })
  })

  it('parses imports from references and well-known files', async () => {
    const client = new InMemorySchemaRegistryClient()
    const common = 'syntax = "proto3";\npackage acme.common;\n\nmessage Money {\n  int64 cents = 1;\n}\n'
    await client.register('acme/common.proto', { schema: common, schemaType: 'PROTOBUF' })
    const invoice = [
      'syntax = "proto3";',
      'package acme;',
      'import "acme/common.proto";',
      'import "google/protobuf/timestamp.proto";',
      'message Invoice {',
      '  acme.common.Money total = 1;',
      '  google.protobuf.Timestamp at = 2;',
      '}',
      '',
    ].join('\n')
    const references = [{ name: 'acme/common.proto', subject: 'acme/common.proto', version: 1 }]
    const bytes = await protobufSerializer(client, { schema: invoice, references }).serialize('invoices', {
      total: { cents: 250 },
      at: { seconds: 5 },
    })
    expect(bytes!.subarray(5).toString('hex')).toBe('00' + '0a03' + '08fa01' + '1202' + '0805')
    expect(await protobufDeserializer(client, { toObject: { longs: Number } }).deserialize('invoices', bytes)).toEqual({
      total: { cents: 250 },
      at: { seconds: 5 },
    })
  })

  it('passes null through', async () => {
    const client = new InMemorySchemaRegistryClient()
    expect(await protobufSerializer(client, { schema: proto }).serialize('t', null)).toBeNull()
    expect(await protobufDeserializer(client).deserialize('t', null)).toBeNull()
  })
})

describe('protobuf value mapping', () => {
  const todo = 'syntax = "proto3";\nmessage Todo { int32 id = 1; string title = 2; bool completed = 3; }\n'

  it('refuses a misspelt key, naming it, its path and the closest field', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = protobufSerializer(client, { schema: todo })
    const err = await ser.serialize('t', { id: 1, titel: 'x', completed: true }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'INVALID_VALUE' })
    expect((err as Error).message).toMatch(/key 'titel' at \$ is not a field of message Todo; did you mean 'title'\?/)
    const ignoring = protobufSerializer(client, { schema: todo, unknownFields: 'ignore' })
    const bytes = await ignoring.serialize('t', { id: 1, titel: 'x', completed: true })
    expect(await protobufDeserializer(client).deserialize('t', bytes)).toEqual({ id: 1, title: '', completed: true })
  })

  it('takes plain objects, prototype-less objects and protobufjs messages as messages, and nothing else', async () => {
    const client = new InMemorySchemaRegistryClient()
    const enc = await protobufSerializer(client, { schema: proto, messageType: 'acme.Order' }).encoderFor('t')
    const expected = enc({ id: 3, lines: [{ sku: 'a' }] })
    const bare = Object.assign(Object.create(null) as object, { id: 3, lines: [{ sku: 'a' }] })
    expect(enc(bare)).toEqual(expected)
    const type = parseProtobuf(proto, [], 'new').lookupMessage('acme.Order')!
    expect(enc(type.fromObject({ id: 3, lines: [{ sku: 'a' }] }) as never)).toEqual(expected)
    class Order {
      id = 3
    }
    for (const [value, path, got] of [
      [5, '\\$', '5'],
      [new Order(), '\\$', '\\{"id":3\\}'],
      [{ id: 3, lines: [new Date(0)] }, '\\$\\.lines\\[0\\]', 'Date 1970'],
      [{ id: 3, lines: [[]] }, '\\$\\.lines\\[0\\]', '\\[\\]'],
    ] as const) {
      expect(() => enc(value as never)).toThrowError(
        expect.objectContaining({
          code: 'INVALID_VALUE',
          message: expect.stringMatching(
            new RegExp(`${path}: expected message acme\\.Order(\\.Line)? \\(an object\\), got ${got}`),
          ),
        }),
      )
    }
  })

  it('takes the .proto name or the lowerCamelCase JSON name, never both, and reads back either', async () => {
    const client = new InMemorySchemaRegistryClient()
    const schema = [
      'syntax = "proto3";',
      'import "google/protobuf/timestamp.proto";',
      'message Todo { int32 id = 1; string title = 2; bool completed = 3; google.protobuf.Timestamp created_at = 4; }',
      '',
    ].join('\n')
    const ser = protobufSerializer(client, { schema })
    const at = new Date('2024-01-02T03:04:05.678Z')
    const camel = (await ser.serialize('t', { id: 1, title: 'x', completed: false, createdAt: at }))!
    const snake = (await ser.serialize('t', { id: 1, title: 'x', completed: false, created_at: at }))!
    expect(camel.toString('hex')).toBe(snake.toString('hex'))
    expect(await protobufDeserializer(client).deserialize('t', camel)).toEqual({
      id: 1,
      title: 'x',
      completed: false,
      created_at: at,
    })
    expect(await protobufDeserializer(client, { fieldNames: 'json' }).deserialize('t', camel)).toEqual({
      id: 1,
      title: 'x',
      completed: false,
      createdAt: at,
    })
    await expect(ser.serialize('t', { id: 1, createdAt: at, created_at: at })).rejects.toThrowError(
      /keys 'created_at' and 'createdAt' at \$ both name field Todo\.created_at/,
    )
  })

  it('without messageType, refuses a value that does not fit the first message and lists the messages', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = protobufSerializer(client, { schema: proto })
    const err = await ser.serialize('orders', { id: 5, lines: [{ sku: 'a', qty: 1 }] }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'INVALID_VALUE' })
    expect((err as Error).message).toMatch(
      /key 'lines' .*writes acme\.Todo, the schema's first message; the schema defines acme\.Todo, acme\.Order, acme\.Order\.Line: set messageType/,
    )
    expect(client.calls.register).toBe(1)
  })

  it('maps well-known types: Timestamp to Date, wrappers to nullable primitives, Struct to JSON', async () => {
    const client = new InMemorySchemaRegistryClient()
    const schema = [
      'syntax = "proto3";',
      'package wk;',
      'import "google/protobuf/timestamp.proto";',
      'import "google/protobuf/duration.proto";',
      'import "google/protobuf/wrappers.proto";',
      'import "google/protobuf/struct.proto";',
      'message W {',
      '  google.protobuf.Timestamp at = 1;',
      '  google.protobuf.Duration took = 2;',
      '  google.protobuf.Int64Value big = 3;',
      '  google.protobuf.StringValue name = 4;',
      '  google.protobuf.BoolValue flag = 5;',
      '  google.protobuf.Struct doc = 6;',
      '  google.protobuf.Value any = 7;',
      '  int64 n = 8;',
      '  uint64 u = 9;',
      '}',
      '',
    ].join('\n')
    const value = {
      at: new Date('1969-12-31T23:59:59.001Z'),
      took: { seconds: 90, nanos: 5 },
      big: 7,
      name: 'x',
      flag: null,
      doc: { a: [1, 'two', null, { b: true }], c: {} },
      any: 'str',
      n: -3,
      u: 9,
    }
    const bytes = (await protobufSerializer(client, { schema }).serialize('t', value))!
    expect(await protobufDeserializer(client).deserialize('t', bytes)).toEqual(value)
    const big = { ...value, big: 2n ** 63n - 1n, n: -(2n ** 63n), u: 2n ** 64n - 1n, took: { seconds: 90n, nanos: 5 } }
    const wide = (await protobufSerializer(client, { schema, int64: 'bigint' }).serialize('t', big))!
    expect(await protobufDeserializer(client, { int64: 'bigint' }).deserialize('t', wide)).toEqual(big)
    expect(await protobufDeserializer(client, { int64: 'string' }).deserialize('t', wide)).toMatchObject({
      big: '9223372036854775807',
      n: '-9223372036854775808',
      u: '18446744073709551615',
    })
    await expect(protobufDeserializer(client).deserialize('t', wide)).rejects.toThrowError(/int64: 'bigint'/)
    await expect(protobufSerializer(client, { schema }).serialize('t', { n: 5n })).rejects.toThrowError(
      /\$\.n .*expected int64/,
    )
    await expect(protobufSerializer(client, { schema }).serialize('t', { doc: { x: undefined } })).rejects.toThrowError(
      /\$\.doc\.x .*a JSON value/,
    )
    await expect(protobufSerializer(client, { schema }).serialize('t', { at: new Date(NaN) })).rejects.toThrowError(
      /\$\.at .*valid Date/,
    )
  })
})

describe('protobuf values protobufjs alone writes wrongly', () => {
  const schema = [
    'syntax = "proto3";',
    'import "google/protobuf/struct.proto";',
    'message F { map<bool, int32> flags = 1; google.protobuf.Struct doc = 2; google.protobuf.Value v = 3; }',
    '',
  ].join('\n')

  it('writes the false key of a bool map as false, a Struct key __proto__ as a key, and a Value null as set', async () => {
    const client = new InMemorySchemaRegistryClient()
    const doc = JSON.parse('{"__proto__": {"a": 1}, "b": null}') as Record<string, unknown>
    const value = { flags: { false: 1, true: 2 }, doc, v: null }
    const bytes = (await protobufSerializer(client, { schema }).serialize('t', value))!
    const back = (await protobufDeserializer(client).deserialize('t', bytes)) as typeof value
    expect(back.flags).toEqual({ false: 1, true: 2 })
    expect(Object.keys(back.doc)).toEqual(['__proto__', 'b'])
    expect(Object.getPrototypeOf(back.doc)).toBe(Object.prototype)
    expect(back.v).toBeNull()
  })
})

describe('protobuf decoding straight into plain objects', () => {
  const flat = `syntax = "proto3";
package acme;
enum Kind { NONE = 0; BIG = 1; }
message Flat {
  int32 id = 1;
  int64 total = 2;
  uint64 count = 3;
  bytes blob = 4;
  Kind kind = 5;
  repeated string names = 6;
  repeated sint64 deltas = 7;
  map<int64, string> labels = 8;
  double ratio = 9;
  bool done = 10;
  string note_text = 11;
}
message Simple {
  int32 id = 1;
  repeated Kind kinds = 2;
}
message WithPresence {
  int32 id = 1;
  optional string note = 2;
  Flat inner = 3;
}
`
  const mapped = (fieldNames: 'proto' | 'json', int64: 'number' | 'bigint' | 'string', name: string) => {
    const type = parseProtobuf(flat, [], 'new').lookupMessage(name)!
    return { type, mapping: new ProtobufMapping({ int64, unknownFields: 'reject', fieldNames }, 'test') }
  }

  it('gives the object fromWire gives of protobufjs message: same keys, order, values and prototype', () => {
    const values = [
      {},
      { id: 7, total: -5, count: 9, blob: Buffer.from('ab'), kind: 'BIG', names: ['a', 'b'], deltas: [-1, 2] },
      { labels: { '-3': 'x', 12: 'y' }, ratio: 0.5, done: true, note_text: 'n', total: 2 ** 53 - 1 },
    ]
    for (const int64 of ['number', 'bigint', 'string'] as const) {
      const { type, mapping } = mapped('proto', int64, 'acme.Flat')
      const plain = mapping.plainDecode(type)!
      expect(plain).toBeDefined()
      for (const v of values) {
        const bytes = type.encode(mapping.toWire(type)(v, '$') as object).finish()
        const before = mapping.fromWire(type)(type.decode(bytes), '')
        const reader = protobuf.Reader.create(bytes)
        const after = plain.finish(plain.decode(reader), '') as object
        expect(after).toStrictEqual(before)
        expect(Object.keys(after)).toEqual(Object.keys(before as object))
        expect(Object.getPrototypeOf(after)).toBe(Object.prototype)
      }
    }
  })

  it('decodes straight into plain objects with JSON field names when they are the .proto names', () => {
    const { type, mapping } = mapped('json', 'number', 'acme.Simple')
    const plain = mapping.plainDecode(type)!
    const bytes = type.encode(mapping.toWire(type)({ id: 4, kinds: ['BIG', 'NONE'] }, '$') as object).finish()
    const after = plain.finish(plain.decode(protobuf.Reader.create(bytes)), '')
    expect(after).toStrictEqual({ id: 4, kinds: ['BIG', 'NONE'] })
    expect(after).toStrictEqual(mapping.fromWire(type)(type.decode(bytes), ''))
  })

  it('leaves messages with presence fields, or JSON names that differ, to fromWire', () => {
    const withPresence = mapped('proto', 'number', 'acme.WithPresence')
    expect(withPresence.mapping.plainDecode(withPresence.type)).toBeUndefined()
    const json = mapped('json', 'number', 'acme.Flat')
    expect(json.mapping.plainDecode(json.type)).toBeUndefined()
  })

  it('reads a payload after one that failed to decode, with the deserializer', async () => {
    const client = new InMemorySchemaRegistryClient()
    const bytes = (await protobufSerializer(client, { schema: flat }).serialize('t', { id: 3, note_text: 'hello' }))!
    const de = protobufDeserializer(client)
    await de.load(bytes)
    expect(() => de.deserializeSync('t', bytes.subarray(0, bytes.length - 2))).toThrowError(
      expect.objectContaining({ code: 'TRUNCATED' }),
    )
    // A total beyond 2^53 - 1 decodes and then fails the int64: 'number' conversion.
    const wide = Buffer.concat([bytes, Buffer.from('10ffffffffffffffff7f', 'hex')])
    expect(() => de.deserializeSync('t', wide)).toThrowError(expect.objectContaining({ code: 'INVALID_PAYLOAD' }))
    expect(de.deserializeSync('t', bytes)).toMatchObject({ id: 3, note_text: 'hello', total: 0, names: [] })
  })
})

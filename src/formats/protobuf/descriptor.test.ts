import { createFileRegistry, fromBinary, toBinary, toJson, type DescMessage } from '@bufbuild/protobuf'
import {
  FileDescriptorProtoSchema,
  file_google_protobuf_descriptor,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_wrappers,
} from '@bufbuild/protobuf/wkt'
// The generated descriptor the official JS client resolves `confluent/meta.proto` with.
import { file_confluent_meta } from '@confluentinc/schemaregistry/dist/confluent/meta_pb.js'
import { describe, expect, it } from 'vitest'
import type { ResolvedRef } from '../format.js'
import { encodeFileDescriptor } from './descriptor.js'
import { protobufFormat } from './index.js'
import type { ProtobufSchema } from './parse.js'

const COMMON = 'syntax = "proto3"; package acme.common; message Address { string city = 1; repeated string lines = 2; }'
const refs: ResolvedRef[] = [
  { name: 'acme/common.proto', subject: 'acme/common.proto', version: 1, schema: COMMON, schemaType: 'PROTOBUF' },
]

const ORDER = `syntax = "proto3";
package acme;
import "acme/common.proto";
import "confluent/meta.proto";
import "google/protobuf/timestamp.proto";
import "google/protobuf/wrappers.proto";
option java_package = "com.acme";
message Order {
  option (confluent.message_meta).doc = "an order";
  string id = 1 [json_name = "orderId", (confluent.field_meta) = { doc: "key", params: [{ key: "pii", value: "no" }] }];
  common.Address ship_to = 2;
  map<string, Line> lines = 3;
  oneof pay { string card = 4; int64 cash = 5; }
  optional int32 priority = 6;
  repeated Status history = 7 [packed = false];
  google.protobuf.Timestamp at = 8;
  google.protobuf.StringValue note = 9;
  reserved 20 to 30, 40;
  reserved "legacy";
  message Line { int32 qty = 1; Line child = 2; }
  enum Kind { KIND_UNSPECIFIED = 0; }
}
message Empty {}
enum Status { STATUS_UNKNOWN = 0; STATUS_OPEN = 1; }
service Orders { rpc Get (Order) returns (stream Empty); }
`

const PROTO2 = `syntax = "proto2";
package legacy;
message M {
  required int32 id = 1 [default = 7];
  optional string name = 2 [default = "n"];
  optional group Extra = 3 { optional bool flag = 4; }
  extensions 100 to 199;
}
extend M { optional string ext = 100; }
`

const builtin: Record<string, unknown> = {
  'google/protobuf/descriptor.proto': file_google_protobuf_descriptor,
  'google/protobuf/timestamp.proto': file_google_protobuf_timestamp,
  'google/protobuf/wrappers.proto': file_google_protobuf_wrappers,
  'confluent/meta.proto': file_confluent_meta,
}

/** Decodes our descriptor the way @confluentinc/schemaregistry does (`newFileRegistry`). */
function bufRegistry(s: ProtobufSchema) {
  const fdp = fromBinary(FileDescriptorProtoSchema, Buffer.from(protobufFormat.render(s, 'serialized')!, 'base64'))
  return createFileRegistry(fdp, (name) => {
    if (name in builtin) return builtin[name] as never
    const dep = s.dependencies.find((d) => d.name === name)!
    const depSchema = protobufFormat.parse(refs.find((r) => r.name === name)!.schema, [], 'new')
    const depFdp = fromBinary(
      FileDescriptorProtoSchema,
      Buffer.from(encodeFileDescriptor(dep.file, depSchema.table, name), 'base64'),
    )
    return depFdp
  })
}

function shape(desc: DescMessage) {
  return desc.fields.map((f) => [f.name, f.number, f.fieldKind, f.oneof?.name ?? null, f.jsonName])
}

describe('serialized descriptors', () => {
  it.each([
    ['proto3 with imports, maps, oneofs, optional, options', ORDER, refs],
    ['proto2 with groups, defaults and extensions', PROTO2, []],
    ['an empty file', 'syntax = "proto3";', []],
  ])('round-trips %s', (_what, text, r) => {
    const s = protobufFormat.parse(text, r, 'new')
    const back = protobufFormat.parse(protobufFormat.render(s, 'serialized')!, r, 'new')
    expect(protobufFormat.canonicalize(back, { normalize: true })).toBe(
      protobufFormat.canonicalize(s, { normalize: true }),
    )
    expect(protobufFormat.equivalent(back, s)).toBe(true)
  })

  it('decodes with @bufbuild/protobuf as the official JS client does, field for field', () => {
    const s = protobufFormat.parse(ORDER, refs, 'new')
    const reg = bufRegistry(s)
    const order = reg.getMessage('acme.Order')!
    expect(shape(order)).toEqual([
      ['id', 1, 'scalar', null, 'orderId'],
      ['ship_to', 2, 'message', null, 'shipTo'],
      ['lines', 3, 'map', null, 'lines'],
      ['card', 4, 'scalar', 'pay', 'card'],
      ['cash', 5, 'scalar', 'pay', 'cash'],
      ['priority', 6, 'scalar', null, 'priority'],
      ['history', 7, 'list', null, 'history'],
      ['at', 8, 'message', null, 'at'],
      ['note', 9, 'message', null, 'note'],
    ])
    const field = (name: string) => order.fields.find((f) => f.name === name)!
    expect(field('priority').proto.proto3Optional).toBe(true)
    const shipTo = field('ship_to')
    expect(shipTo.fieldKind === 'message' && shipTo.message.typeName).toBe('acme.common.Address')
    const history = field('history')
    expect(history.fieldKind === 'list' && history.listKind === 'enum' && history.enum.typeName).toBe('acme.Status')
    const lines = field('lines')
    expect(lines.fieldKind === 'map' && lines.mapKind === 'message' && lines.message.typeName).toBe('acme.Order.Line')
    // Map entries are not nested messages to the client, so message indexes agree.
    expect(order.nestedMessages.map((m) => m.name)).toEqual(['Line'])
    expect(reg.getMessage('acme.Empty')).toBeDefined()
    expect(reg.getService('acme.Orders')!.methods[0]!.methodKind).toBe('server_streaming')
    expect(reg.getFile('default')!.proto.options?.javaPackage).toBe('com.acme')
  })

  it('keeps proto2 labels, defaults and groups for the client', () => {
    const reg = bufRegistry(protobufFormat.parse(PROTO2, [], 'new'))
    const m = reg.getMessage('legacy.M')!
    const field = (name: string) => m.fields.find((f) => f.name === name)!
    expect(field('id').proto.label).toBe(2) // LABEL_REQUIRED
    expect(field('id').proto.defaultValue).toBe('7')
    expect(field('extra').proto.type).toBe(10) // TYPE_GROUP
    expect(reg.getExtension('legacy.ext')).toBeDefined()
  })

  it('encodes with protobufjs what the client decodes with the served descriptor', () => {
    const s = protobufFormat.parse(ORDER, refs, 'new')
    const type = s.lookupMessage('acme.Order')!
    const bytes = type
      .encode(
        type.fromObject({
          id: 'o-1',
          ship_to: { city: 'Oslo', lines: ['a', 'b'] },
          lines: { x: { qty: 2 } },
          cash: 5,
          priority: 0,
          history: [1, 0, 1],
        }),
      )
      .finish()
    const decoded = fromBinary(bufRegistry(s).getMessage('acme.Order')!, bytes)
    expect(toJson(bufRegistry(s).getMessage('acme.Order')!, decoded)).toEqual({
      orderId: 'o-1',
      shipTo: { city: 'Oslo', lines: ['a', 'b'] },
      lines: { x: { qty: 2 } },
      cash: '5',
      priority: 0,
      history: ['STATUS_OPEN', 'STATUS_UNKNOWN', 'STATUS_OPEN'],
    })
  })

  it('reads protoc-made descriptors as the client registers them (map entries, oneofs, json names)', () => {
    const base64 = Buffer.from(toBinary(FileDescriptorProtoSchema, file_google_protobuf_struct.proto)).toString(
      'base64',
    )
    const s = protobufFormat.parse(base64, [], 'new')
    const text = protobufFormat.canonicalize(s)
    expect(text).toContain('map<string, .google.protobuf.Value> fields = 1;')
    expect(text).toContain('oneof kind {')
    expect(text).not.toContain('FieldsEntry')
    expect(text).not.toContain('json_name')
    expect(protobufFormat.equivalent(s, protobufFormat.parse(text, [], 'new'))).toBe(true)
  })
})

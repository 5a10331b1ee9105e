import { describe, expect, it } from 'vitest'
import { SchemaParseError, type ResolvedRef } from '../format.js'
import { protobufFormat } from './index.js'
import { parseProtobuf } from './parse.js'

const ref = (name: string, schema: string): ResolvedRef => ({
  name,
  subject: name,
  version: 1,
  schema,
  schemaType: 'PROTOBUF',
})

describe('parseProtobuf', () => {
  it('resolves imports from references and built-in files', () => {
    const s = parseProtobuf(
      `syntax = "proto3";
       package acme;
       import "acme/common.proto";
       import "google/protobuf/timestamp.proto";
       import "google/type/money.proto";
       import "confluent/type/decimal.proto";
       message Order {
         common.Address to = 1;
         google.protobuf.Timestamp at = 2;
         google.type.Money price = 3;
         confluent.type.Decimal amount = 4;
       }`,
      [ref('acme/common.proto', 'syntax = "proto3"; package acme.common; message Address { string city = 1; }')],
      'new',
    )
    expect(s.dependencies.map((d) => d.name)).toEqual([
      'acme/common.proto',
      'google/protobuf/timestamp.proto',
      'google/type/money.proto',
      'confluent/type/decimal.proto',
    ])
    expect(s.lookupMessage('acme.Order')?.fields.to?.resolvedType?.fullName).toBe('.acme.common.Address')
    expect(s.lookupMessage('.acme.Order')?.fields.at?.resolvedType?.fullName).toBe('.google.protobuf.Timestamp')
    expect(s.lookupMessage('acme.Missing')).toBeUndefined()
  })

  it('parses proto2 groups, extensions, defaults and services', () => {
    const s = parseProtobuf(
      `syntax = "proto2";
       package p;
       message M {
         optional int32 a = 1 [default = -5];
         optional group G = 2 { optional string s = 3; }
         extensions 100 to max;
       }
       extend M { optional string ext = 100; }
       service Svc { rpc Do (M) returns (stream M) { option deprecated = true; } }`,
      [],
      'new',
    )
    expect(s.lookupMessage('p.M')?.fields.a?.defaultValue).toBe(-5)
    expect(s.file.services[0]?.rpcs[0]?.responseStreaming).toBe(true)
  })

  it('accepts aggregate option values that contain lists', () => {
    const s = parseProtobuf(
      `syntax = "proto3";
       import "confluent/meta.proto";
       message D {
         bytes v = 1 [(confluent.field_meta) = { params: [ { key: "precision", value: "8" }, { key: "scale", value: "3" } ] }];
       }`,
      [],
      'new',
    )
    expect(s.file.types[0]?.kind).toBe('message')
  })

  describe('custom options with parenthesized names, wherever protoc accepts them', () => {
    const extensions = `syntax = "proto2";
      package p;
      import "google/protobuf/descriptor.proto";
      extend google.protobuf.FileOptions { optional bool f_opt = 50001; }
      extend google.protobuf.MessageOptions { optional bool m_opt = 50002; }
      extend google.protobuf.FieldOptions { optional bool fi_opt = 50003; }
      extend google.protobuf.OneofOptions { optional bool o_opt = 50004; }
      extend google.protobuf.EnumOptions { optional bool e_opt = 50005; }
      extend google.protobuf.EnumValueOptions { optional bool ev_opt = 50006; }
      extend google.protobuf.ServiceOptions { optional bool s_opt = 50007; }
      extend google.protobuf.MethodOptions { optional bool me_opt = 50008; }
      extend google.protobuf.ExtensionRangeOptions { optional bool x_opt = 50009; }
      `
    it.each([
      ['oneof', 'message M { oneof o { option (o_opt) = true; int32 a = 1; } }', 'option (o_opt) = true;'],
      [
        'oneof, qualified name',
        'message M { oneof o { option (.p.o_opt) = true; int32 a = 1; } }',
        'option (.p.o_opt) = true;',
      ],
      ['file', 'option (f_opt) = true; message M {}', 'option (f_opt) = true;'],
      ['message', 'message M { option (m_opt) = true; }', 'option (m_opt) = true;'],
      ['field', 'message M { optional int32 a = 1 [(fi_opt) = true]; }', '[(fi_opt) = true]'],
      ['oneof field', 'message M { oneof o { int32 a = 1 [(fi_opt) = true]; } }', '[(fi_opt) = true]'],
      ['map field', 'message M { map<string, int32> a = 1 [(fi_opt) = true]; }', '[(fi_opt) = true]'],
      [
        'extension field',
        'message M { extensions 100 to 199; } extend M { optional int32 x = 100 [(fi_opt) = true]; }',
        '[(fi_opt) = true]',
      ],
      ['enum', 'enum E { option (e_opt) = true; A = 0; }', 'option (e_opt) = true;'],
      ['enum value', 'enum E { A = 0 [(ev_opt) = true]; }', '[(ev_opt) = true]'],
      ['service', 'message M {} service S { option (s_opt) = true; rpc R (M) returns (M); }', 'option (s_opt) = true;'],
      [
        'method',
        'message M {} service S { rpc R (M) returns (M) { option (me_opt) = true; } }',
        'option (me_opt) = true;',
      ],
      ['extension range', 'message M { extensions 100 to 199 [(x_opt) = true]; }', 'extensions 100 to 199'],
    ])('in a %s', (_where, body, kept) => {
      const s = parseProtobuf(extensions + body, [], 'new')
      const canonical = protobufFormat.canonicalize(s)
      expect(canonical).toContain(kept)
      // The canonical text parses again to the same canonical text.
      expect(protobufFormat.canonicalize(parseProtobuf(canonical, [], 'new'))).toBe(canonical)
    })
  })

  it.each([
    ['empty text', ''],
    ['garbage', '}}}'],
    ['unterminated message', 'syntax = "proto3"; message A { string x = 1;'],
    ['unterminated string', 'syntax = "proto3'],
    ['unterminated comment', 'message A {} /* no end'],
    ['unknown syntax', 'syntax = "proto4"; message A {}'],
    ['editions', 'edition = "2023"; message A {}'],
    ['missing field number', 'syntax = "proto3"; message A { string x; }'],
    ['non-integer field number', 'syntax = "proto3"; message A { string x = 1.5; }'],
    ['huge field number', 'syntax = "proto3"; message A { string x = 99999999999; }'],
    ['field number out of range', 'syntax = "proto3"; message A { string x = 536870912; }'],
    ['field number zero', 'syntax = "proto3"; message A { string x = 0; }'],
    ['reserved implementation range', 'syntax = "proto3"; message A { string x = 19000; }'],
    ['duplicate field number', 'syntax = "proto3"; message A { string x = 1; int32 y = 1; }'],
    ['duplicate field name', 'syntax = "proto3"; message A { string x = 1; int32 x = 2; }'],
    ['duplicate message', 'syntax = "proto3"; message A {} message A {}'],
    ['field uses reserved number', 'syntax = "proto3"; message A { reserved 1; string x = 1; }'],
    ['required in proto3', 'syntax = "proto3"; message A { required string x = 1; }'],
    ['default in proto3', 'syntax = "proto3"; message A { string x = 1 [default = "a"]; }'],
    ['proto3 enum not starting at zero', 'syntax = "proto3"; enum E { A = 1; }'],
    ['unknown type', 'syntax = "proto3"; message A { Missing x = 1; }'],
    ['unknown nested type', 'syntax = "proto3"; message A { A.Missing x = 1; }'],
    ['bad map key', 'syntax = "proto3"; message A { map<double, string> m = 1; }'],
    ['unresolvable import', 'syntax = "proto3"; import "nope/missing.proto"; message A {}'],
    ['unknown statement', 'syntax = "proto3"; messages A {}'],
    ['bad escape', 'syntax = "proto3"; option java_package = "a\\qb"; message A {}'],
    ['bad option value', 'syntax = "proto3"; option java_package = ; message A {}'],
    ['bad aggregate', 'syntax = "proto3"; option (x) = { a 1 }; message A {}'],
    ['bad base64 descriptor', 'AAAA'],
    ['syntax not first', 'package a; syntax = "proto3";'],
    ['bad rpc', 'syntax = "proto3"; message A {} service S { rpc X (A) gives (A); }'],
    ['empty range', 'syntax = "proto3"; message A { reserved 5 to 2; }'],
    ['import cycle through references', 'syntax = "proto3"; import "a.proto"; message A {}'],
  ])('rejects %s with SchemaParseError', (_what, text) => {
    const refs = [
      ref('a.proto', 'syntax = "proto3"; import "b.proto";'),
      ref('b.proto', 'syntax = "proto3"; import "a.proto";'),
    ]
    expect(() => parseProtobuf(text, refs, 'new')).toThrow(SchemaParseError)
  })

  it('names the type and the file that do not resolve', () => {
    expect(() => parseProtobuf('syntax = "proto3"; message A { Missing x = 1; }', [], 'new')).toThrow(
      /Invalid Protobuf in the schema: Type 'Missing' of field 'x' in 'A' could not be resolved/,
    )
    expect(() => parseProtobuf('syntax = "proto3"; import "x/y.proto"; message A {}', [], 'new')).toThrow(
      /'x\/y\.proto'/,
    )
  })

  it('loads stored schemas whose imports are gone', () => {
    const s = parseProtobuf('syntax = "proto3"; import "gone.proto"; message A { gone.T t = 1; }', [], 'stored')
    expect(s.file.types[0]?.name).toBe('A')
  })

  it('parses a large file quickly enough to be cached, not avoided', () => {
    const fields = Array.from({ length: 200 }, (_, i) => `  string f${i} = ${i + 1};`).join('\n')
    const text = `syntax = "proto3";\n${Array.from({ length: 50 }, (_, m) => `message M${m} {\n${fields}\n}`).join('\n')}`
    const s = parseProtobuf(text, [], 'new')
    expect(s.file.types).toHaveLength(50)
  })
})

describe('parseProtobuf with descriptors', () => {
  it('rejects a descriptor whose field has no type with SchemaParseError', () => {
    // FileDescriptorProto { message_type { name: "A" field { name: "f" number: 1 } } }
    const bytes = Buffer.from([0x22, 0x0a, 0x0a, 0x01, 0x41, 0x12, 0x05, 0x0a, 0x01, 0x66, 0x18, 0x01])
    expect(() => parseProtobuf(bytes.toString('base64'), [], 'new')).toThrow(SchemaParseError)
  })
})

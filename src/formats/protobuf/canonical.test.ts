import { describe, expect, it } from 'vitest'
import { protobufFormat } from './index.js'

const parse = (text: string) => protobufFormat.parse(text, [], 'new')
const canonical = (text: string) => protobufFormat.canonicalize(parse(text))
const normalized = (text: string) => protobufFormat.canonicalize(parse(text), { normalize: true })

describe('canonical printer', () => {
  it('prints in Wire style: syntax, package, imports, options, messages then enums, services', () => {
    const text = `// leading comment
syntax = "proto3";
package acme;   import "google/protobuf/timestamp.proto";
option java_package = "com.acme";  option optimize_for = SPEED;
enum Status { UNKNOWN = 0; OPEN = 1; }
/* the order */
message Order {
  string id = 1;   // trailing
  google.protobuf.Timestamp at = 2 [deprecated = true];
  map<string, Line> lines = 3;
  repeated int32 codes = 4 [packed = true, json_name = "c"];
  oneof pay { string card = 5; int64 cash = 6; }
  reserved 8, 10 to max;
  reserved "old";
  message Line { int32 qty = 1; }
}
service Orders { rpc Get (Order) returns (stream Order); }
`
    expect(canonical(text)).toBe(`syntax = "proto3";
package acme;

import "google/protobuf/timestamp.proto";

option java_package = "com.acme";
option optimize_for = SPEED;

message Order {
  reserved 8, 10 to max;
  reserved "old";

  string id = 1;
  google.protobuf.Timestamp at = 2 [deprecated = true];
  map<string, Line> lines = 3;
  repeated int32 codes = 4 [
    packed = true,
    json_name = "c"
  ];

  oneof pay {
    string card = 5;
    int64 cash = 6;
  }

  message Line {
    int32 qty = 1;
  }
}
enum Status {
  UNKNOWN = 0;
  OPEN = 1;
}

service Orders {
  rpc Get (Order) returns (stream Order);
}
`)
  })

  it('prints proto2 labels, defaults, groups, extensions and escapes', () => {
    expect(
      canonical(`syntax = "proto2";
message M {
  optional string s = 1 [default = "a\\"b\\n"];
  required bool b = 2 [default = true];
  optional group G = 3 { optional int32 x = 4; }
  extensions 100 to 199;
}
extend M { optional int32 ext = 100; }`),
    ).toBe(`syntax = "proto2";

message M {
  optional string s = 1 [default = "a\\"b\\n"];
  required bool b = 2 [default = true];

  optional group G = 3 {
    optional int32 x = 4;
  }

  extensions 100 to 199;
}

extend M {
  optional int32 ext = 100;
}
`)
  })

  it('prints aggregate options, list values included', () => {
    expect(
      canonical(`syntax = "proto3";
import "confluent/meta.proto";
message D {
  option (confluent.message_meta).doc = "m";
  bytes v = 1 [(confluent.field_meta) = { doc: "f" params: [ { key: "precision", value: "8" } ] }];
}`),
    ).toBe(`syntax = "proto3";

import "confluent/meta.proto";

message D {
  option (confluent.message_meta).doc = "m";

  bytes v = 1 [(confluent.field_meta) = {
    doc: "f",
    params: [
      {
        key: "precision",
        value: "8"
      }
    ]
  }];
}
`)
  })

  it('normalizes: sorted imports, options, fields, oneofs, enum values and ranges; qualified names', () => {
    expect(
      normalized(`syntax = "proto3";
package acme;
import "google/protobuf/timestamp.proto";
import "confluent/meta.proto";
import "google/protobuf/timestamp.proto";
option optimize_for = SPEED;
option java_package = "com.acme";
option (confluent.file_meta).doc = "x";
message B {
  oneof second { string s = 9; }
  oneof first { int32 z = 7; int32 y = 4; }
  reserved 20, 12 to 14, 6 to 6;
  map<string, Line> lines = 3;
  Kind kind = 2;
  google.protobuf.Timestamp at = 1;
  double price = 5 [deprecated = true];
  message Line {}
  enum Kind { K0 = 0; K2 = 2; K1 = 1; }
}
message A {}
`),
    ).toBe(`syntax = "proto3";
package acme;

import "confluent/meta.proto";
import "google/protobuf/timestamp.proto";

option (confluent.file_meta) = {
  doc: "x"
};
option java_package = "com.acme";
option optimize_for = SPEED;

message B {
  reserved 6;
  reserved 12 to 14;
  reserved 20;

  .google.protobuf.Timestamp at = 1;
  .acme.B.Kind kind = 2;
  map<string, .acme.B.Line> lines = 3;
  double price = 5 [deprecated = true];

  oneof first {
    int32 y = 4;
    int32 z = 7;
  }
  oneof second {
    string s = 9;
  }

  message Line {}
  enum Kind {
    K0 = 0;
    K1 = 1;
    K2 = 2;
  }
}
message A {}
`)
  })

  it('drops the proto2 syntax line (leaving the blank line, as Confluent does) and formats option numbers when normalizing', () => {
    expect(
      normalized(
        'syntax = "proto2"; message M { optional double d = 1 [default = 1.50]; optional int32 h = 2 [default = 0x10]; }',
      ),
    ).toBe(
      `
message M {
  optional double d = 1 [default = 1.5];
  optional int32 h = 2 [default = 16];
}
`,
    )
  })

  it('gives semantically identical files the same normalized text', () => {
    const a = parse(`syntax = "proto3"; package p;
      // comment
      import "confluent/meta.proto";
      option (confluent.file_meta) = { doc: "d" };
      option java_package = "j";
      message M { oneof o { int32 b = 2; string a = 1; } p.M.N n = 3; message N {} }`)
    const b = parse(`syntax="proto3";package p;import "confluent/meta.proto";
      option java_package="j";
      option (.confluent.file_meta).doc="d";
      message M {
        .p.M.N n = 3;
        oneof o { string a = 1; int32 b = 2; }
        message N {}
      }`)
    expect(protobufFormat.canonicalize(a)).not.toBe(protobufFormat.canonicalize(b))
    expect(protobufFormat.canonicalize(a, { normalize: true })).toBe(
      protobufFormat.canonicalize(b, { normalize: true }),
    )
    expect(protobufFormat.equivalent(a, b)).toBe(true)
  })

  it('never reorders messages, since message indexes depend on the order', () => {
    expect(normalized('syntax = "proto3"; message Z {} message A {}')).toBe(
      'syntax = "proto3";\n\nmessage Z {}\nmessage A {}\n',
    )
  })

  it('tells different files apart', () => {
    expect(
      protobufFormat.equivalent(
        parse('syntax = "proto3"; message M { int32 a = 1; }'),
        parse('syntax = "proto3"; message M { int64 a = 1; }'),
      ),
    ).toBe(false)
  })

  it('prints canonical text that parses back to the same text', () => {
    const text = `syntax = "proto3"; package q; import "google/protobuf/any.proto";
      message M { repeated google.protobuf.Any xs = 1; map<int32, string> m = 2; optional string o = 3; }`
    const once = canonical(text)
    expect(canonical(once)).toBe(once)
  })

  it('ignore_extensions keeps (confluent.*) options and drops other custom options and extends', () => {
    const s = parse(`syntax = "proto2";
      import "confluent/meta.proto";
      import "google/protobuf/descriptor.proto";
      extend google.protobuf.FieldOptions { optional string mine = 50000; }
      message M {
        option (confluent.message_meta).doc = "kept";
        optional string a = 1 [(mine) = "dropped", deprecated = true];
        extensions 100 to 200;
      }`)
    expect(protobufFormat.render(s, 'ignore_extensions')).toBe(`syntax = "proto2";

import "confluent/meta.proto";
import "google/protobuf/descriptor.proto";

message M {
  option (confluent.message_meta).doc = "kept";

  optional string a = 1 [deprecated = true];
}
`)
    expect(protobufFormat.render(s, 'logical')).toBeUndefined()
  })
})

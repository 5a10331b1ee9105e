/** Schemas and set-up several serde tests share. */
import { SchemaRegistryClient } from '@confluentinc/schemaregistry'
import { afterAll, beforeAll } from 'vitest'
import { HttpSchemaRegistryClient } from '../../src/serde/http-client.js'
import { startServer, type TestServer } from '../support/server.js'

export interface ServerAndClients {
  server: TestServer
  /** Our registry client. */
  ours: HttpSchemaRegistryClient
  /** @confluentinc/schemaregistry's client. */
  confluent: SchemaRegistryClient
}

/** A real registry for the enclosing describe block, with our client and Confluent's on it. */
export function serverAndClients(): ServerAndClients {
  const ctx = {} as ServerAndClients
  beforeAll(async () => {
    ctx.server = await startServer()
    ctx.ours = new HttpSchemaRegistryClient({ baseUrl: ctx.server.url })
    ctx.confluent = new SchemaRegistryClient({ baseURLs: [ctx.server.url] })
  })
  afterAll(async () => {
    ctx.ours.close()
    await ctx.server.close()
  })
  return ctx
}

/** The message a promise rejects with, or undefined when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}

/** Two top-level messages and a nested one: message indexes [0], [1] and [1, 0]. */
export const ORDERS_PROTO = `syntax = "proto3";
package acme;

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
}
`

/** An Avro record with every logical type the serde maps, and a long. */
export const TRADE_SCHEMA = {
  type: 'record',
  name: 'Trade',
  namespace: 'markets',
  fields: [
    { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'at_us', type: { type: 'long', logicalType: 'timestamp-micros' } },
    { name: 'day', type: { type: 'int', logicalType: 'date' } },
    { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 12, scale: 2 } },
    { name: 'price', type: { type: 'fixed', name: 'Price', size: 8, logicalType: 'decimal', precision: 10, scale: 4 } },
    { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'qty', type: 'long' },
  ],
}

/** A message of well-known types and 64-bit integers. */
export const WK_EVENT_PROTO = [
  'syntax = "proto3";',
  'package wk;',
  'import "google/protobuf/timestamp.proto";',
  'import "google/protobuf/wrappers.proto";',
  'import "google/protobuf/struct.proto";',
  'message Event {',
  '  google.protobuf.Timestamp created_at = 1;',
  '  google.protobuf.Int64Value big = 2;',
  '  google.protobuf.StringValue name = 3;',
  '  google.protobuf.Struct doc = 4;',
  '  int64 n = 5;',
  '  uint64 u = 6;',
  '}',
  '',
].join('\n')

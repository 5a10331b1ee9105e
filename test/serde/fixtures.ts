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

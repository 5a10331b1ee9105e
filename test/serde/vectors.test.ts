/**
 * Golden byte vectors (test/serde/vectors/*.json), written out by hand from the Avro, Protobuf
 * and Confluent framing specs: each value must serialize to exactly these bytes, and the bytes
 * must read back as the value.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../../src/serde/avro.js'
import { jsonDeserializer, jsonSerializer } from '../../src/serde/json.js'
import { InMemorySchemaRegistryClient } from '../../src/serde/memory-client.js'
import { protobufDeserializer, protobufSerializer } from '../../src/serde/protobuf.js'

interface Vector {
  name: string
  hex: string
  value?: unknown
  bytes?: string
  schema?: string
  message?: string
}

const load = (file: string): Vector[] =>
  JSON.parse(readFileSync(new URL(`./vectors/${file}`, import.meta.url), 'utf8')) as Vector[]

const VECTOR_PROTO = `syntax = "proto3";
package acme;

message Todo {
  int32 id = 1;
  string content = 2;
}

enum Color {
  RED = 0;
}

message Order {
  message Line {
    string sku = 1;
    int32 qty = 2;
  }
  enum Status {
    NEW = 0;
  }
  message Fee {
    int32 cents = 1;
  }
  int32 id = 1;
}

message Note {
  string text = 1;
}
`

describe('golden wire vectors', () => {
  it.each(load('avro.json'))('Avro: $name', async (v) => {
    const client = new InMemorySchemaRegistryClient()
    const value = v.bytes === undefined ? v.value : Buffer.from(v.bytes, 'hex')
    const bytes = (await avroSerializer(client, { schema: v.schema! }).serialize('t', value))!
    expect(bytes.toString('hex')).toBe(v.hex)
    expect(await avroDeserializer(client).deserialize('t', Buffer.from(v.hex, 'hex'))).toEqual(value)
  })

  it.each(load('protobuf.json'))('Protobuf: $name', async (v) => {
    const client = new InMemorySchemaRegistryClient()
    const bytes = (await protobufSerializer(client, { schema: VECTOR_PROTO, messageType: v.message! }).serialize(
      't',
      v.value as Record<string, unknown>,
    ))!
    expect(bytes.toString('hex')).toBe(v.hex)
    const back = await protobufDeserializer(client, { toObject: {} }).deserialize('t', Buffer.from(v.hex, 'hex'))
    expect(back).toEqual(v.value)
  })

  it.each(load('json.json'))('JSON: $name', async (v) => {
    const client = new InMemorySchemaRegistryClient()
    const bytes = (await jsonSerializer(client, { schema: v.schema! }).serialize('t', v.value))!
    expect(bytes.toString('hex')).toBe(v.hex)
    expect(await jsonDeserializer(client, { validate: true }).deserialize('t', Buffer.from(v.hex, 'hex'))).toEqual(
      v.value,
    )
  })
})

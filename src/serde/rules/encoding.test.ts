/**
 * Encoding rules run on the payload bytes after the schema id and the Protobuf indexes: after
 * encoding on write, before decoding on read, with either framing.
 */
import { describe, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../avro.js'
import { InMemorySchemaRegistryClient } from '../memory-client.js'
import { protobufDeserializer, protobufSerializer } from '../protobuf.js'
import { RuleEngine, type RuleExecutor } from './engine.js'
import type { Rule } from './model.js'

/** Reverses the bytes: its own inverse, so the same rule undoes itself on read. */
const reverse: RuleExecutor = {
  type: 'REVERSE',
  transform: (_ctx, message) => Buffer.from(message as Uint8Array).reverse(),
}
const rules = new RuleEngine({ executors: [reverse] })
const rule: Rule = { name: 'rev', kind: 'TRANSFORM', mode: 'WRITEREAD', type: 'REVERSE' }

const AVRO = JSON.stringify({
  type: 'record',
  name: 'Tick',
  fields: [
    { name: 'symbol', type: 'string' },
    { name: 'price', type: 'double' },
  ],
})
const PROTO = 'syntax = "proto3"; message A { int32 x = 1; } message B { string name = 1; int32 n = 2; }'

describe('encoding rules', () => {
  it('transform the Avro payload after the schema id, and read back', async () => {
    const client = new InMemorySchemaRegistryClient()
    await client.register('ticks-value', { schema: AVRO, ruleSet: { encodingRules: [rule] } } as never)
    const tick = { symbol: 'ACME', price: 12.5 }
    const bytes = (await avroSerializer(client, { useLatestVersion: true, rules }).serialize('ticks', tick))!
    const plain = (await avroSerializer(client, { useLatestVersion: true, rules: false }).serialize('ticks', tick))!
    expect(bytes.subarray(0, 5).equals(plain.subarray(0, 5))).toBe(true)
    expect(bytes.subarray(5).equals(Buffer.from(plain.subarray(5)).reverse())).toBe(true)
    expect(await avroDeserializer(client, { rules }).deserialize('ticks', bytes)).toEqual(tick)
    await expect(avroDeserializer(client, { rules }).deserialize('ticks', plain)).rejects.toThrow()
    const de = avroDeserializer(client, { rules })
    await de.load(bytes)
    expect(() => de.deserializeSync('ticks', bytes)).toThrow(/asynchronously/)
    const ser = avroSerializer(client, { useLatestVersion: true, rules })
    await expect(ser.encoderFor('ticks')).rejects.toThrow(/serialize\(\)/)
  })

  it('leave the Protobuf message indexes in clear, with prefix and with header framing', async () => {
    const client = new InMemorySchemaRegistryClient()
    await client.register('items-value', {
      schemaType: 'PROTOBUF',
      schema: PROTO,
      ruleSet: { encodingRules: [rule] },
    } as never)
    const b = { name: 'bolt', n: 3 }
    for (const schemaIdFraming of ['prefix', 'header'] as const) {
      const config = { useLatestVersion: true, messageType: 'B', schemaIdFraming }
      const h1 = {}
      const h2 = {}
      const bytes = (await protobufSerializer(client, { ...config, rules }).serialize('items', b, h1))!
      const plain = (await protobufSerializer(client, { ...config, rules: false }).serialize('items', b, h2))!
      const at = schemaIdFraming === 'prefix' ? 7 : 0 // 00 + id + indexes [1] (02 02)
      expect(bytes.subarray(0, at).toString('hex')).toBe(plain.subarray(0, at).toString('hex'))
      expect(bytes.subarray(at).toString('hex')).toBe(Buffer.from(plain.subarray(at)).reverse().toString('hex'))
      expect(await protobufDeserializer(client, { rules }).deserialize('items', bytes, h1)).toEqual(b)
    }
  })
})

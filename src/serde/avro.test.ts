import avsc from 'avsc'
import { describe, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from './avro.js'
import { SerdeError } from './errors.js'
import { InMemorySchemaRegistryClient } from './memory-client.js'

const tick = {
  type: 'record',
  name: 'Tick',
  namespace: 'markets',
  fields: [
    { name: 'event_time', type: 'long' },
    { name: 'ticker', type: 'string' },
    { name: 'price', type: 'double' },
  ],
}
const tickV2 = { ...tick, fields: [...tick.fields, { name: 'venue', type: 'string', default: 'XNYS' }] }

describe('avro serde', () => {
  it('frames Avro binary after the registered id', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = avroSerializer(client, {
      schema: {
        type: 'record',
        name: 'R',
        fields: [
          { name: 'id', type: 'int' },
          { name: 'name', type: 'string' },
        ],
      },
    })
    const bytes = await ser.serialize('t', { id: 1, name: 'a' })
    expect(bytes!.toString('hex')).toBe('0000000001' + '02' + '0261')
  })

  it('registers under <topic>-value once and makes no registry call after warm-up', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = avroSerializer(client, { schema: tick })
    const de = avroDeserializer(client)
    for (let i = 0; i < 3; i++) {
      const bytes = await ser.serialize('stock_avro_topic', { event_time: i, ticker: 'ACME', price: 1.5 })
      expect(await de.deserialize('stock_avro_topic', bytes)).toEqual({ event_time: i, ticker: 'ACME', price: 1.5 })
    }
    expect((await client.getLatest('stock_avro_topic-value')).id).toBe(1)
    expect(client.calls).toMatchObject({ register: 1, getSchemaById: 1 })
  })

  it('uses <topic>-key for keys', async () => {
    const client = new InMemorySchemaRegistryClient()
    await avroSerializer(client, { schema: '"string"', isKey: true }).serialize('t', 'k1')
    await expect(client.getLatest('t-key')).resolves.toMatchObject({ id: 1 })
  })

  it('writes a top-level bytes value raw, without the Avro length prefix', async () => {
    const client = new InMemorySchemaRegistryClient()
    const bytes = await avroSerializer(client, { schema: '"bytes"' }).serialize('t', Buffer.from('hi'))
    expect(bytes!.toString('hex')).toBe('0000000001' + '6869')
    expect(await avroDeserializer(client).deserialize('t', bytes)).toEqual(Buffer.from('hi'))
  })

  it('passes null through as null without a registry call', async () => {
    const client = new InMemorySchemaRegistryClient()
    expect(await avroSerializer(client, { schema: tick }).serialize('t', null)).toBeNull()
    expect(await avroDeserializer(client).deserialize('t', null)).toBeNull()
    expect(client.calls.register).toBe(0)
  })

  it('reads old data into a newer reader schema, filling defaults', async () => {
    const client = new InMemorySchemaRegistryClient()
    const v1 = await avroSerializer(client, { schema: tick }).serialize('t', { event_time: 1, ticker: 'A', price: 2 })
    const v2 = await avroSerializer(client, { schema: tickV2 }).serialize('t', {
      event_time: 2,
      ticker: 'B',
      price: 3,
      venue: 'XLON',
    })
    const de = avroDeserializer(client, { readerSchema: tickV2 })
    expect(await de.deserialize('t', v1)).toEqual({ event_time: 1, ticker: 'A', price: 2, venue: 'XNYS' })
    expect(await de.deserialize('t', v2)).toEqual({ event_time: 2, ticker: 'B', price: 3, venue: 'XLON' })
    const old = avroDeserializer(client, { readerSchema: tick })
    expect(await old.deserialize('t', v2)).toEqual({ event_time: 2, ticker: 'B', price: 3 })
  })

  it('says which field is wrong when a value does not match the schema', async () => {
    const ser = avroSerializer(new InMemorySchemaRegistryClient(), { schema: tick })
    await expect(ser.serialize('t', { event_time: 1, ticker: 7, price: 2 })).rejects.toThrowError(
      expect.objectContaining({
        code: 'INVALID_VALUE',
        message: expect.stringMatching(/ticker: expected string, got 7/),
      }),
    )
  })

  it('reports an unknown schema id, a wrong magic byte and a truncated datum', async () => {
    const client = new InMemorySchemaRegistryClient()
    const de = avroDeserializer(client)
    await expect(de.deserialize('t', Buffer.from('0000000063', 'hex'))).rejects.toThrowError(
      expect.objectContaining({ code: 'UNKNOWN_SCHEMA_ID', message: expect.stringContaining('99') }),
    )
    await expect(de.deserialize('t', Buffer.from('7b2261223a317d', 'hex'))).rejects.toThrowError(
      expect.objectContaining({ code: 'UNKNOWN_MAGIC_BYTE' }),
    )
    const bytes = (await avroSerializer(client, { schema: tick }).serialize('t', {
      event_time: 1,
      ticker: 'ACME',
      price: 2,
    }))!
    await expect(de.deserialize('t', bytes.subarray(0, bytes.length - 3))).rejects.toThrowError(
      expect.objectContaining({ code: 'TRUNCATED' }),
    )
  })

  it('uses the latest registered version, or a fixed id, instead of registering', async () => {
    const client = new InMemorySchemaRegistryClient()
    await client.register('t-value', { schema: JSON.stringify(tick) })
    const id2 = await client.register('t-value', { schema: JSON.stringify(tickV2) })
    const latest = avroSerializer(client, { useLatestVersion: true })
    const bytes = (await latest.serialize('t', { event_time: 1, ticker: 'A', price: 1, venue: 'X' }))!
    expect(bytes.readInt32BE(1)).toBe(id2)
    const fixed = avroSerializer(client, { schemaId: 1 })
    expect((await fixed.serialize('t', { event_time: 1, ticker: 'A', price: 1 }))!.readInt32BE(1)).toBe(1)
    expect(client.calls.register).toBe(2)
  })

  it('looks the schema up instead of registering when autoRegister is off', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = avroSerializer(client, { schema: tick, autoRegister: false })
    await expect(ser.serialize('t', { event_time: 1, ticker: 'A', price: 1 })).rejects.toThrowError(
      expect.objectContaining({ code: 'REGISTRY_ERROR' }),
    )
    await client.register('t-value', { schema: JSON.stringify(tick) })
    expect(await ser.serialize('t', { event_time: 1, ticker: 'A', price: 1 })).not.toBeNull()
  })

  it('names subjects by record for RecordName and TopicRecordName', async () => {
    const client = new InMemorySchemaRegistryClient()
    await avroSerializer(client, { schema: tick, subjectNameStrategy: 'RecordName' }).serialize('t', {
      event_time: 1,
      ticker: 'A',
      price: 1,
    })
    await avroSerializer(client, { schema: tick, subjectNameStrategy: 'TopicRecordName' }).serialize('t', {
      event_time: 1,
      ticker: 'A',
      price: 1,
    })
    await avroSerializer(client, { schema: tick, subjectNameStrategy: ({ topic }) => `custom.${topic}` }).serialize(
      't',
      { event_time: 1, ticker: 'A', price: 1 },
    )
    for (const s of ['markets.Tick', 't-markets.Tick', 'custom.t'])
      await expect(client.getLatest(s)).resolves.toMatchObject({ id: 1 })
    await expect(
      avroSerializer(client, { schema: '"string"', subjectNameStrategy: 'RecordName' }).serialize('t', 'x'),
    ).rejects.toThrowError(expect.objectContaining({ code: 'INVALID_SUBJECT' }))
  })

  it('decodes synchronously once the id is loaded', async () => {
    const client = new InMemorySchemaRegistryClient()
    const bytes = (await avroSerializer(client, { schema: '"string"' }).serialize('t', 'x'))!
    const de = avroDeserializer(client)
    expect(() => de.deserializeSync('t', bytes)).toThrowError(SerdeError)
    await de.load(bytes)
    expect(de.deserializeSync('t', bytes)).toBe('x')
    const enc = await avroSerializer(client, { schema: '"string"' }).encoderFor('t')
    expect(de.deserializeSync('t', enc('y'))).toBe('y')
  })

  it('decodes payloads of several ids synchronously in any order, and refuses an id with rules', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ints = (await avroSerializer(client, { schema: '"int"' }).serialize('a', 5))!
    const strings = (await avroSerializer(client, { schema: '"string"' }).serialize('b', 'x'))!
    const ruled = await client.register('c-value', {
      schema: '"string"',
      schemaType: 'AVRO',
      ruleSet: {
        domainRules: [{ name: 'nonEmpty', kind: 'CONDITION', mode: 'READ', type: 'CEL', expr: "message != ''" }],
      },
    })
    const withRules = Buffer.concat([Buffer.from([0, 0, 0, 0, ruled]), strings.subarray(5)])
    const de = avroDeserializer(client)
    for (const p of [ints, strings, withRules]) await de.load(p)
    for (let i = 0; i < 3; i++) {
      expect(de.deserializeSync('a', ints)).toBe(5)
      expect(de.deserializeSync('b', strings)).toBe('x')
      expect(de.deserializeSync('b', strings)).toBe('x')
      expect(() => de.deserializeSync('c', withRules)).toThrowError(expect.objectContaining({ code: 'ASYNC_ONLY' }))
    }
    expect(await de.deserialize('c', withRules)).toBe('x')
  })

  it('shares one registry call among concurrent first reads of an id', async () => {
    const client = new InMemorySchemaRegistryClient()
    const bytes = (await avroSerializer(client, { schema: '"int"' }).serialize('t', 5))!
    const de = avroDeserializer(client)
    expect(await Promise.all([1, 2, 3].map(() => de.deserialize('t', bytes)))).toEqual([5, 5, 5])
    expect(client.calls.getSchemaById).toBe(1)
  })
})

describe('avro value mapping', () => {
  const tickOpt = {
    type: 'record',
    name: 'Tick',
    fields: [
      { name: 'symbol', type: 'string' },
      { name: 'exchange', type: ['null', 'string'], default: null },
    ],
  }

  it('refuses a misspelt key for an optional field, naming the key, the path and the closest field', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = avroSerializer(client, { schema: tickOpt })
    const err = await ser.serialize('t', { symbol: 'A', exchnage: 'XNAS' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SerdeError)
    expect(err).toMatchObject({ code: 'INVALID_VALUE' })
    expect((err as Error).message).toMatch(
      /key 'exchnage' at \$ is not a field of record Tick; did you mean 'exchange'\?/,
    )
    const nested = avroSerializer(client, {
      schema: { type: 'record', name: 'Outer', fields: [{ name: 'ticks', type: { type: 'array', items: tickOpt } }] },
    })
    await expect(
      nested.serialize('u', { ticks: [{ symbol: 'A' }, { symbol: 'B', exchang: 'X' }] }),
    ).rejects.toThrowError(/key 'exchang' at \$\.ticks\[1\] .*did you mean 'exchange'/)
  })

  it('refuses a non-object for a record whose fields all have defaults (avsc alone writes the defaults)', async () => {
    const schema = { type: 'record', name: 'Outer', fields: [{ name: 'tick', type: tickOpt }] }
    for (const unknownFields of ['reject', 'ignore'] as const) {
      const ser = avroSerializer(new InMemorySchemaRegistryClient(), {
        schema: { ...schema, fields: [{ name: 'tick', type: { ...tickOpt, fields: [tickOpt.fields[1]] } }] },
        unknownFields,
      })
      await expect(ser.serialize('t', { tick: 'XNAS' })).rejects.toThrowError(
        /\$\.tick: expected record Tick \(an object\), got "XNAS"/,
      )
    }
  })

  it('drops unknown keys only when asked to', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = avroSerializer(client, { schema: tickOpt, unknownFields: 'ignore' })
    const bytes = await ser.serialize('t', { symbol: 'A', exchnage: 'XNAS' })
    expect(await avroDeserializer(client).deserialize('t', bytes)).toEqual({ symbol: 'A', exchange: null })
  })

  it('writes and reads Date for timestamp-millis, timestamp-micros and date', async () => {
    const client = new InMemorySchemaRegistryClient()
    const schema = {
      type: 'record',
      name: 'Times',
      fields: [
        { name: 'ms', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'us', type: { type: 'long', logicalType: 'timestamp-micros' } },
        { name: 'day', type: { type: 'int', logicalType: 'date' } },
        { name: 'maybe', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }], default: null },
      ],
    }
    const value = {
      ms: new Date('2024-05-06T07:08:09.123Z'),
      us: new Date('2024-05-06T07:08:09.456Z'),
      day: new Date('2024-05-06T00:00:00Z'),
      maybe: new Date(0),
    }
    const bytes = (await avroSerializer(client, { schema }).serialize('t', value))!
    expect(await avroDeserializer(client).deserialize('t', bytes)).toEqual(value)
    const { default: avsc } = await import('avsc')
    const plain = avsc.Type.forSchema({
      ...schema,
      fields: schema.fields.map((f) => ({
        ...f,
        type: f.name === 'day' ? 'int' : f.name === 'maybe' ? ['null', 'long'] : 'long',
      })),
    } as never)
    expect(plain.fromBuffer(bytes.subarray(5))).toEqual({
      ms: 1714979289123,
      us: 1714979289456000,
      day: 19849,
      maybe: 0,
    })
    await expect(
      avroSerializer(client, { schema }).serialize('t', { ...value, day: new Date('2024-05-06T01:00:00Z') }),
    ).rejects.toThrowError(/\$\.day: expected date \(a Date at midnight UTC\)/)
  })

  it('writes decimals from strings without losing digits, and uuids as strings', async () => {
    const client = new InMemorySchemaRegistryClient()
    const schema = {
      type: 'record',
      name: 'Money',
      fields: [
        { name: 'amount', type: { type: 'bytes', logicalType: 'decimal', precision: 20, scale: 2 } },
        { name: 'fixed', type: { type: 'fixed', name: 'F', size: 4, logicalType: 'decimal', precision: 9, scale: 3 } },
        { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
      ],
    }
    const value = { amount: '-12345678901234567.89', fixed: '-1.500', id: '123e4567-e89b-12d3-a456-426614174000' }
    const ser = avroSerializer(client, { schema })
    const bytes = (await ser.serialize('t', value))!
    expect(await avroDeserializer(client).deserialize('t', bytes)).toEqual(value)
    expect(
      await avroDeserializer(client).deserialize(
        't',
        (await ser.serialize('t', { ...value, amount: '7.5', fixed: '0' }))!,
      ),
    ).toEqual({ ...value, amount: '7.50', fixed: '0.000' })
    await expect(ser.serialize('t', { ...value, amount: '1.234' })).rejects.toThrowError(
      /\$\.amount: expected decimal\(20, 2\)/,
    )
    await expect(ser.serialize('t', { ...value, amount: 1.5 })).rejects.toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    )
    await expect(ser.serialize('t', { ...value, id: 'nope' })).rejects.toThrowError(/\$\.id: expected uuid/)
  })

  it('reads and writes longs as the int64 option says', async () => {
    const client = new InMemorySchemaRegistryClient()
    const schema = {
      type: 'record',
      name: 'L',
      fields: [
        { name: 'n', type: 'long' },
        { name: 'o', type: ['null', 'long'], default: null },
      ],
    }
    const big = 2n ** 62n + 1n
    const bytes = (await avroSerializer(client, { schema, int64: 'bigint' }).serialize('t', { n: big, o: -5n }))!
    expect(await avroDeserializer(client, { int64: 'bigint' }).deserialize('t', bytes)).toEqual({ n: big, o: -5n })
    expect(await avroDeserializer(client, { int64: 'string' }).deserialize('t', bytes)).toEqual({
      n: big.toString(),
      o: '-5',
    })
    await expect(avroDeserializer(client).deserialize('t', bytes)).rejects.toThrowError(/int64: 'bigint'/)
    const small = (await avroSerializer(client, { schema }).serialize('t', { n: 5, o: null }))!
    expect(await avroDeserializer(client).deserialize('t', small)).toEqual({ n: 5, o: null })
    expect(await avroDeserializer(client, { int64: 'bigint' }).deserialize('t', small)).toEqual({ n: 5n, o: null })
    await expect(avroSerializer(client, { schema }).serialize('t', { n: 5n })).rejects.toThrowError(
      /\$\.n: expected long/,
    )
    await expect(avroSerializer(client, { schema }).serialize('t', { n: 2 ** 60 })).rejects.toThrowError(
      /int64: 'bigint'/,
    )
  })
})

describe('avro longs beyond 2^52', () => {
  it('writes and reads every safe integer exactly (avsc alone flips the sign below -2^52)', async () => {
    const client = new InMemorySchemaRegistryClient()
    const ser = avroSerializer(client, { schema: '"long"' })
    const de = avroDeserializer(client)
    for (const n of [-(2 ** 53 - 1), -5_900_000_000_000_001, -(2 ** 52) - 1, 2 ** 52 + 1, 2 ** 53 - 1, 0, -1]) {
      const bytes = (await ser.serialize('t', n))!
      const z = n >= 0 ? 2n * BigInt(n) : -2n * BigInt(n) - 1n
      let hex = ''
      for (let x = z; ; ) {
        const b = Number(x & 0x7fn)
        x >>= 7n
        hex += (x > 0n ? b | 0x80 : b).toString(16).padStart(2, '0')
        if (x === 0n) break
      }
      expect(bytes.subarray(5).toString('hex')).toBe(hex)
      expect(await de.deserialize('t', bytes)).toBe(n)
    }
  })
})

describe('avro longs of every length', () => {
  it('reads back every width of varint, both signs, as avsc does within 2^52 and exactly beyond', async () => {
    const client = new InMemorySchemaRegistryClient()
    const enc = await avroSerializer(client, { schema: { type: 'array', items: 'long' } }).encoderFor('t')
    const de = avroDeserializer(client)
    const plain = avsc.Type.forSchema({ type: 'array', items: 'long' })
    const values: number[] = [0]
    for (let bits = 0; bits <= 53; bits++) {
      const top = 2 ** bits
      for (const n of [top - 1, top, top + 1, Math.floor(top * 1.37), Math.floor(top * 1.999)]) {
        if (Number.isSafeInteger(n) && n > 0) values.push(n, -n)
      }
    }
    const bytes = enc(values)
    await de.load(bytes)
    expect(de.deserializeSync('t', bytes)).toEqual(values)
    const within = values.filter((n) => Math.abs(n) < 2 ** 52)
    expect(de.deserializeSync('t', enc(within))).toEqual(plain.fromBuffer(plain.toBuffer(within)))
  })
})

describe('avro encoder buffers', () => {
  const pair = {
    type: 'record',
    name: 'Pair',
    fields: [
      { name: 'first', type: 'string' },
      { name: 'second', type: 'string' },
    ],
  }

  it('writes a value whose getter encodes another value with the same encoder, each message intact', async () => {
    const client = new InMemorySchemaRegistryClient()
    const enc = await avroSerializer(client, { schema: pair }).encoderFor('t')
    const de = avroDeserializer(client)
    let inner: Buffer | undefined
    const outer = enc({
      first: 'outer-first',
      // Read after `first` is written: the nested message must not overwrite the outer one's bytes.
      get second() {
        inner = enc({ first: 'inner-first', second: 'inner-second' })
        return 'outer-second'
      },
    })
    await de.load(outer)
    expect(de.deserializeSync('t', outer)).toEqual({ first: 'outer-first', second: 'outer-second' })
    expect(de.deserializeSync('t', inner!)).toEqual({ first: 'inner-first', second: 'inner-second' })
    // The encoder's own buffer is free again afterwards.
    expect(de.deserializeSync('t', enc({ first: 'a', second: 'b' }))).toEqual({ first: 'a', second: 'b' })
  })

  it('grows its buffer for a large message and keeps writing small ones after it', async () => {
    const client = new InMemorySchemaRegistryClient()
    const enc = await avroSerializer(client, { schema: pair }).encoderFor('t')
    const de = avroDeserializer(client)
    const big = { first: 'x'.repeat(5000), second: 'é'.repeat(3000) }
    const bytes = enc(big)
    await de.load(bytes)
    expect(de.deserializeSync('t', bytes)).toEqual(big)
    for (const v of [{ first: '', second: '' }, { first: 'a'.repeat(70), second: 'b' }, big]) {
      expect(de.deserializeSync('t', enc(v))).toEqual(v)
    }
  })

  it('refuses a value that grows between the two writes a large message takes', async () => {
    const client = new InMemorySchemaRegistryClient()
    const enc = await avroSerializer(client, { schema: pair }).encoderFor('t')
    let reads = 0
    const value = {
      first: 'a',
      get second() {
        reads++
        return 'y'.repeat(reads === 1 ? 3000 : 20_000)
      },
    }
    expect(() => enc(value)).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', message: expect.stringContaining('changed while') }),
    )
  })

  it('decodes a valid payload after one that failed to decode', async () => {
    const client = new InMemorySchemaRegistryClient()
    const enc = await avroSerializer(client, { schema: tick }).encoderFor('t')
    const de = avroDeserializer(client)
    const bytes = enc({ event_time: 2 ** 52 + 1, ticker: 'ACME', price: 2 })
    await de.load(bytes)
    expect(() => de.deserializeSync('t', bytes.subarray(0, bytes.length - 3))).toThrowError(
      expect.objectContaining({ code: 'TRUNCATED' }),
    )
    // A long beyond 2^53 - 1: the decoder throws from inside the datum.
    const wide = Buffer.concat([bytes.subarray(0, 5), Buffer.from('ffffffffffffffff7f', 'hex'), bytes.subarray(13)])
    expect(() => de.deserializeSync('t', wide)).toThrowError(expect.objectContaining({ code: 'INVALID_PAYLOAD' }))
    expect(de.deserializeSync('t', bytes)).toEqual({ event_time: 2 ** 52 + 1, ticker: 'ACME', price: 2 })
  })
})

/**
 * Serde throughput: encode and decode ops/s per format for our serializers against the raw
 * libraries (avsc, protobufjs, JSON + ajv) and @kafkajs/confluent-schema-registry, measured in
 * the same run, interleaved, best of a few rounds, in process CPU time. Run: `node --import tsx bench/serde.ts`.
 * `SERDE_BENCH_MS` sets the time per round and variant (default 300 ms; 3 rounds).
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { Ajv } from 'ajv'
import avsc from 'avsc'
import protobuf from 'protobufjs'
import { pathToFileURL } from 'node:url'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '../src/main.js'
import { HttpSchemaRegistryClient } from '../src/serde/http-client.js'
import { avroDeserializer, avroSerializer } from '../src/serde/avro.js'
import { jsonDeserializer, jsonSerializer } from '../src/serde/json.js'
import { protobufDeserializer, protobufSerializer } from '../src/serde/protobuf.js'
import { compare, ROUND_MS, ROUNDS } from './timing.js'

export interface SerdeBenchRow {
  readonly format: 'AVRO' | 'PROTOBUF' | 'JSON'
  readonly op: 'encode' | 'decode'
  readonly variant: string
  readonly opsPerSec: number
  /** Our ops/s over the raw library's (only on our rows). */
  readonly vsRaw?: number
  /** Our ops/s over @kafkajs/confluent-schema-registry's (Avro rows only). */
  readonly vsKafkajs?: number
}

const TICK_SCHEMA = {
  type: 'record',
  name: 'StockTick',
  namespace: 'markets',
  fields: [
    { name: 'event_time', type: 'long' },
    { name: 'ticker', type: 'string' },
    { name: 'price', type: 'double' },
  ],
} as const
const TICK = { event_time: 1_700_000_000_000, ticker: 'ACME', price: 101.25 }
const TODO_PROTO = 'syntax = "proto3";\npackage bench;\n\nmessage Todo {\n  int32 id = 1;\n  string content = 2;\n}\n'
const TODO = { id: 42, content: 'write the quarterly report' }
const PRODUCT_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'ProductCreated',
  type: 'object',
  properties: { productId: { type: 'string' }, name: { type: 'string' }, price: { type: 'number', minimum: 0 } },
  required: ['productId', 'name', 'price'],
}
const PRODUCT = { productId: 'p-1001', name: 'Kettle', price: 25.5 }

export async function runSerdeBench(): Promise<SerdeBenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'registrum-serde-bench-'))
  const server = await startServer({ host: '127.0.0.1', port: 0, db: join(dir, 'bench.db'), logLevel: 'silent' })
  const client = new HttpSchemaRegistryClient({ baseUrl: server.url })
  const rows: SerdeBenchRow[] = []
  try {
    const add = (format: SerdeBenchRow['format'], op: SerdeBenchRow['op'], results: Map<string, number>) => {
      const raw = results.get('raw')!
      const kjs = results.get('kafkajs-registry')
      for (const [variant, opsPerSec] of results) {
        const ours = variant.startsWith('registrum')
        rows.push({
          format,
          op,
          variant,
          opsPerSec,
          ...(ours ? { vsRaw: opsPerSec / raw } : {}),
          ...(ours && kjs !== undefined ? { vsKafkajs: opsPerSec / kjs } : {}),
        })
      }
    }

    // Avro
    const tickType = avsc.Type.forSchema(TICK_SCHEMA as unknown as avsc.Schema)
    const kafkajs = new SchemaRegistry({ host: server.url })
    const { id: kId } = await kafkajs.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(TICK_SCHEMA) },
      { subject: 'ticks-value' },
    )
    const avroSer = avroSerializer<typeof TICK>(client, { schema: TICK_SCHEMA })
    const avroDe = avroDeserializer<typeof TICK>(client)
    const avroEnc = await avroSer.encoderFor('ticks')
    const framed = avroEnc(TICK)
    await avroDe.load(framed)
    await kafkajs.decode(framed)
    const body = tickType.toBuffer(TICK)
    add(
      'AVRO',
      'encode',
      await compare([
        { name: 'raw', op: () => tickType.toBuffer(TICK), async: false },
        { name: 'registrum (sync encoder)', op: () => avroEnc(TICK), async: false },
        { name: 'registrum (async serialize)', op: () => avroSer.serialize('ticks', TICK), async: true },
        { name: 'kafkajs-registry', op: () => kafkajs.encode(kId, TICK), async: true },
      ]),
    )
    add(
      'AVRO',
      'decode',
      await compare([
        { name: 'raw', op: () => tickType.fromBuffer(body), async: false },
        { name: 'registrum (sync)', op: () => avroDe.deserializeSync('ticks', framed), async: false },
        { name: 'registrum (async)', op: () => avroDe.deserialize('ticks', framed), async: true },
        { name: 'kafkajs-registry', op: () => kafkajs.decode(framed), async: true },
      ]),
    )

    // Protobuf
    const todoType = protobuf.parse(TODO_PROTO, { keepCase: true }).root.lookupType('bench.Todo')
    const pbSer = protobufSerializer<typeof TODO>(client, { schema: TODO_PROTO })
    const pbDe = protobufDeserializer(client)
    const pbEnc = await pbSer.encoderFor('todos')
    const pbFramed = pbEnc(TODO)
    await pbDe.load(pbFramed)
    const pbBody = todoType.encode(TODO).finish()
    add(
      'PROTOBUF',
      'encode',
      await compare([
        { name: 'raw', op: () => todoType.encode(TODO).finish(), async: false },
        { name: 'registrum (sync encoder)', op: () => pbEnc(TODO), async: false },
        { name: 'registrum (async serialize)', op: () => pbSer.serialize('todos', TODO), async: true },
      ]),
    )
    add(
      'PROTOBUF',
      'decode',
      await compare([
        { name: 'raw', op: () => todoType.decode(pbBody), async: false },
        { name: 'registrum (sync)', op: () => pbDe.deserializeSync('todos', pbFramed), async: false },
        { name: 'registrum (async)', op: () => pbDe.deserialize('todos', pbFramed), async: true },
      ]),
    )

    // JSON Schema (encode validates on both sides; decode does not)
    const validate = new Ajv({ strict: false }).compile(PRODUCT_SCHEMA)
    const jsonSer = jsonSerializer<typeof PRODUCT>(client, { schema: PRODUCT_SCHEMA })
    const jsonDe = jsonDeserializer(client)
    const jsonEnc = await jsonSer.encoderFor('products')
    const jsonFramed = jsonEnc(PRODUCT)
    await jsonDe.load(jsonFramed)
    const jsonBody = Buffer.from(JSON.stringify(PRODUCT))
    add(
      'JSON',
      'encode',
      await compare([
        {
          name: 'raw',
          op: () => {
            if (!validate(PRODUCT)) throw new Error('invalid')
            return Buffer.from(JSON.stringify(PRODUCT))
          },
          async: false,
        },
        { name: 'registrum (sync encoder)', op: () => jsonEnc(PRODUCT), async: false },
        { name: 'registrum (async serialize)', op: () => jsonSer.serialize('products', PRODUCT), async: true },
      ]),
    )
    add(
      'JSON',
      'decode',
      await compare([
        { name: 'raw', op: () => JSON.parse(jsonBody.toString('utf8')), async: false },
        { name: 'registrum (sync)', op: () => jsonDe.deserializeSync('products', jsonFramed), async: false },
        { name: 'registrum (async)', op: () => jsonDe.deserialize('products', jsonFramed), async: true },
      ]),
    )
  } finally {
    client.close()
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
  print(rows)
  return rows
}

function print(rows: readonly SerdeBenchRow[]): void {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
  const ratio = (r: number | undefined) => (r === undefined ? '' : `${r.toFixed(2)}x`)
  console.log(`\nserde throughput (ops per CPU-second, best of ${ROUNDS} x ${ROUND_MS} ms, interleaved)`)
  console.log(
    ['format', 'op', 'variant', 'ops/s', 'vs raw', 'vs kafkajs']
      .map((h, i) => h.padEnd([9, 7, 28, 13, 8, 10][i]!))
      .join(''),
  )
  for (const r of rows) {
    console.log(
      [r.format, r.op, r.variant, fmt(r.opsPerSec), ratio(r.vsRaw), ratio(r.vsKafkajs)]
        .map((c, i) => c.padEnd([9, 7, 28, 13, 8, 10][i]!))
        .join(''),
    )
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSerdeBench()
}

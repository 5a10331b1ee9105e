/**
 * Avro serializer and deserializer: Confluent framing around Avro binary (spec §6.3), a
 * top-level `bytes` schema written raw, and reading into a reader schema through avsc resolvers
 * (one per writer schema id).
 */
import type { Type as AvscType } from 'avsc'
import { avroFormat, type AvroSchema } from '../formats/avro/index.js'
import type { SchemaInfo, SchemaRegistryClient } from './client.js'
import { SerdeError } from './errors.js'
import { avroFieldWalker } from './rules/fields.js'
import {
  deserializerFrom, parseWithRefs, ReaderDecoders, serializerFrom, WriterSchemas,
  type Decoder, type Deserializer, type DeserializerConfig, type FormatBinding, type LocalSchema, type Serializer, type SerializerConfig,
} from './serde.js'
import { describeRef, frame, HEADER_SIZE, writeHeader, type SchemaRef } from './wire.js'

type AvroParsed = AvroSchema

const AVRO: FormatBinding<AvroParsed> = {
  type: 'AVRO',
  parse: (text, refs) => avroFormat.parse(text, refs, 'stored'),
  recordName: (p) => p.fullName,
  fieldWalker: (p) => avroFieldWalker(p.root),
}

export interface AvroSerializerConfig extends SerializerConfig {
  /** The writer schema (Avro JSON text or object), unless `useLatestVersion`/`schemaId` supply it. */
  readonly schema?: string | object
  readonly references?: LocalSchema['references']
}

export interface AvroDeserializerConfig extends DeserializerConfig {
  /**
   * Decode into this schema (Avro schema resolution, e.g. an older or newer version of the
   * record); default: the writer schema of each payload.
   */
  readonly readerSchema?: string | object
  readonly references?: LocalSchema['references']
}

/**
 * @example
 * const ser = avroSerializer<Tick>(client, { schema: { type: 'record', name: 'Tick', fields: [...] } })
 * const bytes = await ser.serialize('stock_avro_topic', { event_time: 1, ticker: 'ACME', price: 9.5 })
 */
export function avroSerializer<T = unknown>(client: SchemaRegistryClient, config: AvroSerializerConfig = {}): Serializer<T> {
  const local = config.schema === undefined ? undefined : { schema: schemaText(config.schema), references: config.references }
  return serializerFrom(new WriterSchemas(client, AVRO, config, local), (w) => avroEncoder<T>(w.id, w.parsed.avscType))
}

/**
 * @example
 * const de = avroDeserializer<Tick>(client, { readerSchema: tickV2 })
 * const tick = await de.deserialize('stock_avro_topic', message.value)
 */
export function avroDeserializer<T = unknown>(client: SchemaRegistryClient, config: AvroDeserializerConfig = {}): Deserializer<T> {
  let reader: Promise<AvroParsed> | undefined
  const readerSchema = config.readerSchema
  const readerType = (): Promise<AvroParsed> => {
    if (reader === undefined) {
      const info: SchemaInfo = { schema: schemaText(readerSchema!), schemaType: 'AVRO', references: config.references ?? [] }
      reader = parseWithRefs(client, AVRO, info, 'The reader schema')
      reader.catch(() => { reader = undefined })
    }
    return reader
  }
  const decoders = new ReaderDecoders(client, async (ref, info) => {
    const writer = await parseWithRefs(client, AVRO, info, describeRef(ref, true))
    return avroDecoder<T>(ref, writer.avscType, readerSchema === undefined ? undefined : (await readerType()).avscType)
  })
  return deserializerFrom(decoders, config, AVRO)
}

/**
 * Encodes into a scratch buffer that holds the header already, then copies out exactly the
 * bytes written: one allocation per message, as avsc's own `toBuffer`.
 */
function avroEncoder<T>(id: number, type: AvscType): (value: T) => Buffer {
  if (type.typeName === 'bytes') {
    // Spec §6.3: a top-level "bytes" payload is the raw bytes, without Avro's length prefix.
    return (value) => {
      if (!(value instanceof Uint8Array)) throw invalidValue(type, value)
      return frame(id, value)
    }
  }
  let scratch = Buffer.allocUnsafe(2048)
  writeHeader(scratch, id)
  return (value) => {
    let end: number
    try {
      end = type.encode(value, scratch, HEADER_SIZE)
      if (end < 0) {
        scratch = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end))
        writeHeader(scratch, id)
        end = type.encode(value, scratch, HEADER_SIZE)
      }
    } catch (cause) {
      throw invalidValue(type, value, cause)
    }
    const out = Buffer.allocUnsafe(end)
    scratch.copy(out, 0, 0, end)
    return out
  }
}

function avroDecoder<T>(ref: SchemaRef, writer: AvscType, reader: AvscType | undefined): Decoder<T> {
  if (writer.typeName === 'bytes') {
    const asString = reader?.typeName === 'string'
    return (payload, start) => {
      const raw = Buffer.from(payload.subarray(start))
      return (asString ? raw.toString('utf8') : raw) as T
    }
  }
  let target = writer
  let resolver: ReturnType<AvscType['createResolver']> | undefined
  if (reader !== undefined && !reader.equals(writer)) {
    try {
      resolver = reader.createResolver(writer)
    } catch (cause) {
      throw new SerdeError(
        'INVALID_SCHEMA',
        `The reader schema cannot read data written with ${describeRef(ref)}: ${(cause as Error).message}`,
        { cause },
      )
    }
    target = reader
  } else if (reader !== undefined) {
    target = reader
  }
  return (payload, start) => {
    const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
    let res: { value: unknown; offset: number }
    try {
      res = target.decode(buf, start, resolver)
    } catch (cause) {
      throw new SerdeError('INVALID_PAYLOAD', `Payload does not decode with Avro ${describeRef(ref)}: ${(cause as Error).message}`, { cause })
    }
    if (res.offset < 0) {
      throw new SerdeError('TRUNCATED', `Payload of ${buf.length} bytes ends before the Avro datum of ${describeRef(ref)} is complete.`)
    }
    return res.value as T
  }
}

function invalidValue(type: AvscType, value: unknown, cause?: unknown): SerdeError {
  const problems: string[] = []
  type.isValid(value, {
    errorHook: (path: string[], any: unknown, t: AvscType) => {
      if (problems.length < 5) {
        problems.push(`${path.length === 0 ? '(root)' : path.join('.')}: expected ${describe(t)}, got ${preview(any)}`)
      }
    },
  })
  const name = type.name ?? type.typeName
  const detail = problems.length > 0 ? problems.join('; ') : (cause as Error | undefined)?.message ?? 'invalid value'
  return new SerdeError('INVALID_VALUE', `Value does not match Avro schema ${name}: ${detail}`, cause === undefined ? undefined : { cause })
}

function describe(t: AvscType): string {
  return t.name ?? t.typeName
}

function preview(v: unknown): string {
  if (v === undefined) return 'undefined'
  if (typeof v === 'bigint') return `${v}n`
  if (v instanceof Uint8Array) return `<${v.length} bytes>`
  const s = JSON.stringify(v) ?? String(v)
  return s.length > 60 ? `${s.slice(0, 57)}...` : s
}

function schemaText(schema: string | object): string {
  return typeof schema === 'string' ? schema : JSON.stringify(schema)
}


/**
 * Avro serializer and deserializer: Confluent framing around Avro binary (spec §6.3), a
 * top-level `bytes` schema written raw, and reading into a reader schema through avsc resolvers
 * (one per writer schema id).
 */
import type { Type as AvscType } from 'avsc'
import { buildAvscType } from '../formats/avro/avsc.js'
import { avroFormat, type AvroSchema } from '../formats/avro/index.js'
import { avscOptions, avscTap, describeAvro, keyChecker, type Tap, type TapCodec } from './avro-types.js'
import type { SchemaInfo, SchemaRegistryClient } from './client.js'
import { SerdeError } from './errors.js'
import { checkInt64Mode, type Int64Mode } from './int64.js'
import { avroFieldWalker } from './rules/fields.js'
import { ReaderDecoders, type Decoder } from './decoders.js'
import { deserializerFrom, type Deserializer, type DeserializerConfig } from './deserializer.js'
import { parseWithRefs, type FormatBinding, type ValueTypesConfig } from './format-binding.js'
import { serializerFrom, type Serializer } from './serializer.js'
import { WriterSchemas, type LocalSchema, type SerializerConfig } from './writer-schema.js'
import { preview } from './value-errors.js'
import { describeRef, frame, HEADER_SIZE, writeHeader, type SchemaRef } from './wire.js'

type AvroParsed = AvroSchema

const EMPTY = Buffer.alloc(0)

const AVRO: FormatBinding<AvroParsed> = {
  type: 'AVRO',
  parse: (text, refs) => avroFormat.parse(text, refs, 'stored'),
  recordName: (p) => p.fullName,
  fieldWalker: (p) => avroFieldWalker(p.root),
}

export interface AvroSerializerConfig extends SerializerConfig, ValueTypesConfig {
  /** The writer schema (Avro JSON text or object), unless `useLatestVersion`/`schemaId` supply it. */
  readonly schema?: string | object
  readonly references?: LocalSchema['references']
}

export interface AvroDeserializerConfig extends DeserializerConfig, ValueTypesConfig {
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
export function avroSerializer<T = unknown>(
  client: SchemaRegistryClient,
  config: AvroSerializerConfig = {},
): Serializer<T> {
  const local =
    config.schema === undefined ? undefined : { schema: schemaText(config.schema), references: config.references }
  const int64 = checkInt64Mode(config.int64)
  const strict = config.unknownFields !== 'ignore'
  return serializerFrom(new WriterSchemas(client, AVRO, config, local), (w) =>
    avroEncoder<T>(w.id, avscTypeOf(w.parsed, int64), int64, strict),
  )
}

/** The avsc type of a parsed schema under the serde's type table (logical types, int64 mode). */
function avscTypeOf(parsed: AvroParsed, int64: Int64Mode): AvscType {
  try {
    return buildAvscType(parsed.root, parsed.refRoots, avscOptions(int64))
  } catch (cause) {
    throw new SerdeError('INVALID_SCHEMA', (cause as Error).message, { cause })
  }
}

/**
 * @example
 * const de = avroDeserializer<Tick>(client, { readerSchema: tickV2 })
 * const tick = await de.deserialize('stock_avro_topic', message.value)
 */
export function avroDeserializer<T = unknown>(
  client: SchemaRegistryClient,
  config: AvroDeserializerConfig = {},
): Deserializer<T> {
  let reader: Promise<AvroParsed> | undefined
  const readerSchema = config.readerSchema
  const int64 = checkInt64Mode(config.int64)
  const readerType = (): Promise<AvroParsed> => {
    if (reader === undefined) {
      const info: SchemaInfo = {
        schema: schemaText(readerSchema!),
        schemaType: 'AVRO',
        references: config.references ?? [],
      }
      reader = parseWithRefs(client, AVRO, info, 'The reader schema')
      reader.catch(() => {
        reader = undefined
      })
    }
    return reader
  }
  const decoders = new ReaderDecoders(client, async (ref, info) => {
    const writer = await parseWithRefs(client, AVRO, info, describeRef(ref, true))
    return avroDecoder<T>(
      ref,
      avscTypeOf(writer, int64),
      readerSchema === undefined ? undefined : avscTypeOf(await readerType(), int64),
    )
  })
  return deserializerFrom(decoders, config, AVRO)
}

/**
 * Maps then encodes: the value mapping (here a check that every record key names a field; the
 * types and logical conversions are checked by avsc as it writes) runs first, and nothing is
 * written unless it passes. Encodes into a scratch buffer that holds the header already, then
 * copies out exactly the bytes written: one allocation per message, as avsc's own `toBuffer`.
 */
function avroEncoder<T>(id: number, type: AvscType, int64: Int64Mode, strict: boolean): (value: T) => Buffer {
  if (type.typeName === 'bytes') {
    // Spec §6.3: a top-level "bytes" payload is the raw bytes, without Avro's length prefix.
    return (value) => {
      if (!(value instanceof Uint8Array)) throw invalidValue(type, value, int64)
      return frame(id, value)
    }
  }
  const check = keyChecker(type, `Value does not match Avro schema ${type.name ?? type.typeName}`, strict)
  const encode = avroBody(id, type, int64)
  return check === undefined
    ? encode
    : (value) => {
        check(value, '$')
        return encode(value)
      }
}

/**
 * The framed Avro binary of a value that passed the mapping. One tap, kept over a scratch buffer
 * that holds the header already, takes every message (`Type#encode` would allocate one per
 * call); a small message is then copied out byte by byte, which costs less than `Buffer#copy`'s
 * argument checks. A getter of the value that calls this encoder again while it writes gets a
 * tap and buffer of its own, so neither message overwrites the other.
 */
function avroBody<T>(id: number, type: AvscType, int64: Int64Mode): (value: T) => Buffer {
  const codec = type as unknown as TapCodec
  const shared = avscTap(Buffer.allocUnsafe(2048))
  writeHeader(shared.buf, id)
  let busy = false
  /** Writes `value` after the header in `tap`'s buffer, growing it when the value does not fit; the end offset. */
  const write = (tap: Tap, value: T): number => {
    tap.pos = HEADER_SIZE
    codec._write(tap, value)
    if (tap.pos <= tap.buf.length) return tap.pos
    tap.buf = Buffer.allocUnsafe(Math.max(tap.buf.length * 2, tap.pos))
    writeHeader(tap.buf, id)
    tap.pos = HEADER_SIZE
    codec._write(tap, value)
    // Only a value that changed between the two writes (a getter) can still not fit.
    if (tap.pos > tap.buf.length) throw new Error('the value changed while it was being written')
    return tap.pos
  }
  return (value) => {
    const outer = busy
    let tap = shared
    if (outer) {
      tap = avscTap(Buffer.allocUnsafe(256))
      writeHeader(tap.buf, id)
    }
    busy = true
    let end: number
    try {
      end = write(tap, value)
    } catch (cause) {
      throw invalidValue(type, value, int64, cause)
    } finally {
      busy = outer
    }
    const src = tap.buf
    const out = Buffer.allocUnsafe(end)
    if (end <= 64) for (let i = 0; i < end; i++) out[i] = src[i]!
    else src.copy(out, 0, 0, end)
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
  // What `target.decode(buf, start, resolver)` does, without its tap and result allocations:
  // decoding runs no code of the caller's, so one tap serves every payload.
  const codec = (resolver ?? target) as unknown as TapCodec
  const tap = avscTap(EMPTY)
  return (payload, start) => {
    const buf = Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
    let value: unknown
    let end: number
    tap.buf = buf
    tap.pos = start
    try {
      value = codec._read(tap)
      end = tap.pos
    } catch (cause) {
      const hint =
        (cause as Error).message === 'potential precision loss'
          ? ` (a long beyond Number.MAX_SAFE_INTEGER: read it with int64: 'bigint' or 'string')`
          : ''
      throw new SerdeError(
        'INVALID_PAYLOAD',
        `Payload does not decode with Avro ${describeRef(ref)}: ${(cause as Error).message}${hint}`,
        { cause },
      )
    } finally {
      // The tap must not keep the payload alive.
      tap.buf = EMPTY
    }
    if (end > buf.length) {
      throw new SerdeError(
        'TRUNCATED',
        `Payload of ${buf.length} bytes ends before the Avro datum of ${describeRef(ref)} is complete.`,
      )
    }
    return value as T
  }
}

function invalidValue(type: AvscType, value: unknown, int64: Int64Mode, cause?: unknown): SerdeError {
  const problems: string[] = []
  type.isValid(value, {
    errorHook: (path: string[], any: unknown, t: AvscType) => {
      if (problems.length < 5) {
        const where = path.reduce((p, k) => (/^\d+$/.test(k) ? `${p}[${k}]` : `${p}.${k}`), '$')
        problems.push(`${where}: expected ${describeAvro(t, int64)}, got ${preview(any)}`)
      }
    },
  })
  const name = type.name ?? type.typeName
  const detail = problems.length > 0 ? problems.join('; ') : ((cause as Error | undefined)?.message ?? 'invalid value')
  return new SerdeError(
    'INVALID_VALUE',
    `Value does not match Avro schema ${name}: ${detail}`,
    cause === undefined ? undefined : { cause },
  )
}

function schemaText(schema: string | object): string {
  return typeof schema === 'string' ? schema : JSON.stringify(schema)
}

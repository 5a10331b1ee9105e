/**
 * Protobuf serializer and deserializer: Confluent framing, then the message-index list that
 * names the message within the registered file (formats/protobuf/message-indexes.ts), then the
 * protobuf binary (spec §6.2).
 */
import protobuf from 'protobufjs'
import {
  decodeMessageIndexes,
  encodeMessageIndexes,
  messageIndexes,
  messageNameAt,
  type IndexedType,
} from '../formats/protobuf/message-indexes.js'
import { parseProtobuf, type ProtobufSchema } from '../formats/protobuf/parse.js'
import type { SchemaRegistryClient } from './client.js'
import { importReferences } from './protobuf-imports.js'
import { SerdeError } from './errors.js'
import { checkInt64Mode } from './int64.js'
import { ProtobufMapping, type FromWire, type ToWire } from './protobuf-mapping.js'
import { protobufFieldTags, protobufFieldWalker } from './rules/fields.js'
import { ReaderDecoders, type Decoder } from './decoders.js'
import { deserializerFrom, type Deserializer, type DeserializerConfig } from './deserializer.js'
import { parseWithRefs, type FormatBinding, type ValueTypesConfig } from './format-binding.js'
import { serializerFrom, type Serializer } from './serializer.js'
import { WriterSchemas, type LocalSchema, type SerializerConfig, type WriterSchema } from './writer-schema.js'
import {
  describeRef,
  frame,
  GUID_HEADER_SIZE,
  HEADER_SIZE,
  type PayloadFrame,
  type SchemaRef,
  writeHeader,
} from './wire.js'

export interface ProtobufSerializerConfig extends SerializerConfig, ValueTypesConfig {
  /** `.proto` text of the writer schema, unless `useLatestVersion`/`schemaId` supply it. */
  readonly schema?: string
  readonly references?: LocalSchema['references']
  /**
   * Texts of the files `schema` imports, by import path (`'acme/common.proto': '...'`), also for
   * their own imports. Each is registered (or, with `autoRegister: false`, looked up) under a
   * subject named like its path before the schema, which then references them. Built-in
   * google/confluent files need no entry.
   */
  readonly dependencies?: Readonly<Record<string, string>>
  /**
   * Full name of the message to write (`acme.Todo`); default: the file's first message, as
   * Confluent's serializers pick it (a value that does not fit it is an error naming the others).
   */
  readonly messageType?: string
}

export interface ProtobufDeserializerConfig extends DeserializerConfig, ValueTypesConfig {
  /** Decode every payload as this message (full name); default: the message the indexes name. */
  readonly messageType?: string
  /** Keys of the decoded objects: `.proto` field names (default) or their lowerCamelCase JSON names. */
  readonly fieldNames?: 'proto' | 'json'
  /**
   * Bypass the type table: return protobufjs' `Type.toObject` with these options (int64 as Long
   * objects or strings, enums as numbers, ...) instead of the serde's plain objects.
   */
  readonly toObject?: protobuf.IConversionOptions
}

const EMPTY = Buffer.alloc(0)

/** The operations protobufjs' Writer queues; `finish` runs them into one buffer of `len` bytes. */
interface WriterOp {
  fn(val: unknown, buf: Uint8Array, pos: number): void
  len: number
  val: unknown
  next: WriterOp | undefined
}

interface ReaderState {
  pos: number
  len: number
  buf: Buffer & { utf8Slice(start: number, end: number): string }
  uint32(): number
}

function checkedString(this: ReaderState): string {
  const len = this.uint32()
  const start = this.pos
  if (start + len > this.len) throw new RangeError(`index out of range: ${start} + ${len} > ${this.len}`)
  this.pos = start + len
  return this.buf.utf8Slice(start, this.pos)
}

/**
 * protobufjs' Buffer reader, except that a string running past the end of the payload is an
 * error: BufferReader#string clamps it silently, which would hide a truncated payload. Written
 * as an ES5 subclass like protobufjs' own readers: a `class ... extends` makes each
 * construction several times slower.
 */
const CheckedReader = function CheckedReader(this: unknown, buf: Buffer) {
  ;(protobuf.BufferReader as unknown as (this: unknown, buf: Buffer) => void).call(this, buf)
} as unknown as new (
  buf: Buffer,
) => protobuf.BufferReader
CheckedReader.prototype = Object.assign(Object.create(protobuf.BufferReader.prototype) as object, {
  constructor: CheckedReader,
  string: checkedString,
})

function binding(messageType: string | undefined): FormatBinding<ProtobufSchema> {
  return {
    type: 'PROTOBUF',
    parse: (text, refs) => parseProtobuf(text, refs, 'stored'),
    recordName: (p) => messageType ?? firstMessage(p),
    fieldWalker: (p, frame) => {
      // A decoded message is the one its payload's indexes name; a value to write is of the
      // configured or first message.
      const type = p.lookupMessage(messageType ?? (frame === undefined ? firstMessage(p) : framedMessage(p, frame)))
      return type === undefined ? undefined : protobufFieldWalker(type, fieldTagsOf(p))
    },
    bodyStart: ({ payload, start, header }) => {
      if (header !== undefined) return start
      if (payload.length <= start)
        throw new SerdeError('TRUNCATED', 'The payload ends before its Protobuf message indexes.')
      if (payload[start] === 0) return start + 1
      try {
        return start + decodeMessageIndexes(payload, start).bytesRead
      } catch (cause) {
        throw new SerdeError(
          'INVALID_MESSAGE_INDEXES',
          `Invalid Protobuf message indexes: ${(cause as Error).message}.`,
          {
            cause,
          },
        )
      }
    },
  }
}

/**
 * @example
 * const ser = protobufSerializer<Todo>(client, { schema: 'syntax = "proto3"; message Todo { int32 id = 1; string content = 2; }' })
 * await producer.send({ topic: 'todos2', messages: [{ value: await ser.serialize('todos2', { id: 1, content: 'milk' }) }] })
 */
export function protobufSerializer<T = Record<string, unknown>>(
  client: SchemaRegistryClient,
  config: ProtobufSerializerConfig = {},
): Serializer<T> {
  const local: LocalSchema | undefined =
    config.schema === undefined
      ? undefined
      : {
          schema: config.schema,
          references: config.references,
          prepareReferences:
            config.dependencies === undefined
              ? undefined
              : importReferences(config.schema, config.dependencies, config.references ?? []),
        }
  const messageName = (w: WriterSchema<ProtobufSchema>): string => config.messageType ?? firstMessage(w.parsed)
  const options = {
    int64: checkInt64Mode(config.int64),
    unknownFields: config.unknownFields ?? 'reject',
    fieldNames: 'proto',
  } as const
  return serializerFrom(
    new WriterSchemas(client, binding(config.messageType), config, local),
    (w) => {
      const name = messageName(w)
      const type = w.parsed.lookupMessage(name)
      if (type === undefined) {
        throw new SerdeError(
          'INVALID_SCHEMA',
          `Message '${name}' is not defined in schema id ${w.id} (subject '${w.subject}').`,
        )
      }
      const mapping = new ProtobufMapping(options, `Value does not match message ${name}`)
      const explain = config.messageType === undefined ? firstMessageOnly(name, w.parsed) : undefined
      return protobufEncoder<T>(w.id, type, messageIndexes(w.parsed.file, name), mapping.toWire(type), explain)
    },
    (w) => encodeMessageIndexes(messageIndexes(w.parsed.file, messageName(w))),
  )
}

/**
 * Without `messageType` the first message is written; a value that does not fit it was most
 * likely meant for another message, so the error lists them.
 */
function firstMessageOnly(first: string, schema: ProtobufSchema): (err: unknown) => unknown {
  return (err) => {
    const names = messageNames(schema.file.types, schema.file.packageName)
    if (!(err instanceof SerdeError) || names.length < 2) return err
    return new SerdeError(
      'INVALID_VALUE',
      `${err.message}. Without messageType the serializer writes ${first}, the schema's first message;` +
        ` the schema defines ${names.join(', ')}: set messageType to the one this value is for.`,
      { cause: err },
    )
  }
}

/** Full names of every message of a file, nested ones included, in declaration order. */
function messageNames(types: readonly IndexedType[], prefix: string | undefined): string[] {
  return types
    .filter((t) => t.kind === 'message')
    .flatMap((t) => {
      const name = prefix ? `${prefix}.${t.name}` : t.name
      return [name, ...messageNames(t.nested ?? [], name)]
    })
}

/**
 * @example
 * const de = protobufDeserializer<Todo>(client, { toObject: { defaults: true } })
 * const todo = await de.deserialize('todos2', message.value)
 */
export function protobufDeserializer<T = Record<string, unknown>>(
  client: SchemaRegistryClient,
  config: ProtobufDeserializerConfig = {},
): Deserializer<T> {
  const PB = binding(config.messageType)
  const options = {
    int64: checkInt64Mode(config.int64),
    unknownFields: 'reject',
    fieldNames: config.fieldNames ?? 'proto',
  } as const
  if (options.fieldNames !== 'proto' && options.fieldNames !== 'json')
    throw new TypeError(`fieldNames must be 'proto' or 'json'.`)
  const decoders = new ReaderDecoders(client, async (ref, info) => {
    const parsed = await parseWithRefs(client, PB, info, describeRef(ref, true))
    return protobufDecoder<T>(ref, parsed, config, new ProtobufMapping(options, `Payload of ${describeRef(ref)}`))
  })
  return deserializerFrom(decoders, config, PB)
}

/**
 * Maps, then encodes the mapped value (nothing is written unless the mapping passes); `explain`
 * may replace a mapping error with a clearer one. The prefix (header and indexes) is computed
 * once; protobufjs' queued writes then run into a buffer that starts with it, as Writer#finish
 * runs them into one of the message's length: no copy of the message, no extra queued operation.
 */
function protobufEncoder<T>(
  id: number,
  type: protobuf.Type,
  indexes: number[],
  toWire: ToWire,
  explain?: (err: unknown) => unknown,
): (value: T) => Buffer {
  const indexBytes = encodeMessageIndexes(indexes)
  const prefix = new Uint8Array(HEADER_SIZE + indexBytes.length)
  writeHeader(prefix, id)
  prefix.set(indexBytes, HEADER_SIZE)
  return (value) => {
    let mapped: unknown
    try {
      mapped = toWire(value, '$')
    } catch (err) {
      throw explain === undefined ? err : explain(err)
    }
    let w: protobuf.Writer
    try {
      w = type.encode(mapped as Record<string, unknown>, protobuf.Writer.create())
    } catch (cause) {
      throw new SerdeError(
        'INVALID_VALUE',
        `Value does not encode as message ${type.fullName.slice(1)}: ${(cause as Error).message}`,
        { cause },
      )
    }
    const head = (w as unknown as { head?: WriterOp }).head
    if (head === undefined) return frame(id, w.finish(), indexBytes)
    const out = Buffer.allocUnsafe(prefix.length + w.len)
    for (let i = 0; i < prefix.length; i++) out[i] = prefix[i]!
    let pos = prefix.length
    for (let op = head.next; op !== undefined; op = op.next) {
      op.fn(op.val, out, pos)
      pos += op.len
    }
    return out
  }
}

function protobufDecoder<T>(
  ref: SchemaRef,
  schema: ProtobufSchema,
  config: ProtobufDeserializerConfig,
  mapping: ProtobufMapping,
): Decoder<T> {
  const what = describeRef(ref)
  const fixed = config.messageType === undefined ? undefined : schema.lookupMessage(config.messageType)
  if (config.messageType !== undefined && fixed === undefined) {
    throw new SerdeError('INVALID_SCHEMA', `Message '${config.messageType}' is not defined in ${what}.`)
  }
  const byPath = new Map<string, protobuf.Type>()
  const typeAt = (indexes: number[]): protobuf.Type => {
    const key = indexes.join('.')
    let type = byPath.get(key)
    if (type === undefined) {
      let name: string
      try {
        name = messageNameAt(schema.file, indexes)
      } catch (cause) {
        throw new SerdeError(
          'INVALID_MESSAGE_INDEXES',
          `Message indexes [${indexes.join(', ')}] name no message of ${what}.`,
          { cause },
        )
      }
      type = schema.lookupMessage(name)
      if (type === undefined) throw new SerdeError('INVALID_SCHEMA', `Message '${name}' of ${what} cannot be loaded.`)
      byPath.set(key, type)
    }
    return type
  }
  const first = fixed ?? typeAt([0])
  const toObject = config.toObject
  // Most payloads of a schema name one message: remember how it reads.
  let lastType: protobuf.Type | undefined
  let lastDecode: ((r: protobuf.Reader) => protobuf.Message | Record<string, unknown>) | undefined
  let lastFinish: FromWire | undefined
  // Decoding runs no code of the caller's: one reader serves every payload.
  const reader = new CheckedReader(EMPTY) as protobuf.BufferReader & { buf: Buffer }

  /** The message the index list at `at` of `bytes` names, and where the list ends. */
  const indexed = (bytes: Uint8Array, at: number): { type: protobuf.Type; end: number } => {
    if (bytes.length <= at) {
      throw new SerdeError('TRUNCATED', `${bytes.length} bytes end before the Protobuf message indexes of ${what}.`)
    }
    if (bytes[at] === 0) return { type: first, end: at + 1 }
    let read: { indexes: number[]; bytesRead: number }
    try {
      read = decodeMessageIndexes(bytes, at)
    } catch (cause) {
      throw new SerdeError(
        'INVALID_MESSAGE_INDEXES',
        `Invalid Protobuf message indexes after ${what}: ${(cause as Error).message}.`,
        { cause },
      )
    }
    return { type: fixed ?? typeAt(read.indexes), end: at + read.bytesRead }
  }
  return (buf, start, header) => {
    let type: protobuf.Type
    let pos: number
    if (header === undefined) {
      if (buf.length > start && buf[start] === 0) {
        type = first
        pos = start + 1
      } else {
        ;({ type, end: pos } = indexed(buf, start))
      }
    } else {
      // Header framing: the indexes follow the id or GUID in the header; the payload is bare.
      type = indexed(header, header[0] === 0 ? HEADER_SIZE : GUID_HEADER_SIZE).type
      pos = start
    }
    if (type !== lastType) {
      const plain = toObject === undefined ? mapping.plainDecode(type) : undefined
      const t = type
      lastDecode = plain?.decode ?? ((r) => t.decode(r))
      lastFinish = toObject !== undefined ? undefined : (plain?.finish ?? mapping.fromWire(type))
      lastType = type
    }
    const bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
    reader.buf = bytes
    reader.pos = pos
    reader.len = bytes.length
    let msg: protobuf.Message | Record<string, unknown>
    try {
      msg = lastDecode!(reader)
    } catch (cause) {
      const truncated = cause instanceof RangeError
      throw new SerdeError(
        truncated ? 'TRUNCATED' : 'INVALID_PAYLOAD',
        `Payload does not decode as ${type.fullName.slice(1)} (${what}): ${(cause as Error).message}`,
        { cause },
      )
    } finally {
      // The reader must not keep the payload alive.
      reader.buf = EMPTY
    }
    if (lastFinish === undefined) return type.toObject(msg as protobuf.Message, toObject) as T
    return lastFinish(msg, '') as T
  }
}

/** The field tags of a schema and its imports, gathered once per parsed schema. */
const fieldTags = new WeakMap<ProtobufSchema, ReturnType<typeof protobufFieldTags>>()
function fieldTagsOf(p: ProtobufSchema): ReturnType<typeof protobufFieldTags> {
  let tags = fieldTags.get(p)
  if (tags === undefined) {
    tags = protobufFieldTags([p.file, ...p.dependencies.map((d) => d.file)])
    fieldTags.set(p, tags)
  }
  return tags
}

/** The message a framed payload's indexes name (in the header with header framing). */
function framedMessage(p: ProtobufSchema, { payload, start, header }: PayloadFrame): string {
  const [bytes, at] =
    header === undefined ? [payload, start] : [header, header[0] === 0 ? HEADER_SIZE : GUID_HEADER_SIZE]
  return messageNameAt(p.file, bytes[at] === 0 ? [0] : decodeMessageIndexes(bytes, at).indexes)
}

function firstMessage(p: ProtobufSchema): string {
  try {
    return messageNameAt(p.file, [0])
  } catch (cause) {
    throw new SerdeError('INVALID_SCHEMA', 'The Protobuf schema defines no message.', { cause })
  }
}

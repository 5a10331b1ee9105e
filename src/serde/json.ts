/**
 * JSON Schema serializer and deserializer: Confluent framing around the UTF-8 JSON text of the
 * value (spec §6.3), validated with the format's cached validator on the way out (and, when
 * asked, on the way in).
 */
import { parseJsonSchema, type JsonSchema } from '../formats/jsonschema/parse.js'
import type { SchemaRegistryClient } from './client.js'
import { SerdeError } from './errors.js'
import {
  deserializerFrom, parseWithRefs, ReaderDecoders, serializerFrom, WriterSchemas,
  type Deserializer, type FormatBinding, type LocalSchema, type Serializer, type SerializerConfig,
} from './serde.js'
import { HEADER_SIZE, writeHeader } from './wire.js'

const JSON_FORMAT: FormatBinding<JsonSchema> = {
  type: 'JSON',
  parse: (text, refs) => parseJsonSchema(text, refs, 'stored'),
  recordName: (p) => p.title,
}

export interface JsonSerializerConfig extends SerializerConfig {
  /** The JSON Schema (text or object), unless `useLatestVersion`/`schemaId` supply it. */
  readonly schema?: string | object
  readonly references?: LocalSchema['references']
  /** Validate each value against the schema before writing it (default true). */
  readonly validate?: boolean
}

export interface JsonDeserializerConfig {
  /** Validate each value against its writer schema after reading it (default false). */
  readonly validate?: boolean
}

/**
 * @example
 * const ser = jsonSerializer<ProductCreated>(client, { schema: productCreatedSchema })
 * await producer.send({ topic: 'products.created', messages: [{ key: id, value: await ser.serialize('products.created', event) }] })
 */
export function jsonSerializer<T = unknown>(client: SchemaRegistryClient, config: JsonSerializerConfig = {}): Serializer<T> {
  const local = config.schema === undefined
    ? undefined
    : { schema: typeof config.schema === 'string' ? config.schema : JSON.stringify(config.schema), references: config.references }
  return serializerFrom(new WriterSchemas(client, JSON_FORMAT, config, local), (w) => jsonEncoder<T>(w.id, w.parsed, config.validate !== false))
}

/**
 * @example
 * const de = jsonDeserializer<ProductCreated>(client, { validate: true })
 * const event = await de.deserialize('products.created', message.value)
 */
export function jsonDeserializer<T = unknown>(client: SchemaRegistryClient, config: JsonDeserializerConfig = {}): Deserializer<T> {
  const decoders = new ReaderDecoders(client, async (id, info) => {
    const parsed = await parseWithRefs(client, JSON_FORMAT, info, `Schema id ${id}`)
    return jsonDecoder<T>(id, parsed, config.validate === true)
  })
  return deserializerFrom(decoders)
}

function jsonEncoder<T>(id: number, schema: JsonSchema, validate: boolean): (value: T) => Buffer {
  const validator = validate ? compiled(schema, id) : undefined
  return (value) => {
    if (validator !== undefined) {
      const res = validator(value)
      if (!res.valid) throw invalid(schema, id, res.errors, 'Value does not match')
    }
    const text = JSON.stringify(value) as string | undefined
    if (text === undefined) throw new SerdeError('INVALID_VALUE', `Value of type ${typeof value} has no JSON form.`)
    const out = Buffer.allocUnsafe(HEADER_SIZE + Buffer.byteLength(text))
    writeHeader(out, id)
    out.write(text, HEADER_SIZE, 'utf8')
    return out
  }
}

function jsonDecoder<T>(id: number, schema: JsonSchema, validate: boolean): (buf: Uint8Array) => T {
  const validator = validate ? compiled(schema, id) : undefined
  return (buf) => {
    const bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
    let value: unknown
    try {
      value = JSON.parse(bytes.toString('utf8', HEADER_SIZE))
    } catch (cause) {
      throw new SerdeError('INVALID_PAYLOAD', `Payload after the header of schema id ${id} is not JSON: ${(cause as Error).message}`, { cause })
    }
    if (validator !== undefined) {
      const res = validator(value)
      if (!res.valid) throw invalid(schema, id, res.errors, 'Payload does not match')
    }
    return value as T
  }
}

function compiled(schema: JsonSchema, id: number): ReturnType<JsonSchema['validator']> {
  try {
    return schema.validator()
  } catch (cause) {
    throw new SerdeError('INVALID_SCHEMA', `JSON Schema id ${id} cannot be compiled: ${(cause as Error).message}`, { cause })
  }
}

function invalid(schema: JsonSchema, id: number, errors: readonly string[], what: string): SerdeError {
  const name = schema.title === undefined ? `schema id ${id}` : `'${schema.title}' (schema id ${id})`
  return new SerdeError('INVALID_VALUE', `${what} JSON Schema ${name}: ${errors.slice(0, 5).join('; ')}`)
}

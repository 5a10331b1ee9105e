/**
 * JSON Schema serializer and deserializer: Confluent framing around the UTF-8 JSON text of the
 * value (spec §6.3), validated with the format's cached validator on the way out (and, when
 * asked, on the way in).
 */
import { parseJsonSchema, type JsonSchema } from '../formats/jsonschema/parse.js'
import type { SchemaRegistryClient } from './client.js'
import { SerdeError } from './errors.js'
import { preview } from './value-errors.js'
import { ReaderDecoders, type Decoder } from './decoders.js'
import { deserializerFrom, type Deserializer, type DeserializerConfig } from './deserializer.js'
import { parseWithRefs, type FormatBinding } from './format-binding.js'
import { serializerFrom, type Serializer } from './serializer.js'
import { WriterSchemas, type LocalSchema, type SerializerConfig } from './writer-schema.js'
import { describeRef, HEADER_SIZE, writeHeader, type SchemaRef } from './wire.js'
import type { FieldWalker } from './rules/context.js'
import { jsonFieldWalker } from './rules/fields.js'

/** Field walkers by parsed schema, so the referenced documents are parsed once, not per message. */
const walkers = new WeakMap<JsonSchema, FieldWalker>()

const JSON_FORMAT: FormatBinding<JsonSchema> = {
  type: 'JSON',
  parse: (text, refs) => parseJsonSchema(text, refs, 'stored'),
  recordName: (p) => p.title,
  fieldWalker: (p) => {
    let walker = walkers.get(p)
    if (walker === undefined) {
      walker = jsonFieldWalker(p.schema, new Map(p.refs.map((r) => [r.name, parseJsonOrUndefined(r.schema)])))
      walkers.set(p, walker)
    }
    return walker
  },
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export interface JsonSerializerConfig extends SerializerConfig {
  /** The JSON Schema (text or object), unless `useLatestVersion`/`schemaId` supply it. */
  readonly schema?: string | object
  readonly references?: LocalSchema['references']
}

export interface JsonDeserializerConfig extends DeserializerConfig {
  /** Validate each value against its writer schema after reading it (default false). */
  readonly validate?: boolean
}

/**
 * @example
 * const ser = jsonSerializer<ProductCreated>(client, { schema: productCreatedSchema })
 * await producer.send({ topic: 'products.created', messages: [{ key: id, value: await ser.serialize('products.created', event) }] })
 */
export function jsonSerializer<T = unknown>(
  client: SchemaRegistryClient,
  config: JsonSerializerConfig = {},
): Serializer<T> {
  if ((config as { validate?: unknown }).validate === false) {
    throw new TypeError('The JSON Schema serializer always validates: a value that fails its schema is never written.')
  }
  const local =
    config.schema === undefined
      ? undefined
      : {
          schema: typeof config.schema === 'string' ? config.schema : JSON.stringify(config.schema),
          references: config.references,
        }
  return serializerFrom(new WriterSchemas(client, JSON_FORMAT, config, local), (w) => jsonEncoder<T>(w.id, w.parsed))
}

/**
 * @example
 * const de = jsonDeserializer<ProductCreated>(client, { validate: true })
 * const event = await de.deserialize('products.created', message.value)
 */
export function jsonDeserializer<T = unknown>(
  client: SchemaRegistryClient,
  config: JsonDeserializerConfig = {},
): Deserializer<T> {
  const decoders = new ReaderDecoders(client, async (ref, info) => {
    const parsed = await parseWithRefs(client, JSON_FORMAT, info, describeRef(ref, true))
    return jsonDecoder<T>(ref, parsed, config.validate === true)
  })
  return deserializerFrom(decoders, config, JSON_FORMAT)
}

/** Validates (the value mapping of JSON Schema), then writes the JSON text. */
function jsonEncoder<T>(id: number, schema: JsonSchema): (value: T) => Buffer {
  const validator = compiled(schema, id)
  return (value) => {
    const res = validator(value)
    if (!res.valid) throw invalid(schema, id, res.errors, 'Value does not match')
    const text = jsonText(value)
    const out = Buffer.allocUnsafe(HEADER_SIZE + Buffer.byteLength(text))
    writeHeader(out, id)
    out.write(text, HEADER_SIZE, 'utf8')
    return out
  }
}

/**
 * JSON.stringify, refusing what it would silently change: NaN and ±Infinity (written as null),
 * undefined, functions and symbols in arrays (null), objects with toJSON (Date becomes a string),
 * bigints. An undefined object property is an absent one, as in the other formats.
 */
function jsonText(value: unknown): string {
  let bad: { key: string; v: unknown } | undefined
  const text = JSON.stringify(value, function (this: Record<string, unknown>, key: string, v: unknown) {
    const orig = this[key]
    if (
      typeof orig === 'number'
        ? !Number.isFinite(orig)
        : typeof orig === 'object'
          ? orig !== null && typeof (orig as { toJSON?: unknown }).toJSON === 'function'
          : typeof orig === 'bigint' ||
            ((orig === undefined || typeof orig === 'function' || typeof orig === 'symbol') &&
              (Array.isArray(this) || key === ''))
    ) {
      bad ??= { key, v: orig }
      return null
    }
    return v
  }) as string | undefined
  if (bad !== undefined || text === undefined) {
    const where = bad === undefined || bad.key === '' ? 'The value' : `The value at key '${bad.key}'`
    throw new SerdeError(
      'INVALID_VALUE',
      `${where} (${preview(bad === undefined ? value : bad.v)}) has no exact JSON form; nothing was written.`,
    )
  }
  return text
}

function jsonDecoder<T>(ref: SchemaRef, schema: JsonSchema, validate: boolean): Decoder<T> {
  const validator = validate ? compiled(schema, ref) : undefined
  return (buf, start) => {
    const bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
    let value: unknown
    try {
      value = JSON.parse(bytes.toString('utf8', start))
    } catch (cause) {
      throw new SerdeError(
        'INVALID_PAYLOAD',
        `Payload after the header of ${describeRef(ref)} is not JSON: ${(cause as Error).message}`,
        { cause },
      )
    }
    if (validator !== undefined) {
      const res = validator(value)
      if (!res.valid) throw invalid(schema, ref, res.errors, 'Payload does not match')
    }
    return value as T
  }
}

function compiled(schema: JsonSchema, ref: SchemaRef): ReturnType<JsonSchema['validator']> {
  try {
    return schema.validator()
  } catch (cause) {
    throw new SerdeError(
      'INVALID_SCHEMA',
      `JSON ${describeRef(ref, true)} cannot be compiled: ${(cause as Error).message}`,
      { cause },
    )
  }
}

function invalid(schema: JsonSchema, ref: SchemaRef, errors: readonly string[], what: string): SerdeError {
  const name = schema.title === undefined ? describeRef(ref) : `'${schema.title}' (${describeRef(ref)})`
  return new SerdeError('INVALID_VALUE', `${what} JSON Schema ${name}: ${errors.slice(0, 5).join('; ')}`)
}

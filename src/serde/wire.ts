/**
 * Confluent framing: `[0x00][int32 BE schema id][payload]`, or since Confluent 8
 * `[0x01][16-byte GUID][payload]`, either in front of the payload or in the Kafka record header
 * `__value_schema_id` / `__key_schema_id` with a bare payload (spec §6.4). Protobuf payloads carry
 * the message-index list right after the id or GUID (see protobuf.ts). A null Kafka key or value
 * (a tombstone) is passed through as null and never framed.
 */
import { SerdeError } from './errors.js'

export const MAGIC_BYTE = 0
/** The magic byte of GUID framing: a 16-byte GUID follows instead of a 4-byte id. */
export const MAGIC_BYTE_GUID = 1
/** Magic byte plus the 4-byte schema id. */
export const HEADER_SIZE = 5
/** Magic byte plus the 16-byte GUID. */
export const GUID_HEADER_SIZE = 17
export const KEY_SCHEMA_ID_HEADER = '__key_schema_id'
export const VALUE_SCHEMA_ID_HEADER = '__value_schema_id'

/** Kafka record headers as kafkajs hands them over (`IHeaders`). */
export type RecordHeaders = Readonly<Record<string, Buffer | string | readonly (Buffer | string)[] | undefined>>

/** Record headers a serializer with header framing writes into (kafkajs `IHeaders`). */
export type WritableHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>

/** What names a payload's writer schema: a global id (number) or a GUID (lowercase UUID string). */
export type SchemaRef = number | string

/** Where a payload's schema is named and where the bytes after the id or GUID start. */
export interface Framing {
  readonly ref: SchemaRef
  /** Offset in the payload of the bytes after the id or GUID (0 when a record header names the schema). */
  readonly start: number
  /** With header framing: the header value; its bytes after the id or GUID are the Protobuf indexes. */
  readonly header?: Uint8Array
}

/** Where a decoded value came from: the payload, where its bytes after the id start, and the header (if any). */
export interface PayloadFrame {
  readonly payload: Uint8Array
  readonly start: number
  readonly header?: Uint8Array | undefined
}

/** Writes the magic byte and the schema id at `offset` (default 0) of `buf`. */
export function writeHeader(buf: Uint8Array, id: number, offset = 0): void {
  buf[offset] = MAGIC_BYTE
  buf[offset + 1] = (id >>> 24) & 0xff
  buf[offset + 2] = (id >>> 16) & 0xff
  buf[offset + 3] = (id >>> 8) & 0xff
  buf[offset + 4] = id & 0xff
}

/** `[0x00][id][prefix?][payload]` in one new buffer. */
export function frame(id: number, payload: Uint8Array, prefix?: Uint8Array): Buffer {
  const extra = prefix?.length ?? 0
  const out = Buffer.allocUnsafe(HEADER_SIZE + extra + payload.length)
  writeHeader(out, id)
  if (prefix !== undefined) out.set(prefix, HEADER_SIZE)
  out.set(payload, HEADER_SIZE + extra)
  return out
}

/** `[0x01][GUID][suffix?]`: the value of a `__value_schema_id` header (suffix: Protobuf indexes). */
export function guidHeader(guid: string, suffix?: Uint8Array): Buffer {
  const out = Buffer.alloc(GUID_HEADER_SIZE + (suffix?.length ?? 0))
  out[0] = MAGIC_BYTE_GUID
  out.set(guidToBytes(guid), 1)
  if (suffix !== undefined) out.set(suffix, GUID_HEADER_SIZE)
  return out
}

/** The schema id of a framed payload; throws a {@link SerdeError} for a wrong magic byte or a short payload. */
export function readSchemaId(buf: Uint8Array): number {
  if (buf.length < HEADER_SIZE) {
    if (buf.length > 0 && buf[0] !== MAGIC_BYTE) throw unknownMagicByte(buf[0]!)
    throw truncated(buf.length, 'payload', 'the 5-byte schema registry header (magic byte 0 + 4-byte schema id)')
  }
  if (buf[0] !== MAGIC_BYTE) throw unknownMagicByte(buf[0]!)
  return (buf[1]! << 24) | (buf[2]! << 16) | (buf[3]! << 8) | buf[4]!
}

/**
 * The id or GUID at the start of `buf` (a payload or a header value) and the offset after it.
 * Magic 0 is followed by a 4-byte id, magic 1 by a 16-byte GUID.
 */
export function readSchemaRef(buf: Uint8Array, where = 'payload'): { ref: SchemaRef; end: number } {
  if (buf.length > 0 && buf[0] === MAGIC_BYTE_GUID) {
    if (buf.length < GUID_HEADER_SIZE) {
      throw new SerdeError(
        'INVALID_GUID',
        `The ${where} has magic byte 0x01 but only ${buf.length - 1} of the 16 GUID bytes that must follow it.`,
      )
    }
    return { ref: guidToString(buf, 1), end: GUID_HEADER_SIZE }
  }
  if (buf.length < HEADER_SIZE && (buf.length === 0 || buf[0] === MAGIC_BYTE)) {
    throw truncated(buf.length, where, 'the 5-byte schema registry header (magic byte 0 + 4-byte schema id)')
  }
  if (buf[0] !== MAGIC_BYTE) throw unknownMagicByte(buf[0]!)
  return { ref: (buf[1]! << 24) | (buf[2]! << 16) | (buf[3]! << 8) | buf[4]!, end: HEADER_SIZE }
}

/** The last value of the key's or value's schema-id header, as Confluent's `DualSchemaIdDeserializer` reads it. */
export function schemaIdHeader(headers: RecordHeaders | undefined, isKey: boolean): Uint8Array | undefined {
  if (headers === undefined) return undefined
  let v = headers[isKey ? KEY_SCHEMA_ID_HEADER : VALUE_SCHEMA_ID_HEADER]
  if (Array.isArray(v)) v = v.length === 0 ? undefined : v[v.length - 1]
  if (v === undefined || v === null) return undefined
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : (v as Buffer)
}

/** How a payload names its schema: the record header when it carries one, else the payload prefix. */
export function readFraming(payload: Uint8Array, headers: RecordHeaders | undefined, isKey: boolean): Framing {
  const header = schemaIdHeader(headers, isKey)
  if (header !== undefined) {
    const where = `${isKey ? KEY_SCHEMA_ID_HEADER : VALUE_SCHEMA_ID_HEADER} header`
    return { ref: readSchemaRef(header, where).ref, start: 0, header }
  }
  const { ref, end } = readSchemaRef(payload)
  return { ref, start: end }
}

/** "schema id 5" or "schema GUID 0f…" ("Schema …" with `capital`): how messages name a schema. */
export function describeRef(ref: SchemaRef, capital = false): string {
  return `${capital ? 'S' : 's'}chema ${typeof ref === 'number' ? 'id' : 'GUID'} ${ref}`
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** 16 bytes at `offset` as a lowercase 8-4-4-4-12 UUID string. */
export function guidToString(buf: Uint8Array, offset = 0): string {
  let s = ''
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-'
    s += HEX[buf[offset + i]!]
  }
  return s
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The 16 bytes of a UUID string; INVALID_GUID for anything else. */
export function guidToBytes(guid: string): Uint8Array {
  if (!UUID.test(guid))
    throw new SerdeError('INVALID_GUID', `'${guid}' is not a GUID (expected 8-4-4-4-12 hex digits).`)
  return Buffer.from(guid.replaceAll('-', ''), 'hex')
}

function truncated(length: number, where: string, what: string): SerdeError {
  return new SerdeError('TRUNCATED', `The ${where} of ${length} byte(s) is too short for ${what}.`)
}

function unknownMagicByte(b: number): SerdeError {
  return new SerdeError(
    'UNKNOWN_MAGIC_BYTE',
    `Unknown magic byte 0x${b.toString(16).padStart(2, '0')}: expected 0x00 (schema id) or 0x01 (GUID). The payload was not written by a schema registry serializer.`,
  )
}

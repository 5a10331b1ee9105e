/**
 * Confluent framing: `[0x00][int32 BE schema id][payload]`. Protobuf payloads carry the
 * message-index list between the id and the message (see protobuf.ts). A null Kafka key or value
 * (a tombstone) is passed through as null and never framed.
 */
import { SerdeError } from './errors.js'

export const MAGIC_BYTE = 0
/** Magic byte plus the 4-byte schema id. */
export const HEADER_SIZE = 5

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

/** The schema id of a framed payload; throws a {@link SerdeError} for a wrong magic byte or a short payload. */
export function readSchemaId(buf: Uint8Array): number {
  if (buf.length < HEADER_SIZE) {
    if (buf.length > 0 && buf[0] !== MAGIC_BYTE) throw unknownMagicByte(buf[0]!)
    throw new SerdeError(
      'TRUNCATED',
      `Payload of ${buf.length} byte(s) is too short for the 5-byte schema registry header (magic byte 0 + 4-byte schema id).`,
    )
  }
  if (buf[0] !== MAGIC_BYTE) throw unknownMagicByte(buf[0]!)
  return ((buf[1]! << 24) | (buf[2]! << 16) | (buf[3]! << 8) | buf[4]!)
}

function unknownMagicByte(b: number): SerdeError {
  return new SerdeError(
    'UNKNOWN_MAGIC_BYTE',
    `Unknown magic byte 0x${b.toString(16).padStart(2, '0')}: expected 0x00. The payload was not written by a schema registry serializer.`,
  )
}

/**
 * Confluent message indexes (`MessageIndexes.java`): which message of a registered file a
 * payload encodes, as a path of 0-based positions. The first counts top-level messages only;
 * the next ones count nested messages. Enums, services and `map<>` fields do not count.
 * Free of server dependencies: the serializers import this module.
 */

/** The part of a parsed file the indexes depend on (`ProtoFile` fits). */
export interface IndexedType {
  readonly kind: string
  readonly name: string
  readonly nested?: readonly IndexedType[]
}

export interface IndexedFile {
  readonly packageName?: string
  readonly types: readonly IndexedType[]
}

const messagesOf = (types: readonly IndexedType[]) => types.filter((t) => t.kind === 'message')

/**
 * The index path of a message by full name (leading dot optional).
 *
 * @example
 * messageIndexes(file, 'acme.Order.Line') // [1, 0]
 */
export function messageIndexes(file: IndexedFile, fullName: string): number[] {
  const name = fullName.startsWith('.') ? fullName.slice(1) : fullName
  const prefix = file.packageName ? `${file.packageName}.` : ''
  if (!name.startsWith(prefix))
    throw new RangeError(`Message '${fullName}' is not in package '${file.packageName ?? ''}'`)
  const parts = name.slice(prefix.length).split('.')
  const path: number[] = []
  let level = file.types
  for (const part of parts) {
    const messages = messagesOf(level)
    const i = messages.findIndex((m) => m.name === part)
    if (i < 0) throw new RangeError(`Message '${fullName}' not found in the schema`)
    path.push(i)
    level = messages[i]!.nested ?? []
  }
  return path
}

/** The full name of the message at an index path; `[]` means `[0]`, as readers treat it. */
export function messageNameAt(file: IndexedFile, indexes: readonly number[]): string {
  const path = indexes.length === 0 ? [0] : indexes
  const names: string[] = []
  let level = file.types
  for (const i of path) {
    const m = messagesOf(level)[i]
    if (!m) throw new RangeError(`No message at index path [${path.join(', ')}]`)
    names.push(m.name)
    level = m.nested ?? []
  }
  return [...(file.packageName ? [file.packageName] : []), ...names].join('.')
}

/** Kafka `ByteUtils.writeVarint`: zig-zag, then base-128 little-endian groups. */
function writeVarint(n: number, out: number[]): void {
  let v = ((n << 1) ^ (n >> 31)) >>> 0
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80)
    v >>>= 7
  }
  out.push(v)
}

/**
 * The wire form of an index path: count then each index, zig-zag varints. The path `[0]` is the
 * single byte `0x00`.
 *
 * @example
 * encodeMessageIndexes([1]) // Uint8Array [0x02, 0x02]
 */
export function encodeMessageIndexes(indexes: readonly number[]): Uint8Array {
  if (indexes.length === 0 || (indexes.length === 1 && indexes[0] === 0)) return Uint8Array.of(0)
  const out: number[] = []
  writeVarint(indexes.length, out)
  for (const i of indexes) writeVarint(i, out)
  return Uint8Array.from(out)
}

/** Reads an index path at `offset`; a count of 0 reads as `[0]`. Throws RangeError on truncation. */
export function decodeMessageIndexes(bytes: Uint8Array, offset = 0): { indexes: number[]; bytesRead: number } {
  let pos = offset
  const readVarint = (): number => {
    let v = 0
    for (let shift = 0; shift <= 28; shift += 7) {
      if (pos >= bytes.length) throw new RangeError('Truncated message index list')
      const b = bytes[pos++]!
      v |= (b & 0x7f) << shift
      if ((b & 0x80) === 0) return (v >>> 1) ^ -(v & 1)
    }
    throw new RangeError('Message index varint is too long')
  }
  const count = readVarint()
  if (count < 0 || count > bytes.length - pos) throw new RangeError(`Invalid message index count ${count}`)
  const indexes = count === 0 ? [0] : Array.from({ length: count }, readVarint)
  return { indexes, bytesRead: pos - offset }
}

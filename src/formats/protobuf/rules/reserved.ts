import type { Violation } from '../../format.js'
import { allFields, type ProtoFile } from '../model.js'
import { messageFor } from './differences.js'

/** The names in Confluent metadata property `confluent:reserved` (comma-separated). */
export function reservedFieldNames(metadata: Readonly<Record<string, unknown>> | undefined): Set<string> {
  const props = metadata?.properties
  const raw = props && typeof props === 'object' ? (props as Record<string, unknown>)['confluent:reserved'] : undefined
  if (typeof raw !== 'string') return new Set()
  return new Set(raw.split(',').map((s) => s.trim()).filter((s) => s !== ''))
}

function topLevelFieldNames(file: ProtoFile): Set<string> {
  return new Set(file.types.flatMap((t) => (t.kind === 'message' ? allFields(t).map((f) => f.name) : [])))
}

export interface WithMetadata {
  readonly file: ProtoFile
  readonly metadata?: Readonly<Record<string, unknown>>
}

/**
 * Confluent's metadata checks (`SchemaValidatorBuilder.canRead/canBeReadMetadataStrategy`):
 * RESERVED_FIELD_REMOVED when a name reserved by the writer is no longer reserved by the reader,
 * FIELD_CONFLICTS_WITH_RESERVED_FIELD when a top-level field uses a reserved name. The check
 * does not know the direction, so under FORWARD a reader that drops a reservation the writer
 * added is reported too.
 */
export function checkReservedFields(reader: WithMetadata, writer: WithMetadata): Violation[] {
  const readerReserved = reservedFieldNames(reader.metadata)
  const writerReserved = reservedFieldNames(writer.metadata)
  const out: Violation[] = []
  for (const name of writerReserved) {
    if (!readerReserved.has(name)) {
      out.push({ rule: 'RESERVED_FIELD_REMOVED', path: name, message: messageFor({ type: 'RESERVED_FIELD_REMOVED', path: name }) })
    }
  }
  const readerFields = topLevelFieldNames(reader.file)
  const writerFields = topLevelFieldNames(writer.file)
  const conflicts = new Set<string>()
  for (const name of readerReserved) if (readerFields.has(name)) conflicts.add(name)
  for (const name of writerReserved) if (readerFields.has(name) || writerFields.has(name)) conflicts.add(name)
  for (const name of conflicts) {
    out.push({
      rule: 'FIELD_CONFLICTS_WITH_RESERVED_FIELD',
      path: name,
      message: messageFor({ type: 'FIELD_CONFLICTS_WITH_RESERVED_FIELD', path: name }),
    })
  }
  return out
}

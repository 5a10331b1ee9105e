import type { Violation } from '../../format.js'
import { allFields, type ProtoFile } from '../model.js'
import { messageFor } from './differences.js'

/** The names in Confluent metadata property `confluent:reserved` (comma-separated). */
export function reservedFieldNames(metadata: Readonly<Record<string, unknown>> | undefined): Set<string> {
  const props = metadata?.properties
  const raw = props && typeof props === 'object' ? (props as Record<string, unknown>)['confluent:reserved'] : undefined
  if (typeof raw !== 'string') return new Set()
  return new Set(
    raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
}

function topLevelFieldNames(file: ProtoFile): Set<string> {
  return new Set(file.types.flatMap((t) => (t.kind === 'message' ? allFields(t).map((f) => f.name) : [])))
}

export interface WithMetadata {
  readonly file: ProtoFile
  readonly metadata?: Readonly<Record<string, unknown>>
}

/**
 * Confluent's metadata checks (`SchemaValidatorBuilder.canRead/canBeReadMetadataStrategy`).
 * Backward (reader = new): RESERVED_FIELD_REMOVED for a name the old schema reserved that the
 * new one no longer does, and FIELD_CONFLICTS_WITH_RESERVED_FIELD for a new top-level field
 * using a name the new schema reserves. Forward (reader = old): the new schema's reserved names
 * may not be top-level fields of either schema. Without a direction the check is backward.
 */
export function checkReservedFields(
  reader: WithMetadata,
  writer: WithMetadata,
  direction: 'backward' | 'forward' = 'backward',
): Violation[] {
  const [newer, older] = direction === 'backward' ? [reader, writer] : [writer, reader]
  const newReserved = reservedFieldNames(newer.metadata)
  const out: Violation[] = []
  const report = (type: 'RESERVED_FIELD_REMOVED' | 'FIELD_CONFLICTS_WITH_RESERVED_FIELD', name: string) =>
    out.push({ rule: type, path: name, message: messageFor({ type, path: name }) })
  if (direction === 'backward') {
    for (const name of reservedFieldNames(older.metadata))
      if (!newReserved.has(name)) report('RESERVED_FIELD_REMOVED', name)
  }
  const conflicting =
    direction === 'backward'
      ? [topLevelFieldNames(newer.file)]
      : [topLevelFieldNames(older.file), topLevelFieldNames(newer.file)]
  for (const name of newReserved)
    if (conflicting.some((fields) => fields.has(name))) report('FIELD_CONFLICTS_WITH_RESERVED_FIELD', name)
  return out
}

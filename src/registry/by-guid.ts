import type { CanRead, RegistryCore } from './core.js'
import { schemaNotFound } from './errors.js'
import { schemaById } from './reads.js'
import { DEFAULT_CONTEXT } from './subjects.js'
import type { SchemaByIdView } from './types.js'

/**
 * `GET /schemas/guids/{guid}`: the schema with this content hash, from the first context (in
 * the store's order) that uses it, under its highest id there.
 */
export function schemaByGuid(core: RegistryCore, guid: string, format?: string, canRead?: CanRead): SchemaByIdView {
  const byContext = idsWithGuid(core, guid)
  for (const context of core.store.contexts()) {
    const id = byContext.get(context)?.at(-1)
    if (id === undefined) continue
    const {
      subject: _s,
      version: _v,
      maxId: _m,
      ...view
    } = schemaById(core, id, {
      ...(context === DEFAULT_CONTEXT ? {} : { subject: `:${context}:` }),
      ...(format ? { format } : {}),
      canRead,
    })
    return view
  }
  throw schemaNotFound(guid)
}

/** `GET /schemas/guids/{guid}/ids`: every id in use with this content hash, by context. */
export function idsOfGuid(core: RegistryCore, guid: string): { context: string; id: number }[] {
  const byContext = idsWithGuid(core, guid)
  return core.store.contexts().flatMap((context) => (byContext.get(context) ?? []).map((id) => ({ context, id })))
}

/**
 * The ids in use (by a version, soft-deleted included) whose schema has this guid, ascending per
 * context. It walks versions, not the id range: imported ids may be sparse up to 2^31-1.
 */
function idsWithGuid(core: RegistryCore, guid: string): Map<string, number[]> {
  const store = core.store
  const found = new Map<string, Set<number>>()
  for (const subject of store.subjects()) {
    for (const v of store.versionsOf(subject)) {
      if (found.get(v.context)?.has(v.id) || store.schemaById(v.context, v.id)?.guid !== guid) continue
      found.set(v.context, (found.get(v.context) ?? new Set()).add(v.id))
    }
  }
  return new Map([...found].map(([context, ids]) => [context, [...ids].sort((a, b) => a - b)]))
}

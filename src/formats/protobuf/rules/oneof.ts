import type { MessageElement } from '../model.js'
import type { MessageFields } from './field.js'
import type { DiffContext } from './walk.js'

/** Original oneofs that are gone by name and none of whose members survive anywhere. */
export function completelyDeletedOneOfs(o: MessageFields, u: MessageFields): Set<string> {
  const out = new Set<string>()
  for (const [name, oneOf] of o.oneOfs) {
    if (u.oneOfs.has(name)) continue
    if (!oneOf.fields.some((f) => u.byTag.has(f.tag))) out.add(name)
  }
  return out
}

/**
 * MULTIPLE_FIELDS_MOVED_TO_ONEOF / FIELD_MOVED_TO_EXISTING_ONEOF: a oneof of the update whose
 * pre-existing members came from more than one origin (a top-level field, or a different
 * original oneof) makes formerly independent fields exclusive. Brand-new members don't count.
 */
export function oneofMembership(ctx: DiffContext, update: MessageElement, o: MessageFields): void {
  for (const oneOf of update.oneOfs) {
    const origins = new Set<string>()
    let topLevelMovedIn = 0
    for (const f of oneOf.fields) {
      const from = o.oneOfOf.get(f.tag)
      if (from !== undefined) origins.add(`oneof:${from}`)
      else if (o.byTag.has(f.tag)) {
        origins.add(`field:${f.tag}`)
        topLevelMovedIn++
      }
    }
    if (origins.size > 1)
      ctx.add(topLevelMovedIn > 1 ? 'MULTIPLE_FIELDS_MOVED_TO_ONEOF' : 'FIELD_MOVED_TO_EXISTING_ONEOF', oneOf.name)
  }
}

/** ONEOF_ADDED / ONEOF_REMOVED by name, in sorted name order (Confluent uses a TreeSet). */
export function oneofPresence(ctx: DiffContext, o: MessageFields, u: MessageFields): void {
  const names = [...new Set([...o.oneOfs.keys(), ...u.oneOfs.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  for (const name of names) {
    if (!u.oneOfs.has(name)) ctx.add('ONEOF_REMOVED', name)
    else if (!o.oneOfs.has(name)) ctx.add('ONEOF_ADDED', name)
  }
}

import type { FieldElement, MessageElement, OneOfElement } from '../model.js'
import { tagsOf, type DiffContext } from './walk.js'

/** A message's fields by number, oneof members included, with each member's oneof. */
export interface MessageFields {
  readonly byTag: Map<number, FieldElement>
  readonly oneOfOf: Map<number, string>
  readonly oneOfs: Map<string, OneOfElement>
}

export function collectFields(m: MessageElement): MessageFields {
  const byTag = new Map<number, FieldElement>()
  const oneOfOf = new Map<number, string>()
  const oneOfs = new Map<string, OneOfElement>()
  for (const f of m.fields) byTag.set(f.tag, f)
  for (const o of m.oneOfs) {
    oneOfs.set(o.name, o)
    for (const f of o.fields) {
      byTag.set(f.tag, f)
      oneOfOf.set(f.tag, o.name)
    }
  }
  return { byTag, oneOfOf, oneOfs }
}

/**
 * One pass over every field number (`MessageSchemaDiff`): FIELD_ADDED / FIELD_REMOVED,
 * REQUIRED_FIELD_ADDED / _REMOVED, ONEOF_FIELD_ADDED / _REMOVED (unless the whole oneof went),
 * ONEOF_FIELD_MOVED_TO_TOP_LEVEL, and for fields on both sides `compareField` at the field's
 * current place (`#/Msg/oneof/3` inside a oneof, `#/Msg/3` outside).
 */
export function compareFieldsByTag(
  ctx: DiffContext,
  o: MessageFields,
  u: MessageFields,
  deletedOneOfs: ReadonlySet<string>,
  compareField: (original: FieldElement, update: FieldElement) => void,
): void {
  for (const tag of tagsOf(o.byTag, u.byTag)) {
    const of = o.byTag.get(tag)
    const uf = u.byTag.get(tag)
    const oOneOf = o.oneOfOf.get(tag)
    const uOneOf = u.oneOfOf.get(tag)
    const t = String(tag)
    if (!uf) {
      if (oOneOf !== undefined) {
        if (!deletedOneOfs.has(oOneOf)) ctx.add('ONEOF_FIELD_REMOVED', oOneOf, t)
      } else {
        ctx.add(of!.label === 'required' ? 'REQUIRED_FIELD_REMOVED' : 'FIELD_REMOVED', t)
      }
    } else if (!of) {
      if (uOneOf !== undefined) ctx.add('ONEOF_FIELD_ADDED', uOneOf, t)
      else ctx.add(uf.label === 'required' ? 'REQUIRED_FIELD_ADDED' : 'FIELD_ADDED', t)
    } else {
      if (oOneOf !== undefined && uOneOf === undefined) ctx.add('ONEOF_FIELD_MOVED_TO_TOP_LEVEL', t)
      if (uOneOf !== undefined) ctx.inPath(uOneOf, () => ctx.inPath(t, () => compareField(of, uf)))
      else ctx.inPath(t, () => compareField(of, uf))
    }
  }
}

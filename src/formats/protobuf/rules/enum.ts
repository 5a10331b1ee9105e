import type { EnumConstantElement, EnumElement } from '../model.js'
import { javaUnionOrder } from './java-order.js'
import type { DiffContext } from './walk.js'

/** ENUM_ADDED / ENUM_REMOVED: enums are plain numbers on the wire, so both are allowed. */
export function enumPresence(ctx: DiffContext, change: 'added' | 'removed'): void {
  ctx.add(change === 'added' ? 'ENUM_ADDED' : 'ENUM_REMOVED')
}

/** ENUM_CONST_ADDED / _REMOVED / _CHANGED, pairing constants by number (`EnumSchemaDiff`). */
export function compareEnum(ctx: DiffContext, original: EnumElement, update: EnumElement): void {
  const byTag = (e: EnumElement) => new Map<number, EnumConstantElement>(e.constants.map((c) => [c.tag, c]))
  const o = byTag(original)
  const u = byTag(update)
  for (const tag of javaUnionOrder([...o.keys()], [...u.keys()])) {
    const oc = o.get(tag)
    const uc = u.get(tag)
    ctx.inPath(String(tag), () => {
      if (!uc) ctx.add('ENUM_CONST_REMOVED')
      else if (!oc) ctx.add('ENUM_CONST_ADDED')
      else if (oc.name !== uc.name) ctx.add('ENUM_CONST_CHANGED')
    })
  }
}

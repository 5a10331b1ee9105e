import { SCALAR_TYPES, mapTypes, type FieldElement, type Label, type MessageElement } from '../model.js'
import type { TypeOrigin } from '../type-table.js'
import { isCompatible } from './differences.js'
import { checkJsonName, checkJsonType } from './wire-json.js'
import type { DiffContext, Side } from './walk.js'

type Kind = 'SCALAR' | 'MAP' | 'MESSAGE'

/** Scalar families sharing a wire encoding (protobuf "Updating a message type"); enums count as numbers. */
const SCALAR_FAMILY: Record<string, string> = {
  int32: 'GENERAL_NUMBER',
  int64: 'GENERAL_NUMBER',
  uint32: 'GENERAL_NUMBER',
  uint64: 'GENERAL_NUMBER',
  bool: 'GENERAL_NUMBER',
  sint32: 'SIGNED_NUMBER',
  sint64: 'SIGNED_NUMBER',
  string: 'STRING_OR_BYTES',
  bytes: 'STRING_OR_BYTES',
  fixed32: 'FIXED32',
  sfixed32: 'FIXED32',
  fixed64: 'FIXED64',
  sfixed64: 'FIXED64',
  float: 'FLOAT',
  double: 'DOUBLE',
}

/** Compares a referenced message pair in a subcontext; supplied by the rule composition. */
export type CompareReferenced = (sub: DiffContext, original: MessageElement, update: MessageElement) => void

/** FIELD_NAME_CHANGED, then the label and type rules below (`FieldSchemaDiff.compare`). */
export function compareField(
  ctx: DiffContext,
  original: FieldElement,
  update: FieldElement,
  referenced: CompareReferenced,
): void {
  if (original.name !== update.name) ctx.add('FIELD_NAME_CHANGED')
  checkJsonName(ctx, original, update)
  compareLabelsAndTypes(ctx, original.label, update.label, original.type, update.type, referenced)
}

function isEnum(ctx: DiffContext, type: string, side: Side): boolean {
  return ctx.getType(type, side)?.element.kind === 'enum'
}

function kindOf(ctx: DiffContext, type: string, side: Side): Kind {
  if (SCALAR_TYPES.has(type)) return 'SCALAR'
  if (mapTypes(type)) return 'MAP'
  return isEnum(ctx, type, side) ? 'SCALAR' : 'MESSAGE'
}

/** FIELD_KIND_CHANGED across scalar / message / map; then the per-kind rules. */
function compareLabelsAndTypes(
  ctx: DiffContext,
  originalLabel: Label | undefined,
  updateLabel: Label | undefined,
  originalType: string,
  updateType: string,
  referenced: CompareReferenced,
): void {
  const ok = kindOf(ctx, originalType, 'original')
  const uk = kindOf(ctx, updateType, 'update')
  if (ok !== uk) {
    ctx.add('FIELD_KIND_CHANGED')
    return
  }
  if (ok === 'SCALAR') compareScalars(ctx, originalLabel, updateLabel, originalType, updateType)
  else if (ok === 'MESSAGE') compareMessageTypes(ctx, originalType, updateType, referenced)
  else {
    const om = mapTypes(originalType)!
    const um = mapTypes(updateType)!
    compareLabelsAndTypes(ctx, undefined, undefined, om.key, um.key, referenced)
    compareLabelsAndTypes(ctx, undefined, undefined, om.value, um.value, referenced)
  }
}

/**
 * FIELD_SCALAR_KIND_CHANGED across families; within a family a label change is
 * FIELD_NUMERIC_LABEL_CHANGED (packed encoding differs) or FIELD_STRING_OR_BYTES_LABEL_CHANGED.
 */
function compareScalars(ctx: DiffContext, ol: Label | undefined, ul: Label | undefined, ot: string, ut: string): void {
  const family = (t: string, side: Side) => (isEnum(ctx, t, side) ? 'GENERAL_NUMBER' : SCALAR_FAMILY[t])
  const of = family(ot, 'original')
  if (of !== family(ut, 'update')) {
    ctx.add('FIELD_SCALAR_KIND_CHANGED')
    return
  }
  if (ol !== undefined && ul !== undefined && ol !== ul) {
    ctx.add(of === 'STRING_OR_BYTES' ? 'FIELD_STRING_OR_BYTES_LABEL_CHANGED' : 'FIELD_NUMERIC_LABEL_CHANGED')
  }
  checkJsonType(ctx, ot, ut, isEnum(ctx, ot, 'original'), isEnum(ctx, ut, 'update'))
}

function originKey(o: TypeOrigin): string | undefined {
  if (o.kind === 'local') return ''
  return o.kind === 'reference' ? `${o.subject}@${o.version}` : undefined
}

/**
 * FIELD_NAMED_TYPE_CHANGED when the message type's name (without package) differs, or when a
 * type from another file, or another version of it, is not compatible itself. Types of this
 * file, or of the same referenced subject version, are compared where they are declared.
 */
function compareMessageTypes(ctx: DiffContext, ot: string, ut: string, referenced: CompareReferenced): void {
  const ofull = ctx.resolve(ot, 'original')
  const ufull = ctx.resolve(ut, 'update')
  if (ofull === undefined || ufull === undefined) {
    if (ot !== ut) ctx.add('FIELD_NAMED_TYPE_CHANGED')
    return
  }
  const oinfo = ctx.tables.original.getType(ofull)!
  const uinfo = ctx.tables.update.getType(ufull)!
  const local = (full: string, pkg: string) => (pkg && full.startsWith(pkg + '.') ? full.slice(pkg.length + 1) : full)
  const olocal = local(ofull, oinfo.packageName)
  if (olocal !== local(ufull, uinfo.packageName)) {
    ctx.add('FIELD_NAMED_TYPE_CHANGED')
    return
  }
  const ok = originKey(oinfo.origin)
  const uk = originKey(uinfo.origin)
  if (ok !== undefined && uk !== undefined && ok === uk) return
  if (oinfo.element.kind !== 'message' || uinfo.element.kind !== 'message') return
  const diffs = ctx.referencedDiff(oinfo.element, uinfo.element, () => {
    const sub = ctx.subcontext({ original: oinfo.packageName, update: uinfo.packageName }, olocal)
    referenced(sub, oinfo.element as MessageElement, uinfo.element as MessageElement)
    return sub
  })
  ctx.differences.push(...diffs)
  if (diffs.some((d) => !isCompatible(d.type, ctx.policy))) ctx.add('FIELD_NAMED_TYPE_CHANGED')
}

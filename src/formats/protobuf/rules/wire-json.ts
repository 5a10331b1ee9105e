import type { FieldElement } from '../model.js'
import type { DiffContext } from './walk.js'

/** protoc's default JSON name: `foo_bar` → `fooBar`. */
export function defaultJsonName(name: string): string {
  return name.replace(/_+([a-zA-Z0-9]?)/g, (_, c: string) => c.toUpperCase())
}

const JSON_KIND: Record<string, string> = {
  int32: 'number',
  uint32: 'number',
  sint32: 'number',
  fixed32: 'number',
  sfixed32: 'number',
  float: 'number',
  double: 'number',
  int64: 'int64-string',
  uint64: 'int64-string',
  sint64: 'int64-string',
  fixed64: 'int64-string',
  sfixed64: 'int64-string',
  bool: 'boolean',
  string: 'string',
  bytes: 'base64',
}

/** WIRE_JSON only: FIELD_JSON_NAME_CHANGED when the field's JSON key changes. */
export function checkJsonName(ctx: DiffContext, original: FieldElement, update: FieldElement): void {
  if (ctx.policy !== 'WIRE_JSON') return
  const key = (f: FieldElement) => f.jsonName ?? defaultJsonName(f.name)
  if (key(original) !== key(update)) ctx.add('FIELD_JSON_NAME_CHANGED')
}

/**
 * WIRE_JSON only: FIELD_JSON_TYPE_CHANGED for wire-compatible scalars whose JSON differs:
 * 32- vs 64-bit integers (numbers vs strings), string vs bytes, enum names vs numbers, bool.
 */
export function checkJsonType(ctx: DiffContext, ot: string, ut: string, oEnum: boolean, uEnum: boolean): void {
  if (ctx.policy !== 'WIRE_JSON') return
  const kind = (t: string, isEnum: boolean) => (isEnum ? 'enum' : JSON_KIND[t])
  if (kind(ot, oEnum) !== kind(ut, uEnum)) ctx.add('FIELD_JSON_TYPE_CHANGED')
}

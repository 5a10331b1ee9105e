import protobuf from 'protobufjs'
import { printProto } from './canonical.js'
import type { OptionElement, OptionValue } from './model.js'
import { transform } from './options.js'
import { wellKnownFile } from './well-known.js'

let root: protobuf.Root | undefined

/** `descriptor.proto` plus Confluent's meta extensions, so `(confluent.*)` options round-trip. */
export function descriptorRoot(): protobuf.Root {
  if (root) return root
  const r = new protobuf.Root()
  for (const path of ['google/protobuf/descriptor.proto', 'confluent/meta.proto']) {
    protobuf.parse(printProto(wellKnownFile(path)!), r, { keepCase: true })
  }
  r.resolveAll()
  return (root = r)
}

export function descriptorType(name: string): protobuf.Type {
  return descriptorRoot().lookupType(`google.protobuf.${name}`)
}

type Plain = string | number | boolean | Plain[] | { [k: string]: Plain }

/**
 * Our option elements as a plain `*Options` object for protobufjs: standard options by field
 * name, `(confluent.*)` options as extension fields. Other custom options are dropped: their
 * definitions live in the user's files, which the descriptor encoder does not load.
 */
export function optionsToPlain(options: readonly OptionElement[], typeName: string): Record<string, Plain> | undefined {
  const type = descriptorType(typeName)
  const out: Record<string, Plain> = {}
  for (const o of options) {
    const name = o.parenthesized ? '.' + o.name.replace(/^\./, '') : o.name
    const field = type.fields[name]
    if (!field) continue
    const value = (o.parenthesized ? transform(o) : o).value
    const plain = toPlain(value, field)
    if (plain === undefined) continue
    const prior = out[name]
    out[name] = prior !== undefined && isObject(prior) && isObject(plain) ? { ...prior, ...plain } : plain
  }
  return Object.keys(out).length > 0 ? out : undefined
}

function isObject(p: Plain): p is { [k: string]: Plain } {
  return typeof p === 'object' && !Array.isArray(p)
}

function toPlain(v: OptionValue, field: protobuf.Field): Plain | undefined {
  switch (v.kind) {
    case 'BOOLEAN':
      return v.value === 'true'
    case 'NUMBER':
      return Number(v.value)
    case 'STRING':
    case 'ENUM':
      return v.value
    case 'LIST': {
      if (field instanceof protobuf.MapField) return mapEntries(v.value, field)
      const items = v.value.map((x) => toPlain(x, field)).filter((x): x is Plain => x !== undefined)
      return items
    }
    case 'MAP': {
      if (field instanceof protobuf.MapField) return mapEntries([v], field)
      field.resolve()
      const type = field.resolvedType
      if (!(type instanceof protobuf.Type)) return undefined
      const obj: Record<string, Plain> = {}
      for (const [k, x] of v.value) {
        const sub = type.fields[k]
        if (!sub) continue
        const p = toPlain(x, sub)
        if (p === undefined) continue
        obj[k] = sub.repeated && !Array.isArray(p) && !(sub instanceof protobuf.MapField) ? [p] : p
      }
      return obj
    }
    case 'OPTION':
      return undefined
  }
}

/** Text format writes map fields as lists of `{ key: …, value: … }` messages. */
function mapEntries(entries: readonly OptionValue[], _field: protobuf.MapField): Plain {
  const out: Record<string, Plain> = {}
  for (const e of entries) {
    if (e.kind !== 'MAP') continue
    const key = e.value.get('key')
    const value = e.value.get('value')
    if (
      key &&
      key.kind !== 'MAP' &&
      key.kind !== 'LIST' &&
      key.kind !== 'OPTION' &&
      value &&
      value.kind !== 'MAP' &&
      value.kind !== 'LIST' &&
      value.kind !== 'OPTION'
    ) {
      out[key.value] = value.value
    }
  }
  return out
}

/** A decoded `*Options` object back to option elements, standard options first. */
export function plainToOptions(obj: Record<string, unknown> | undefined | null, typeName: string): OptionElement[] {
  if (!obj) return []
  const type = descriptorType(typeName)
  const out: OptionElement[] = []
  for (const [key, value] of Object.entries(obj)) {
    if (key === 'uninterpreted_option' || value === undefined || value === null) continue
    const field = type.fields[key]
    if (!field) continue
    const v = fromPlain(value, field)
    if (!v) continue
    if (key.startsWith('.')) out.push({ name: key.slice(1), parenthesized: true, value: v })
    else out.push({ name: key, parenthesized: false, value: v })
  }
  return out
}

function fromPlain(value: unknown, field: protobuf.Field, inList = false): OptionValue | undefined {
  if (!inList && field instanceof protobuf.MapField && typeof value === 'object' && value !== null) {
    const items: OptionValue[] = Object.entries(value as Record<string, unknown>).map(([k, x]) => ({
      kind: 'MAP',
      value: new Map<string, OptionValue>([
        ['key', { kind: 'STRING', value: k }],
        ['value', { kind: 'STRING', value: String(x) }],
      ]),
    }))
    return items.length === 0 ? undefined : items.length === 1 ? items[0] : { kind: 'LIST', value: items }
  }
  if (Array.isArray(value)) {
    const items = value.map((x) => fromPlain(x, field, true)).filter((x): x is OptionValue => !!x)
    return items.length === 0 ? undefined : { kind: 'LIST', value: items }
  }
  if (typeof value === 'boolean') return { kind: 'BOOLEAN', value: String(value) }
  if (typeof value === 'number') return { kind: 'NUMBER', value: String(value) }
  if (typeof value === 'string') {
    field.resolve()
    return field.resolvedType instanceof protobuf.Enum ? { kind: 'ENUM', value } : { kind: 'STRING', value }
  }
  if (typeof value === 'object' && value !== null) {
    field.resolve()
    const type = field.resolvedType
    if (!(type instanceof protobuf.Type)) return undefined
    const map = new Map<string, OptionValue>()
    for (const [k, x] of Object.entries(value as Record<string, unknown>)) {
      const sub = type.fields[k]
      const v = sub ? fromPlain(x, sub) : undefined
      if (v) map.set(k, v)
    }
    return { kind: 'MAP', value: map }
  }
  return undefined
}

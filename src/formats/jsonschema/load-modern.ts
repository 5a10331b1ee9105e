import { annotate, type LoadContext } from './load-context.js'
import { setAdditional, stringNode } from './load-classic.js'
import {
  arrayNode,
  isNumber,
  isPlainObject,
  objectNode,
  type ArrayNode,
  type Criterion,
  type Node,
  type NumberNode,
  type ObjectNode,
} from './model.js'
import type { Scope } from './refs.js'

const MERGEABLE = new Set(['string', 'number', 'object', 'array'])

/**
 * 2019-09 and 2020-12, shaped like Confluent's `SchemaTranslator`: every keyword becomes a small
 * schema, same-kind schemas merge (`type: object` + `properties` is one object schema), and the
 * rest form a synthetic `allOf`. `unevaluatedProperties`/`unevaluatedItems` stand in for
 * `additionalProperties`/`additionalItems` when those are absent.
 */
export function loadModern(raw: unknown, scope: Scope, ctx: LoadContext): Node {
  if (raw === true) return { kind: 'true', src: raw }
  if (raw === false) return { kind: 'false', src: raw }
  if (!isPlainObject(raw)) return { kind: 'empty', src: raw }
  const child = (value: unknown) => ctx.child(value, scope)
  let parts: Node[] = []
  const add = (node: Node | undefined) => {
    if (node) parts = accumulate(parts, node)
  }
  for (const [key, value] of Object.entries(raw)) add(keywordNode(key, value, raw, scope, ctx, child))
  const node: Node =
    parts.length === 0
      ? { kind: 'empty', src: raw }
      : parts.length === 1
        ? parts[0]!
        : { kind: 'combined', src: raw, criterion: 'allOf', synthetic: true, subschemas: parts }
  // Confluent's 2019-09/2020-12 translation never reports `$id` changes; no id keyword is copied.
  return annotate(node, raw, '')
}

function keywordNode(
  key: string,
  value: unknown,
  raw: Record<string, unknown>,
  scope: Scope,
  ctx: LoadContext,
  child: (v: unknown) => Node,
): Node | undefined {
  const num = (set: (n: NumberNode, v: number) => void) => {
    if (!isNumber(value)) return undefined
    const n: NumberNode = { kind: 'number', src: raw, requiresInteger: false }
    set(n, value)
    return n
  }
  const obj = (set: (n: ObjectNode) => void) => {
    const n = objectNode(raw)
    set(n)
    return n
  }
  const arr = (set: (n: ArrayNode) => void) => {
    const n = arrayNode(raw)
    set(n)
    return n
  }
  switch (key) {
    case '$ref':
      return typeof value === 'string' ? ctx.ref(value, raw, scope) : undefined
    case 'type':
      if (Array.isArray(value)) {
        const subschemas = value.map((t) => typeNode(t, raw)).filter((n): n is Node => n !== undefined)
        return { kind: 'combined', src: raw, criterion: 'anyOf', synthetic: false, subschemas }
      }
      return typeNode(value, raw)
    case 'enum':
      return Array.isArray(value) ? { kind: 'enum', src: raw, values: value } : undefined
    case 'const':
      return { kind: 'const', src: raw, value }
    case 'not':
      return { kind: 'not', src: raw, not: child(value) }
    case 'allOf':
    case 'anyOf':
    case 'oneOf':
      return Array.isArray(value) ? combined(key, value.map(child), raw) : undefined
    case 'minLength':
    case 'maxLength':
    case 'pattern':
      return stringNode({ [key]: value })
    case 'minimum':
      return num((n, v) => (n.minimum = v))
    case 'maximum':
      return num((n, v) => (n.maximum = v))
    case 'exclusiveMinimum':
      return num((n, v) => (n.exclusiveMinimum = v))
    case 'exclusiveMaximum':
      return num((n, v) => (n.exclusiveMaximum = v))
    case 'multipleOf':
      return num((n, v) => (n.multipleOf = v))
    case 'properties':
      if (!isPlainObject(value) || Object.keys(value).length === 0) return undefined
      return obj((n) => (n.properties = Object.entries(value).map(([k, v]) => [k, child(v)])))
    case 'patternProperties':
      if (!isPlainObject(value) || Object.keys(value).length === 0) return undefined
      return obj((n) => (n.patternProperties = Object.entries(value).map(([k, v]) => [k, child(v)])))
    case 'additionalProperties':
      return obj((n) => setAdditional(n, value, child))
    case 'unevaluatedProperties':
      return Object.hasOwn(raw, 'additionalProperties') ? undefined : obj((n) => setAdditional(n, value, child))
    case 'required':
      return Array.isArray(value) ? obj((n) => (n.required = value.filter((r) => typeof r === 'string'))) : undefined
    case 'dependentRequired':
      if (!isPlainObject(value)) return undefined
      return obj((n) => {
        n.propertyDependencies = Object.entries(value).map(([k, v]) => [
          k,
          Array.isArray(v) ? v.filter((s) => typeof s === 'string') : [],
        ])
      })
    case 'dependentSchemas':
      if (!isPlainObject(value)) return undefined
      return obj((n) => (n.schemaDependencies = Object.entries(value).map(([k, v]) => [k, child(v)])))
    case 'minProperties':
      return isNumber(value) ? obj((n) => (n.minProperties = value)) : undefined
    case 'maxProperties':
      return isNumber(value) ? obj((n) => (n.maxProperties = value)) : undefined
    case 'prefixItems':
      return Array.isArray(value) ? arr((n) => (n.tuple = value.map(child))) : undefined
    case 'items':
      return arr((n) => itemsKeyword(n, value, raw, child))
    case 'additionalItems':
      return Array.isArray(raw.items) ? arr((n) => setAdditional(n, value, child)) : undefined
    case 'unevaluatedItems':
      return Object.hasOwn(raw, 'additionalItems') || (Object.hasOwn(raw, 'items') && !Array.isArray(raw.items))
        ? undefined
        : arr((n) => setAdditional(n, value, child))
    case 'minItems':
      return isNumber(value) ? arr((n) => (n.minItems = value)) : undefined
    case 'maxItems':
      return isNumber(value) ? arr((n) => (n.maxItems = value)) : undefined
    case 'uniqueItems':
      return arr((n) => (n.uniqueItems = value === true))
    case 'minContains':
      return isNumber(value) ? arr((n) => (n.minContains = value)) : undefined
    case 'maxContains':
      return isNumber(value) ? arr((n) => (n.maxContains = value)) : undefined
    case 'if':
    case 'then':
    case 'else':
      return key === 'if' || !Object.hasOwn(raw, 'if')
        ? {
            kind: 'conditional',
            src: raw,
            if: Object.hasOwn(raw, 'if') ? child(raw.if) : undefined,
            then: Object.hasOwn(raw, 'then') ? child(raw.then) : undefined,
            else: Object.hasOwn(raw, 'else') ? child(raw.else) : undefined,
          }
        : undefined
    default:
      return undefined
  }
}

/** 2020-12 `items` (after `prefixItems`) or 2019-09 `items` (a schema or a tuple). */
function itemsKeyword(n: ArrayNode, value: unknown, raw: Record<string, unknown>, child: (v: unknown) => Node) {
  if (Array.isArray(value)) n.tuple = value.map(child)
  else if (Array.isArray(raw.prefixItems) && raw.prefixItems.length > 0) setAdditional(n, value, child)
  else if (value === false) n.permitsAdditional = false
  else if (value !== true) n.allItems = child(value)
}

function typeNode(type: unknown, raw: unknown): Node | undefined {
  switch (type) {
    case 'string':
      return { kind: 'string', src: raw }
    case 'integer':
    case 'number':
      return { kind: 'number', src: raw, requiresInteger: type === 'integer' }
    case 'boolean':
    case 'null':
      return { kind: type, src: raw }
    case 'object':
      return objectNode(raw)
    case 'array':
      return arrayNode(raw)
    default:
      return undefined
  }
}

function combined(criterion: Criterion, subschemas: Node[], src: unknown): Node {
  // The translator flattens a synthetic allOf that appears as a combiner entry.
  const flat = subschemas.flatMap((s) =>
    s.kind === 'combined' && s.synthetic && s.criterion === 'allOf' ? s.subschemas : [s],
  )
  return { kind: 'combined', src, criterion, synthetic: false, subschemas: flat }
}

/** Adds `node` to the parts, merging it into a part of the same mergeable kind. */
function accumulate(parts: Node[], node: Node): Node[] {
  if (MERGEABLE.has(node.kind)) {
    const i = parts.findIndex((p) => p.kind === node.kind)
    if (i >= 0) {
      const out = [...parts]
      out[i] = merge(parts[i]!, node)
      return out
    }
  }
  return [...parts, node]
}

function merge(a: Node, b: Node): Node {
  const out = { ...a } as Record<string, unknown>
  for (const [k, v] of Object.entries(b)) {
    if (v === undefined) continue
    if (k === 'requiresInteger') out[k] = (out[k] as boolean) || (v as boolean)
    else if (k === 'permitsAdditional') out[k] = (out[k] as boolean) && (v as boolean)
    else if (k === 'uniqueItems') out[k] = (out[k] as boolean) || (v as boolean)
    else if (Array.isArray(v)) out[k] = v.length > 0 || out[k] === undefined ? v : out[k]
    else out[k] = v
  }
  return out as unknown as Node
}

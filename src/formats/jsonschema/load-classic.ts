import { idKeyword, type Draft } from './drafts.js'
import { annotate, type LoadContext } from './load-context.js'
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
  type StringNode,
} from './model.js'
import type { Scope } from './refs.js'

const NUMBER_KEYWORDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf']
const STRING_KEYWORDS = ['minLength', 'maxLength', 'pattern', 'format']
const objectKeywords = (d: Draft) => [
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'dependencies',
  'patternProperties',
  'additionalProperties',
  ...(d === 'draft-04' ? [] : ['propertyNames']),
]
const arrayKeywords = (d: Draft) => [
  'items',
  'additionalItems',
  'minItems',
  'maxItems',
  'uniqueItems',
  ...(d === 'draft-04' ? [] : ['contains']),
]
// everit keeps allOf/anyOf/oneOf in a Java HashMap, which iterates them in this order.
const COMBINERS: readonly Criterion[] = ['allOf', 'oneOf', 'anyOf']

/**
 * draft-04, -06 and -07, loaded the way everit's `SchemaLoader` does: `$ref` alone wins; otherwise
 * enum, combiners, not, const, the explicit `type`, then schemas sniffed from the keywords the type
 * did not use. Several results become a synthetic `allOf`.
 */
export function loadClassic(raw: unknown, scope: Scope, ctx: LoadContext): Node {
  if (raw === true) return { kind: 'true', src: raw }
  if (raw === false) return { kind: 'false', src: raw }
  const draft = scope.doc.draft
  if (!isPlainObject(raw)) return { kind: 'empty', src: raw }
  const child = (value: unknown) => ctx.child(value, scope)
  if (typeof raw.$ref === 'string') return annotate(ctx.ref(raw.$ref, raw, scope), raw, idKeyword(draft))

  const parts: Node[] = []
  if (Array.isArray(raw.enum)) parts.push({ kind: 'enum', src: raw, values: raw.enum })
  for (const criterion of COMBINERS) {
    const list = raw[criterion]
    if (Array.isArray(list))
      parts.push({ kind: 'combined', src: raw, criterion, synthetic: false, subschemas: list.map(child) })
  }
  if (Object.hasOwn(raw, 'not')) parts.push({ kind: 'not', src: raw, not: child(raw.not) })
  if (draft !== 'draft-04' && Object.hasOwn(raw, 'const')) parts.push({ kind: 'const', src: raw, value: raw.const })

  const consumed = new Set<string>()
  const explicit = (type: unknown): Node | undefined => {
    switch (type) {
      case 'string':
        STRING_KEYWORDS.forEach((k) => consumed.add(k))
        return stringNode(raw)
      case 'integer':
      case 'number':
        NUMBER_KEYWORDS.forEach((k) => consumed.add(k))
        return numberNode(raw, draft, type === 'integer')
      case 'boolean':
        return { kind: 'boolean', src: raw }
      case 'null':
        return { kind: 'null', src: raw }
      case 'object':
        objectKeywords(draft).forEach((k) => consumed.add(k))
        return objectSchema(raw, draft, child)
      case 'array':
        arrayKeywords(draft).forEach((k) => consumed.add(k))
        return arraySchema(raw, draft, child)
      default:
        return undefined
    }
  }
  if (Array.isArray(raw.type)) {
    const subschemas = raw.type.map(explicit).filter((n): n is Node => n !== undefined)
    parts.push({ kind: 'combined', src: raw, criterion: 'anyOf', synthetic: false, subschemas })
  } else if (raw.type !== undefined) {
    const node = explicit(raw.type)
    if (node) parts.push(node)
  }

  const has = (keys: string[]) => keys.some((k) => !consumed.has(k) && Object.hasOwn(raw, k))
  if (has(arrayKeywords(draft))) parts.push(arraySchema(raw, draft, child))
  if (has(objectKeywords(draft))) parts.push(objectSchema(raw, draft, child))
  if (has(NUMBER_KEYWORDS)) parts.push(numberNode(raw, draft, false))
  if (has(STRING_KEYWORDS)) parts.push(stringNode(raw))
  if (draft === 'draft-07' && has(['if', 'then', 'else'])) {
    const opt = (k: string) => (Object.hasOwn(raw, k) ? child(raw[k]) : undefined)
    parts.push({ kind: 'conditional', src: raw, if: opt('if'), then: opt('then'), else: opt('else') })
  }

  const node: Node =
    parts.length === 0
      ? { kind: 'empty', src: raw }
      : parts.length === 1
        ? parts[0]!
        : { kind: 'combined', src: raw, criterion: 'allOf', synthetic: true, subschemas: parts }
  return annotate(node, raw, idKeyword(draft))
}

const int = (v: unknown) => (isNumber(v) ? v : undefined)

export function stringNode(raw: Record<string, unknown>): StringNode {
  const node: StringNode = { kind: 'string', src: raw }
  if (int(raw.minLength) !== undefined) node.minLength = raw.minLength as number
  if (int(raw.maxLength) !== undefined) node.maxLength = raw.maxLength as number
  if (typeof raw.pattern === 'string') node.pattern = raw.pattern
  return node
}

function numberNode(raw: Record<string, unknown>, draft: Draft, integer: boolean): NumberNode {
  const node: NumberNode = { kind: 'number', src: raw, requiresInteger: integer }
  if (isNumber(raw.minimum)) node.minimum = raw.minimum
  if (isNumber(raw.maximum)) node.maximum = raw.maximum
  if (isNumber(raw.multipleOf)) node.multipleOf = raw.multipleOf
  // draft-04's boolean exclusive flags only qualify minimum/maximum, which the diff ignores.
  if (draft !== 'draft-04' && isNumber(raw.exclusiveMinimum)) node.exclusiveMinimum = raw.exclusiveMinimum
  if (draft !== 'draft-04' && isNumber(raw.exclusiveMaximum)) node.exclusiveMaximum = raw.exclusiveMaximum
  return node
}

function objectSchema(raw: Record<string, unknown>, draft: Draft, child: (v: unknown) => Node): ObjectNode {
  const node = objectNode(raw)
  if (isPlainObject(raw.properties)) node.properties = Object.entries(raw.properties).map(([k, v]) => [k, child(v)])
  if (Array.isArray(raw.required)) node.required = raw.required.filter((r): r is string => typeof r === 'string')
  if (isPlainObject(raw.patternProperties))
    node.patternProperties = Object.entries(raw.patternProperties).map(([k, v]) => [k, child(v)])
  setAdditional(node, raw.additionalProperties, child)
  if (isPlainObject(raw.dependencies)) {
    for (const [key, value] of Object.entries(raw.dependencies)) {
      if (Array.isArray(value))
        node.propertyDependencies.push([key, value.filter((s): s is string => typeof s === 'string')])
      else if (draft !== 'draft-04' || isPlainObject(value)) node.schemaDependencies.push([key, child(value)])
    }
  }
  if (isNumber(raw.minProperties)) node.minProperties = raw.minProperties
  if (isNumber(raw.maxProperties)) node.maxProperties = raw.maxProperties
  return node
}

/** `additionalProperties`/`additionalItems`: a boolean opens or closes, a schema partially opens. */
export function setAdditional(node: ObjectNode | ArrayNode, value: unknown, child: (v: unknown) => Node) {
  if (value === false) node.permitsAdditional = false
  else if (isPlainObject(value)) node.additionalSchema = child(value)
}

function arraySchema(raw: Record<string, unknown>, _draft: Draft, child: (v: unknown) => Node): ArrayNode {
  const node = arrayNode(raw)
  if (Array.isArray(raw.items)) node.tuple = raw.items.map(child)
  else if (raw.items !== undefined) node.allItems = child(raw.items)
  setAdditional(node, raw.additionalItems, child)
  if (isNumber(raw.minItems)) node.minItems = raw.minItems
  if (isNumber(raw.maxItems)) node.maxItems = raw.maxItems
  node.uniqueItems = raw.uniqueItems === true
  return node
}

/**
 * The typed schema model the diff walks. It mirrors the everit json-schema model Confluent's
 * `SchemaDiff` compares, because which differences are reported depends on it: a `type` plus an
 * `enum` is a synthetic `allOf` of two schemas there, `{}` and `true` are different classes, and
 * so on. `kind` plays the role of the Java class.
 */
export type Kind =
  | 'empty'
  | 'true'
  | 'false'
  | 'string'
  | 'number'
  | 'boolean'
  | 'null'
  | 'object'
  | 'array'
  | 'enum'
  | 'const'
  | 'combined'
  | 'not'
  | 'ref'
  | 'conditional'

export type Criterion = 'allOf' | 'anyOf' | 'oneOf'

/** Annotations every schema carries; changes to them are always compatible. */
export interface Annotations {
  id?: string
  title?: string
  description?: string
  default?: { readonly value: unknown }
}

interface Base<K extends Kind> extends Annotations {
  readonly kind: K
  /** The JSON this schema was loaded from, used to collapse duplicate `allOf`/`anyOf` entries. */
  src: unknown
}

export type EmptyNode = Base<'empty'>
export type TrueNode = Base<'true'>
export type FalseNode = Base<'false'>
export type BooleanNode = Base<'boolean'>
export type NullNode = Base<'null'>

export interface StringNode extends Base<'string'> {
  minLength?: number
  maxLength?: number
  pattern?: string
}

export interface NumberNode extends Base<'number'> {
  requiresInteger: boolean
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  multipleOf?: number
}

export interface ObjectNode extends Base<'object'> {
  properties: [string, Node][]
  required: string[]
  /** false only for `additionalProperties: false` (or `unevaluatedProperties: false`). */
  permitsAdditional: boolean
  additionalSchema?: Node
  patternProperties: [string, Node][]
  propertyDependencies: [string, string[]][]
  schemaDependencies: [string, Node][]
  minProperties?: number
  maxProperties?: number
}

export interface ArrayNode extends Base<'array'> {
  /** `items` as one schema for every item. */
  allItems?: Node
  /** `items` as a tuple (draft-04..2019-09) or `prefixItems` (2020-12). */
  tuple?: Node[]
  permitsAdditional: boolean
  additionalSchema?: Node
  minItems?: number
  maxItems?: number
  uniqueItems: boolean
  minContains?: number
  maxContains?: number
}

export interface EnumNode extends Base<'enum'> {
  values: unknown[]
}

export interface ConstNode extends Base<'const'> {
  value: unknown
}

export interface CombinedNode extends Base<'combined'> {
  criterion: Criterion
  subschemas: Node[]
  /** Made up by the loader for a schema with keywords of several kinds. */
  synthetic: boolean
}

export interface NotNode extends Base<'not'> {
  not: Node
}

export interface RefNode extends Base<'ref'> {
  ref: string
  /** The referred schema; the same object every time, so recursion can be detected. */
  target(): Node
}

export interface ConditionalNode extends Base<'conditional'> {
  if?: Node
  then?: Node
  else?: Node
}

export type Node =
  | EmptyNode
  | TrueNode
  | FalseNode
  | BooleanNode
  | NullNode
  | StringNode
  | NumberNode
  | ObjectNode
  | ArrayNode
  | EnumNode
  | ConstNode
  | CombinedNode
  | NotNode
  | RefNode
  | ConditionalNode

export type NodeOf<K extends Kind> = Extract<Node, { kind: K }>

export function objectNode(src: unknown): ObjectNode {
  return {
    kind: 'object',
    src,
    properties: [],
    required: [],
    permitsAdditional: true,
    patternProperties: [],
    propertyDependencies: [],
    schemaDependencies: [],
  }
}

export function arrayNode(src: unknown): ArrayNode {
  return { kind: 'array', src, permitsAdditional: true, uniqueItems: false }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

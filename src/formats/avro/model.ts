import type { Type } from 'avsc'
import type { ParsedSchema } from '../format.js'
import type { JsonValue } from './json.js'

/**
 * The parsed Avro schema tree, shaped like Apache Avro Java's `Schema`: a named type used twice is
 * the same node object (compatibility memoises on node identity, as Java does), while every
 * primitive occurrence is a node of its own.
 */
export type AvroNode = PrimitiveNode | RecordNode | EnumNode | FixedNode | ArrayNode | MapNode | UnionNode

export const PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const
export type PrimitiveType = (typeof PRIMITIVES)[number]

const PRIMITIVE_NAMES: ReadonlySet<string> = new Set(PRIMITIVES)

/** True for the name of a primitive type (`"string"`, `"long"`...). */
export const isPrimitiveName = (name: string): name is PrimitiveType => PRIMITIVE_NAMES.has(name)

/** True for a primitive node: one that holds no other node and no name. */
export const isPrimitiveNode = (n: AvroNode): n is PrimitiveNode => PRIMITIVE_NAMES.has(n.kind)

/** Custom attributes in source order (`logicalType` included, as in Java's props). */
export type Props = ReadonlyMap<string, JsonValue>

export interface PrimitiveNode {
  readonly kind: PrimitiveType
  readonly props: Props
}

interface Named {
  /** Simple name. */
  readonly name: string
  readonly namespace: string | null
  readonly fullName: string
  readonly doc?: string
  /** Full names of the aliases, qualified with the type's namespace. */
  readonly aliases: readonly string[]
  readonly props: Props
}

export interface RecordNode extends Named {
  readonly kind: 'record'
  /** Declared as `"type":"error"`; printed back that way. */
  readonly error: boolean
  readonly fields: FieldNode[]
}

export type FieldOrder = 'ascending' | 'descending' | 'ignore'

export interface FieldNode {
  readonly name: string
  readonly pos: number
  readonly type: AvroNode
  readonly doc?: string
  /** Absent when the field has no `default`; JSON `null` is a default. */
  readonly default?: JsonValue
  readonly order: FieldOrder
  readonly aliases: readonly string[]
  readonly props: Props
}

export interface EnumNode extends Named {
  readonly kind: 'enum'
  readonly symbols: readonly string[]
  readonly default?: string
}

export interface FixedNode extends Named {
  readonly kind: 'fixed'
  readonly size: number
}

export interface ArrayNode {
  readonly kind: 'array'
  readonly items: AvroNode
  readonly props: Props
}

export interface MapNode {
  readonly kind: 'map'
  readonly values: AvroNode
  readonly props: Props
}

export interface UnionNode {
  readonly kind: 'union'
  readonly branches: readonly AvroNode[]
}

export type NamedNode = RecordNode | EnumNode | FixedNode

export const isNamed = (n: AvroNode): n is NamedNode => n.kind === 'record' || n.kind === 'enum' || n.kind === 'fixed'

/** A parsed Avro schema, as the registry and the serializers see it. */
export interface AvroSchema extends ParsedSchema {
  readonly type: 'AVRO'
  /** The schema tree, with referenced types resolved. */
  readonly root: AvroNode
  /** Full name of a top-level record, enum or fixed (RecordNameStrategy). */
  readonly fullName?: string
  /** Full names of every named type defined by the references, in definition order. */
  readonly refNames: ReadonlySet<string>
  /** Full names of the top-level types of each reference, in reference order. */
  readonly refRoots: readonly AvroNode[]
  /**
   * The avsc type, references resolved, for toBuffer/fromBuffer and createResolver. Built on first
   * use; throws SchemaParseError if avsc cannot build it. Not copied by object spread: read it
   * from the schema `parse` returned.
   */
  readonly avscType: Type
}

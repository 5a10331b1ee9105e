/**
 * The element model of one `.proto` file, close to Square Wire's `ProtoFileElement`: what was
 * written, not what it resolves to. Type names stay as written (`Status`, `.foo.Status`,
 * `map<string, Status>`) because Confluent's printer and diff work on the written names.
 */

export type OptionValue =
  | { readonly kind: 'STRING'; readonly value: string }
  | { readonly kind: 'BOOLEAN' | 'ENUM' | 'NUMBER'; readonly value: string }
  /** `(a).b = v`: the value is the nested, unparenthesized option `b = v`. */
  | { readonly kind: 'OPTION'; readonly value: OptionElement }
  /** An aggregate `{ key: value ... }`; repeated keys are merged into a LIST. */
  | { readonly kind: 'MAP'; readonly value: ReadonlyMap<string, OptionValue> }
  | { readonly kind: 'LIST'; readonly value: readonly OptionValue[] }

export interface OptionElement {
  readonly name: string
  readonly parenthesized: boolean
  readonly value: OptionValue
}

export type Label = 'optional' | 'required' | 'repeated'

export interface FieldElement {
  readonly label?: Label
  /** As written: `int32`, `Status`, `.pkg.Status`, `map<string, Status>`. */
  readonly type: string
  readonly name: string
  readonly tag: number
  readonly defaultValue?: OptionValue
  readonly jsonName?: string
  readonly options: readonly OptionElement[]
}

/** A reserved or extensions entry: a number, an inclusive range or (reserved only) a name. */
export type RangeValue = number | { readonly start: number; readonly end: number } | string

export interface OneOfElement {
  readonly name: string
  readonly fields: readonly FieldElement[]
  readonly groups: readonly GroupElement[]
  readonly options: readonly OptionElement[]
}

export interface GroupElement {
  readonly label?: Label
  readonly name: string
  readonly tag: number
  readonly fields: readonly FieldElement[]
}

export interface ExtendElement {
  readonly name: string
  readonly fields: readonly FieldElement[]
}

export interface MessageElement {
  readonly kind: 'message'
  readonly name: string
  /** Fields outside oneofs, in source order. */
  readonly fields: readonly FieldElement[]
  readonly oneOfs: readonly OneOfElement[]
  readonly groups: readonly GroupElement[]
  readonly nested: readonly TypeElement[]
  readonly reserved: readonly (readonly RangeValue[])[]
  readonly extensions: readonly (readonly RangeValue[])[]
  readonly extendDeclarations: readonly ExtendElement[]
  readonly options: readonly OptionElement[]
}

export interface EnumConstantElement {
  readonly name: string
  readonly tag: number
  readonly options: readonly OptionElement[]
}

export interface EnumElement {
  readonly kind: 'enum'
  readonly name: string
  readonly constants: readonly EnumConstantElement[]
  readonly reserved: readonly (readonly RangeValue[])[]
  readonly options: readonly OptionElement[]
}

export type TypeElement = MessageElement | EnumElement

export interface RpcElement {
  readonly name: string
  readonly requestType: string
  readonly requestStreaming: boolean
  readonly responseType: string
  readonly responseStreaming: boolean
  readonly options: readonly OptionElement[]
}

export interface ServiceElement {
  readonly name: string
  readonly rpcs: readonly RpcElement[]
  readonly options: readonly OptionElement[]
}

export interface ProtoFile {
  /** `proto2`, `proto3`, or undefined when the file has no `syntax` statement. */
  readonly syntax?: 'proto2' | 'proto3'
  readonly packageName?: string
  readonly imports: readonly string[]
  readonly publicImports: readonly string[]
  readonly weakImports: readonly string[]
  readonly options: readonly OptionElement[]
  readonly types: readonly TypeElement[]
  readonly services: readonly ServiceElement[]
  readonly extendDeclarations: readonly ExtendElement[]
}

export const SCALAR_TYPES: ReadonlySet<string> = new Set([
  'bool',
  'bytes',
  'double',
  'float',
  'fixed32',
  'fixed64',
  'int32',
  'int64',
  'sfixed32',
  'sfixed64',
  'sint32',
  'sint64',
  'string',
  'uint32',
  'uint64',
])

/** `map<K, V>` split into key and value type, or undefined for any other type. */
export function mapTypes(type: string): { key: string; value: string } | undefined {
  const m = /^map\s*<\s*([^,\s]+)\s*,\s*([^>\s]+)\s*>$/.exec(type)
  return m ? { key: m[1]!, value: m[2]! } : undefined
}

/** Every field of a message, oneof members included, in source order of their containers. */
export function allFields(message: MessageElement): FieldElement[] {
  return [...message.fields, ...message.oneOfs.flatMap((o) => o.fields)]
}

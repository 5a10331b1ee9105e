import type { RuleDoc } from '../../format.js'

/**
 * Every change kind the Protobuf diff reports, with Confluent's names (`diff/Difference.java`).
 * `compatible` is the verdict under Confluent's default policy; `wireJson` overrides it under
 * the opt-in `WIRE_JSON` policy (after buf's WIRE_JSON category, where names are part of JSON).
 * Messages speak of `{reader}` (the new schema in a backward check) and `{writer}`.
 */
export interface DifferenceRule {
  readonly compatible: boolean
  readonly wireJson?: boolean
  readonly purpose: string
  readonly message?: (path: string) => string
  /** What changed, in one line (for change kinds a policy can refuse). */
  readonly summary?: string
  /** How to make the change without breaking readers (for change kinds a policy can refuse). */
  readonly hint?: string
}

export const DIFFERENCES = {
  PACKAGE_CHANGED: {
    compatible: false,
    purpose: 'Full names change with the package, so references to them break.',
    message: (p) => `The package at '${p}' in the {reader} schema does not match the package in the {writer} schema`,
    summary: "The file's package changed.",
    hint: 'Keep the old `package`; move new types to a new file (and subject) instead.',
  },
  MESSAGE_ADDED: { compatible: true, purpose: 'Old data never uses a new message.' },
  MESSAGE_REMOVED: {
    compatible: false,
    purpose: 'Old data may be encoded with the removed message (its message index).',
    message: (p) => `The {reader} schema is missing a MESSAGE type at path '${p}' in the {writer} schema`,
    summary: 'A message type was removed.',
    hint: 'Keep the message (mark it `option deprecated = true;`); old records may still be encoded with it.',
  },
  MESSAGE_MOVED: { compatible: true, purpose: 'Message indexes refer to the writer\u2019s file, so order is free.' },
  ENUM_ADDED: { compatible: true, purpose: 'Enums are numbers on the wire.' },
  ENUM_REMOVED: { compatible: true, purpose: 'Enums are numbers on the wire.' },
  ENUM_CONST_ADDED: { compatible: true, purpose: 'Unknown enum numbers are kept by readers.' },
  ENUM_CONST_CHANGED: {
    compatible: true,
    wireJson: false,
    purpose: 'Only the number is on the wire; JSON writes the name.',
    message: (p) =>
      `The name of the enum constant at path '${p}' in the {reader} schema does not match its name in the {writer} schema`,
    summary: 'An enum constant was renamed (breaks JSON, which writes names).',
    hint: 'Keep the old name; add the new name as another constant with `option allow_alias = true;`.',
  },
  ENUM_CONST_REMOVED: { compatible: true, purpose: 'Unknown enum numbers are kept by readers.' },
  FIELD_ADDED: { compatible: true, purpose: 'Old data simply lacks the field.' },
  FIELD_REMOVED: { compatible: true, purpose: 'Readers skip unknown field numbers.' },
  FIELD_NAME_CHANGED: {
    compatible: true,
    wireJson: false,
    purpose: 'Numbers are identity on the wire; JSON keys are names.',
    message: (p) =>
      `The name of the field at path '${p}' in the {reader} schema does not match its name in the {writer} schema`,
    summary: 'A field was renamed (breaks JSON, which uses names as keys).',
    hint: 'Keep the old name, or set `json_name` to the old name.',
  },
  FIELD_KIND_CHANGED: {
    compatible: false,
    purpose: 'Scalar, message and map fields have different wire types.',
    message: (p) => `The type of a field at path '${p}' in the {reader} schema does not match the {writer} schema`,
    summary: 'A field changed between scalar, message and map.',
    hint: "Keep the field's type; add a new field with a new number for the new type, and `reserved` the old number once it is unused.",
  },
  FIELD_SCALAR_KIND_CHANGED: {
    compatible: false,
    purpose: 'Only scalars of one family (e.g. int32/int64/bool/enum) share an encoding.',
    message: (p) =>
      `The kind of a SCALAR field at path '${p}' in the {reader} schema does not match its kind in the {writer} schema`,
    summary: 'A scalar field changed to a type with another wire encoding.',
    hint: 'Keep the old type, or change only within one family (int32/int64/uint32/uint64/bool/enum; sint32/sint64; fixed32/sfixed32; fixed64/sfixed64; string/bytes); otherwise add a new field number and reserve the old one.',
  },
  FIELD_NAMED_TYPE_CHANGED: {
    compatible: false,
    purpose: 'A message field must keep a compatible message type of the same name.',
    message: (p) =>
      `The type of a MESSAGE field at path '${p}' in the {reader} schema does not match its type in the {writer} schema`,
    summary: 'A message field now refers to a different message type.',
    hint: "Keep the field's message type (evolve that message instead), or add a new field number for the new type.",
  },
  FIELD_NUMERIC_LABEL_CHANGED: {
    compatible: false,
    purpose: 'Repeated numeric fields are packed; singular ones are not.',
    message: (p) =>
      `The label for a NUMERIC field at path '${p}' in the {reader} schema does not match its label in the {writer} schema`,
    summary: 'A numeric field changed between repeated and singular.',
    hint: 'Keep the label; add a new field number for the repeated (or singular) form.',
  },
  FIELD_STRING_OR_BYTES_LABEL_CHANGED: { compatible: true, purpose: 'Length-delimited either way.' },
  REQUIRED_FIELD_ADDED: {
    compatible: false,
    purpose: 'Old data lacks a field the reader requires.',
    message: (p) => `A required field  at path '${p}' in the {reader} schema is missing in the {writer} schema`,
    summary: 'A proto2 `required` field was added.',
    hint: 'Make the new field `optional` (required fields can never be added safely).',
  },
  REQUIRED_FIELD_REMOVED: {
    compatible: false,
    purpose: 'Writers of the old schema still require it (proto2).',
    message: (p) => `The {reader} schema is missing a required field at path: '${p}' in the {writer} schema`,
    summary: 'A proto2 `required` field was removed.',
    hint: 'Keep the field; writers of the old schema still require it.',
  },
  ONEOF_ADDED: { compatible: true, purpose: 'A new oneof with new fields is invisible to old data.' },
  ONEOF_REMOVED: { compatible: true, purpose: 'Removing a whole oneof is like removing fields.' },
  ONEOF_FIELD_ADDED: { compatible: true, purpose: 'A new member is invisible to old data.' },
  ONEOF_FIELD_REMOVED: {
    compatible: false,
    purpose: 'Old data may have set the dropped member of a surviving oneof.',
    message: (p) => `The {reader} schema is missing a oneof field at path '${p}' in the {writer} schema`,
    summary: 'A member was removed from a oneof that still exists.',
    hint: 'Keep the member in the oneof (deprecate it) or reserve its number and name.',
  },
  ONEOF_FIELD_MOVED_TO_TOP_LEVEL: { compatible: true, purpose: 'Leaving a oneof only relaxes exclusivity.' },
  MULTIPLE_FIELDS_MOVED_TO_ONEOF: {
    compatible: false,
    purpose: 'Independent fields become mutually exclusive; old data may set several.',
    message: (p) =>
      `Multiple fields in the oneof at path '${p}' in the {reader} schema are outside a oneof in the {writer} schema`,
    summary: 'Several independent fields were moved into one oneof.',
    hint: 'Keep the fields outside the oneof; put only new fields in a new oneof.',
  },
  FIELD_MOVED_TO_EXISTING_ONEOF: {
    compatible: false,
    purpose: 'A field joins members it was independent of.',
    message: (p) =>
      `A field in the oneof at path '${p}' in the {reader} schema is outside an existing oneof in the {writer} schema`,
    summary: 'A field was moved into an existing oneof.',
    hint: 'Keep the field outside the oneof; add a new field to the oneof instead.',
  },
  FIELD_JSON_NAME_CHANGED: {
    compatible: true,
    wireJson: false,
    purpose: 'WIRE_JSON only: the JSON key of a field changed (json_name or name).',
    message: (p) =>
      `The JSON name of the field at path '${p}' in the {reader} schema does not match its JSON name in the {writer} schema`,
    summary: "A field's JSON name changed (json_name or name).",
    hint: 'Keep the JSON name: set `json_name` to the old one.',
  },
  FIELD_JSON_TYPE_CHANGED: {
    compatible: true,
    wireJson: false,
    purpose: 'WIRE_JSON only: same wire encoding, different JSON encoding (int32/int64, string/bytes, enum/int).',
    message: (p) =>
      `The JSON encoding of the field at path '${p}' in the {reader} schema does not match the {writer} schema`,
    summary: "A field's JSON encoding changed (e.g. int32/int64, string/bytes, enum/int).",
    hint: 'Keep the old type; add a new field number for the new type.',
  },
  RESERVED_FIELD_REMOVED: {
    compatible: false,
    purpose: 'A name in the writer\u2019s `confluent:reserved` metadata must stay reserved.',
    message: (p) =>
      `The {reader} schema has reserved field ${p} removed from its metadata which is present in the {writer} schema's metadata.`,
    summary: 'A name left the `confluent:reserved` metadata.',
    hint: "Keep every name of the old `confluent:reserved` list in the new version's metadata.",
  },
  FIELD_CONFLICTS_WITH_RESERVED_FIELD: {
    compatible: false,
    purpose: 'A field may not use a name listed in `confluent:reserved`.',
    message: (p) => `The {reader} schema has field that conflicts with the reserved field ${p}.`,
    summary: 'A field uses a name listed in `confluent:reserved`.',
    hint: 'Rename the field; reserved names may not be reused.',
  },
} satisfies Record<string, DifferenceRule>

export type DifferenceType = keyof typeof DIFFERENCES

export interface Difference {
  readonly type: DifferenceType
  /** `#/Message/field-number`, as Confluent's `Context` builds it. */
  readonly path: string
}

export type Policy = 'DEFAULT' | 'WIRE_JSON'

export function isCompatible(type: DifferenceType, policy: Policy): boolean {
  const rule: DifferenceRule = DIFFERENCES[type]
  return policy === 'WIRE_JSON' && rule.wireJson !== undefined ? rule.wireJson : rule.compatible
}

/** The documentation of a change kind, for reports; summary and hint only for kinds a policy refuses. */
export function describeProtobufRule(id: string): RuleDoc | undefined {
  if (!Object.hasOwn(DIFFERENCES, id)) return undefined
  const rule: DifferenceRule = DIFFERENCES[id as DifferenceType]
  return {
    id,
    summary: rule.summary ?? rule.purpose,
    description: rule.purpose,
    hint: rule.hint ?? 'Compatible under the default policy: nothing to change.',
  }
}

export function messageFor(d: Difference): string {
  const rule: DifferenceRule = DIFFERENCES[d.type]
  return rule.message ? rule.message(d.path) : `${d.type} at path '${d.path}'`
}

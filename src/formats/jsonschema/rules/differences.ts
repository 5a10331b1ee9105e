import type { RuleDoc } from '../../format.js'

/**
 * Confluent's JSON Schema difference names (`json/diff/Difference.java`) and which of them each
 * `compatibilityPolicy` accepts. The diff reports every difference; the policy decides.
 */

/** Changes STRICT accepts: Confluent's `SchemaDiff.COMPATIBLE_CHANGES`. */
const STRICT_COMPATIBLE = [
  'ID_CHANGED',
  'DESCRIPTION_CHANGED',
  'TITLE_CHANGED',
  'DEFAULT_CHANGED',
  'SCHEMA_REMOVED',
  'TYPE_EXTENDED',
  'MAX_LENGTH_INCREASED',
  'MAX_LENGTH_REMOVED',
  'MIN_LENGTH_DECREASED',
  'MIN_LENGTH_REMOVED',
  'PATTERN_REMOVED',
  'MAXIMUM_INCREASED',
  'MAXIMUM_REMOVED',
  'MINIMUM_DECREASED',
  'MINIMUM_REMOVED',
  'EXCLUSIVE_MAXIMUM_INCREASED',
  'EXCLUSIVE_MAXIMUM_REMOVED',
  'EXCLUSIVE_MINIMUM_DECREASED',
  'EXCLUSIVE_MINIMUM_REMOVED',
  'MULTIPLE_OF_REDUCED',
  'MULTIPLE_OF_REMOVED',
  'REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED',
  'REQUIRED_ATTRIBUTE_REMOVED',
  'DEPENDENCY_ARRAY_NARROWED',
  'DEPENDENCY_ARRAY_REMOVED',
  'DEPENDENCY_SCHEMA_REMOVED',
  'MAX_PROPERTIES_INCREASED',
  'MAX_PROPERTIES_REMOVED',
  'MIN_PROPERTIES_DECREASED',
  'MIN_PROPERTIES_REMOVED',
  'ADDITIONAL_PROPERTIES_ADDED',
  'ADDITIONAL_PROPERTIES_EXTENDED',
  'PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL',
  'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL',
  'OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
  'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL',
  'PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL',
  'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'MAX_ITEMS_INCREASED',
  'MAX_ITEMS_REMOVED',
  'MIN_ITEMS_DECREASED',
  'MIN_ITEMS_REMOVED',
  'MAX_CONTAINS_INCREASED',
  'MAX_CONTAINS_REMOVED',
  'MIN_CONTAINS_DECREASED',
  'UNIQUE_ITEMS_REMOVED',
  'ADDITIONAL_ITEMS_ADDED',
  'ADDITIONAL_ITEMS_EXTENDED',
  'ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL',
  'ITEM_ADDED_TO_CLOSED_CONTENT_MODEL',
  'ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL',
  'ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL',
  'ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
  'ENUM_ARRAY_EXTENDED',
  'COMBINED_TYPE_EXTENDED',
  'PRODUCT_TYPE_NARROWED',
  'SUM_TYPE_EXTENDED',
  'NOT_TYPE_NARROWED',
] as const

/**
 * LENIENT also accepts what old data rarely carries in practice: new optional properties (or
 * required ones with a default) in an open model, a narrowed or removed `additionalProperties`,
 * and properties dropped from a closed model.
 */
const LENIENT_EXTRA = [
  'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
  'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL',
  'ADDITIONAL_PROPERTIES_REMOVED',
  'ADDITIONAL_PROPERTIES_NARROWED',
  'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
] as const

export type Policy = 'STRICT' | 'LENIENT'

export const COMPATIBLE_CHANGES: Readonly<Record<Policy, ReadonlySet<string>>> = {
  STRICT: new Set(STRICT_COMPATIBLE),
  LENIENT: new Set([...STRICT_COMPATIBLE, ...LENIENT_EXTRA]),
}

/** The config value `compatibilityPolicy`; anything but LENIENT is STRICT. */
export function policyOf(value: string | undefined): Policy {
  return value?.toUpperCase() === 'LENIENT' ? 'LENIENT' : 'STRICT'
}

/** One difference between the old (writer) and new (reader) schema, at a JSON pointer. */
export interface Difference {
  readonly type: string
  readonly path: string
}

const KEYWORD_ADDED_OR_REMOVED =
  /^(MAXIMUM|MINIMUM|EXCLUSIVE_MAXIMUM|EXCLUSIVE_MINIMUM|MULTIPLE_OF|MAX_LENGTH|MIN_LENGTH|PATTERN|MAX_PROPERTIES|MIN_PROPERTIES|DEPENDENCY_ARRAY|DEPENDENCY_SCHEMA|MAX_ITEMS|MIN_ITEMS|MAX_CONTAINS|UNIQUE_ITEMS)_ADDED$|^REQUIRED_ATTRIBUTE_ADDED$|^ADDITIONAL_(ITEMS|PROPERTIES)_REMOVED$/
const VALUE_INCREASED =
  /^(MIN_LENGTH|MINIMUM|EXCLUSIVE_MINIMUM|MIN_PROPERTIES|MIN_ITEMS|MIN_CONTAINS)_INCREASED$|^MULTIPLE_OF_EXPANDED$/
const VALUE_DECREASED = /^(MAX_LENGTH|MAXIMUM|EXCLUSIVE_MAXIMUM|MAX_ITEMS|MAX_PROPERTIES|MAX_CONTAINS)_DECREASED$/
const VALUE_CHANGED = /^(PATTERN|MULTIPLE_OF|DEPENDENCY_ARRAY)_CHANGED$/
const NARROWED = /^(ADDITIONAL_ITEMS|ENUM_ARRAY|SUM_TYPE|ADDITIONAL_PROPERTIES)_NARROWED$/
const EXTENDED = /^(DEPENDENCY_ARRAY|PRODUCT_TYPE|SUM_TYPE|NOT_TYPE)_EXTENDED$/
const TYPE_CHANGED =
  /^(TYPE_CHANGED|TYPE_NARROWED|COMBINED_TYPE_CHANGED|COMBINED_TYPE_SUBSCHEMAS_CHANGED|ENUM_ARRAY_CHANGED)$/

/** The description of an incompatible difference, in `{reader}`/`{writer}` roles, worded as Confluent's. */
export function describeDifference({ type, path }: Difference): string {
  if (KEYWORD_ADDED_OR_REMOVED.test(type))
    return `The keyword at path '${path}' in the {reader} schema is not present in the {writer} schema`
  if (VALUE_INCREASED.test(type))
    return `The value at path '${path}' in the {reader} schema is more than its value in the {writer} schema`
  if (VALUE_DECREASED.test(type))
    return `The value at path '${path}' in the {reader} schema is less than its value in the {writer} schema`
  if (VALUE_CHANGED.test(type))
    return `The value at path '${path}' is different between the {reader} and {writer} schema`
  if (NARROWED.test(type))
    return `An array or combined type at path '${path}' has fewer elements in the {reader} schema than the {writer} schema`
  if (EXTENDED.test(type))
    return `An array or combined type at path '${path}' has more elements in the {reader} schema than the {writer} schema`
  if (TYPE_CHANGED.test(type))
    return `A type at path '${path}' is different between the {reader} schema and the {writer} schema`
  switch (type) {
    case 'OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL':
    case 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL':
    case 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL':
    case 'ITEM_ADDED_TO_OPEN_CONTENT_MODEL':
      return `The {reader} schema has an open content model and has a property or item at path '${path}' which is missing in the {writer} schema`
    case 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL':
      return `The {reader} schema has an unopen content model and has a required property at path '${path}' which is missing in the {writer} schema`
    case 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL':
    case 'ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL':
      return `The {reader} has a closed content model and is missing a property or item present at path '${path}' in the {writer} schema`
    case 'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
    case 'ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
      return `A property or item is missing in the {reader} schema but present at path '${path}' in the {writer} schema and is not covered by its partially open content model`
    case 'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
    case 'ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL':
      return `The {reader} schema has a property or item at path '${path}' which is missing in the {writer} schema and is not covered by its partially open content model`
    case 'SCHEMA_ADDED':
      return `A schema at path '${path}' is present in the {reader} schema but not in the {writer} schema`
    default:
      return `The {reader} schema differs from the {writer} schema at path '${path}' (${type})`
  }
}

/** Summary and fix hint by family of change kind; the first family whose pattern matches wins. */
const RULE_FAMILIES: readonly {
  readonly match: RegExp
  readonly summary: string
  readonly description: string
  readonly hint: string
}[] = [
  {
    match: /^REQUIRED_ATTRIBUTE_ADDED$/,
    summary: 'A property became required.',
    description: 'Old records that lack the property no longer validate.',
    hint: 'Give the property a `default`, or keep it out of `required`.',
  },
  {
    match: /^ADDITIONAL_(ITEMS|PROPERTIES)_REMOVED$|^ADDITIONAL_PROPERTIES_NARROWED$|^ADDITIONAL_ITEMS_NARROWED$/,
    summary: 'Extra properties or items are no longer allowed (or allowed less).',
    description:
      'Old records may carry properties or items that the new `additionalProperties`/`additionalItems` rejects.',
    hint: 'Keep the old `additionalProperties`/`additionalItems`, or declare the extra properties explicitly (or use the LENIENT policy).',
  },
  {
    match: KEYWORD_ADDED_OR_REMOVED,
    summary: 'A constraint keyword was added.',
    description: 'Old records were never checked against the new constraint and may violate it.',
    hint: 'Leave the new constraint out, or put the constrained value in a new optional property.',
  },
  {
    match: VALUE_INCREASED,
    summary: 'A lower bound was raised.',
    description: 'Old records may hold values below the new minimum.',
    hint: 'Keep the old lower bound (lowering it is safe).',
  },
  {
    match: VALUE_DECREASED,
    summary: 'An upper bound was lowered.',
    description: 'Old records may hold values above the new maximum.',
    hint: 'Keep the old upper bound (raising it is safe).',
  },
  {
    match: VALUE_CHANGED,
    summary: 'A constraint value changed.',
    description: 'Old records valid under the old value may be invalid under the new one.',
    hint: 'Keep the old value (a `pattern` may only be removed, a `multipleOf` only divided).',
  },
  {
    match: NARROWED,
    summary: 'Fewer values or branches are allowed.',
    description: 'Old records may hold a value or branch the new schema no longer lists.',
    hint: 'Keep every value and branch the old schema allowed; only add new ones.',
  },
  {
    match: EXTENDED,
    summary: 'More constraints must hold together.',
    description:
      'A new `allOf` branch, dependency or `not` alternative adds a constraint old records were never checked against.',
    hint: 'Leave the new constraint out, or make it apply only to a new optional property.',
  },
  {
    match: TYPE_CHANGED,
    summary: 'A type changed.',
    description: 'Old records of the old type do not validate against the new type.',
    hint: 'Keep the old type, or widen it (`"type": ["old", "new"]`); for a different type add a new property.',
  },
  {
    match: /^(OPTIONAL_PROPERTY|REQUIRED_PROPERTY|REQUIRED_PROPERTY_WITH_DEFAULT|ITEM)_ADDED_TO_OPEN_CONTENT_MODEL$/,
    summary: 'A property or item was declared in an open content model.',
    description:
      'An open model let old records carry this property with any value, which the new declaration may reject.',
    hint: 'Close the model with `"additionalProperties": false` in both versions before adding properties, or use the LENIENT policy.',
  },
  {
    match: /^REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL$/,
    summary: 'A required property was added.',
    description: 'Old records lack the new property.',
    hint: 'Give the new property a `default`, or make it optional (leave it out of `required`).',
  },
  {
    match: /^(PROPERTY|ITEM)_REMOVED_FROM_CLOSED_CONTENT_MODEL$/,
    summary: 'A property or item was removed from a closed content model.',
    description: 'Old records may still carry it, and the closed model now rejects it.',
    hint: 'Keep the property declared (it may be deprecated), or open the model.',
  },
  {
    match: /^(PROPERTY|ITEM)_(ADDED|REMOVED)_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL$/,
    summary: 'A property or item is not covered by the partially open content model.',
    description:
      'The property was added or removed, and `additionalProperties`/`patternProperties` do not accept what old records may hold.',
    hint: 'Make the property\u2019s schema match the model\u2019s `additionalProperties`/`patternProperties`, or keep the old declaration.',
  },
  {
    match: /^SCHEMA_ADDED$/,
    summary: 'A schema was added where there was none.',
    description: 'Anything was accepted before; old records may not match the new schema.',
    hint: 'Leave the location unconstrained (an empty schema `{}`), or add the schema under a new property.',
  },
]

/** The documentation of a JSON Schema change kind, from the family it belongs to. */
export function describeJsonSchemaRule(type: string): RuleDoc | undefined {
  if (!/^[A-Z_]+$/.test(type)) return undefined
  const family = COMPATIBLE_CHANGES.STRICT.has(type) ? undefined : RULE_FAMILIES.find((f) => f.match.test(type))
  if (family) return { id: type, summary: family.summary, description: family.description, hint: family.hint }
  if (!COMPATIBLE_CHANGES.STRICT.has(type)) return undefined
  return {
    id: type,
    summary: `${type.charAt(0)}${type.slice(1).toLowerCase().replaceAll('_', ' ')}.`,
    description: 'Old records stay valid under the new schema.',
    hint: 'Compatible under every policy: nothing to change.',
  }
}

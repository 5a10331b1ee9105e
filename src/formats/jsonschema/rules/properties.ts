import type { Node, ObjectNode } from '../model.js'
import { nameMatcher } from '../pattern.js'
import { checkBounds, OBJECT_BOUND_ROWS } from './bounds.js'
import { DEPENDENCIES } from './dependencies.js'
import { hashSetOrder } from './java-order.js'
import { REQUIRED_ATTRIBUTE } from './required.js'
import type { DiffContext, RuleFamily } from './walk.js'

/** Open: no `additionalProperties` schema, no `patternProperties`, and additional properties allowed. */
export function isOpenContentModel(node: ObjectNode): boolean {
  return node.patternProperties.length === 0 && !node.additionalSchema && node.permitsAdditional
}

/** The schema a partially open model gives an undeclared property: a matching pattern, else additionalProperties. */
function partialSchemaFor(node: ObjectNode, name: string): Node | undefined {
  for (const [pattern, schema] of node.patternProperties) if (nameMatcher(pattern)(name)) return schema
  return node.additionalSchema
}

const isEmptySchema = (n: Node) => n.kind === 'empty' || n.kind === 'true'

/** Checks `from` against `to` in a trial context, keeps its differences, and reports the verdict. */
function covered(ctx: DiffContext, from: Node, to: Node, yes: string, no: string): void {
  const trial = ctx.sub()
  trial.compare(from, to)
  ctx.addAll(trial.differences)
  ctx.add(trial.isCompatible() ? yes : no)
}

function propertyRemoved(ctx: DiffContext, name: string, schema: Node, update: ObjectNode): void {
  if (isOpenContentModel(update)) return ctx.add('PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL')
  const partial = partialSchemaFor(update, name)
  if (partial)
    return covered(
      ctx,
      schema,
      partial,
      'PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
      'PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    )
  ctx.add(
    schema.kind === 'false'
      ? 'PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL'
      : 'PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL',
  )
}

function propertyAdded(ctx: DiffContext, name: string, schema: Node, original: ObjectNode, update: ObjectNode): void {
  const required = update.required.includes(name)
  if (isOpenContentModel(original)) {
    if (isEmptySchema(schema)) return ctx.add('PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL')
    if (!required) return ctx.add('OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL')
    return ctx.add(
      schema.default
        ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL'
        : 'REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL',
    )
  }
  const partial = partialSchemaFor(original, name)
  if (partial)
    covered(
      ctx,
      partial,
      schema,
      'PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
      'PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL',
    )
  if (!required) ctx.add('OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL')
  else
    ctx.add(
      schema.default
        ? 'REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL'
        : 'REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL',
    )
}

/**
 * Properties added or removed, judged by the content model: removing from an open reader or
 * adding to a closed writer is safe; adding to an open writer is not under STRICT, because old
 * records may carry anything under that name.
 */
export const PROPERTIES: RuleFamily<'object'> = {
  id: 'PROPERTIES',
  purpose: 'Old records must still fit the new property set and content model.',
  check(ctx, original, update) {
    ctx.at('properties', () => {
      const o = new Map(original.properties)
      const u = new Map(update.properties)
      for (const name of hashSetOrder([...o.keys()], [...u.keys()])) {
        const was = o.get(name)
        const is = u.get(name)
        ctx.at(name, () => {
          if (!is) propertyRemoved(ctx, name, was!, update)
          else if (!was) propertyAdded(ctx, name, is, original, update)
          else ctx.compare(was, is)
        })
      }
    })
  },
}

/** `additionalProperties` itself: closing or narrowing it rejects old extra properties. */
export const ADDITIONAL_PROPERTIES: RuleFamily<'object'> = {
  id: 'ADDITIONAL_PROPERTIES',
  purpose: 'A reader that closes or narrows additionalProperties rejects extra properties old records hold.',
  check(ctx, original, update) {
    ctx.at('additionalProperties', () => {
      if (original.permitsAdditional !== update.permitsAdditional)
        ctx.add(update.permitsAdditional ? 'ADDITIONAL_PROPERTIES_ADDED' : 'ADDITIONAL_PROPERTIES_REMOVED')
      else if (!original.additionalSchema && update.additionalSchema) ctx.add('ADDITIONAL_PROPERTIES_NARROWED')
      else if (original.additionalSchema && !update.additionalSchema) ctx.add('ADDITIONAL_PROPERTIES_EXTENDED')
      else ctx.compare(original.additionalSchema, update.additionalSchema)
    })
  },
}

export const OBJECT_BOUNDS: RuleFamily<'object'> = {
  id: 'OBJECT_BOUNDS',
  purpose: 'A reader with tighter maxProperties/minProperties rejects objects old data holds.',
  check: (ctx, o, u) => checkBounds(ctx, OBJECT_BOUND_ROWS, o, u),
}

/** Confluent's `ObjectSchemaDiff` order: required, properties, dependencies, additionalProperties, bounds. */
export const OBJECT_RULES: readonly RuleFamily<'object'>[] = [
  REQUIRED_ATTRIBUTE,
  PROPERTIES,
  DEPENDENCIES,
  ADDITIONAL_PROPERTIES,
  OBJECT_BOUNDS,
]

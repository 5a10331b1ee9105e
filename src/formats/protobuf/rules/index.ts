import type { Violation } from '../../format.js'
import type { ProtoFile } from '../model.js'
import type { TypeTable } from '../type-table.js'
import { isCompatible, messageFor, type Difference, type Policy } from './differences.js'
import { compareEnum, enumPresence } from './enum.js'
import { collectFields, compareFieldsByTag } from './field.js'
import { compareField, type CompareReferenced } from './field-type.js'
import { checkPackage } from './file.js'
import { messagePresence } from './message.js'
import { completelyDeletedOneOfs, oneofMembership, oneofPresence } from './oneof.js'
import { checkReservedFields, type WithMetadata } from './reserved.js'
import { compareFiles, compareMessages, DiffContext, type RuleHooks } from './walk.js'

export interface Diffable extends WithMetadata {
  readonly file: ProtoFile
  readonly table: TypeTable
}

const hooks: RuleHooks = {
  compareMessageBody(ctx, original, update) {
    const o = collectFields(original)
    const u = collectFields(update)
    const deleted = completelyDeletedOneOfs(o, u)
    oneofMembership(ctx, update, o)
    oneofPresence(ctx, o, u)
    compareFieldsByTag(ctx, o, u, deleted, (a, b) => compareField(ctx, a, b, referenced))
  },
  compareEnum,
  messagePresence,
  enumPresence,
}

const referenced: CompareReferenced = (sub, original, update) => compareMessages(sub, original, update, hooks)

/**
 * Every difference from `original` to `update`, compatible ones included, in Confluent's order
 * (`SchemaDiff.compare(original, update)`).
 */
export function diffSchemas(original: Diffable, update: Diffable, policy: Policy = 'DEFAULT'): Difference[] {
  const ctx = new DiffContext({ original: original.table, update: update.table }, policy)
  compareFiles(ctx, original.file, update.file, hooks, () => checkPackage(ctx, original.file, update.file))
  return ctx.differences
}

/** Can data written with `writer` be read with `reader`? The breaking differences, as violations. */
export function checkProtobufCompatibility(
  reader: Diffable,
  writer: Diffable,
  policy: Policy = 'DEFAULT',
  direction?: 'backward' | 'forward',
): Violation[] {
  const breaking = diffSchemas(writer, reader, policy)
    .filter((d) => !isCompatible(d.type, policy))
    .map((d) => ({ rule: d.type, path: d.path, message: messageFor(d) }))
  return [...checkReservedFields(reader, writer, direction), ...breaking]
}

export { DIFFERENCES, type Difference, type DifferenceType, type Policy } from './differences.js'

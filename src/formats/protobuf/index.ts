import type { SchemaFormat } from '../format.js'
import { printProto } from './canonical.js'
import { encodeFileDescriptor } from './descriptor.js'
import type { ExtendElement, ProtoFile, TypeElement } from './model.js'
import { parseProtobuf, type ProtobufSchema } from './parse.js'
import { checkProtobufCompatibility, type Policy } from './rules/index.js'
import { describeProtobufRule } from './rules/differences.js'
import { isWellKnown } from './well-known.js'

export type { ProtobufSchema, ProtobufDependency } from './parse.js'
export { diffSchemas, type Difference, type DifferenceType, type Policy } from './rules/index.js'
export * from './message-indexes.js'

const canonicalCache = new WeakMap<ProtobufSchema['file'], { plain?: string; normalized?: string }>()

function canonical(s: ProtobufSchema, normalize: boolean): string {
  let entry = canonicalCache.get(s.file)
  if (!entry) canonicalCache.set(s.file, (entry = {}))
  if (normalize) return (entry.normalized ??= printProto(s.file, { normalize: true, table: s.table }))
  return (entry.plain ??= printProto(s.file))
}

/** Types, fields, oneofs, groups, enum constants, reserved entries, services and rpcs of a file. */
function countElements(file: ProtoFile): number {
  let count = file.services.reduce((n, s) => n + 1 + s.rpcs.length, 0)
  const extensions = (list: readonly ExtendElement[]) => list.reduce((n, e) => n + 1 + e.fields.length, 0)
  count += extensions(file.extendDeclarations)
  const stack: TypeElement[] = [...file.types]
  while (stack.length > 0) {
    const t = stack.pop()!
    count += 1 + t.reserved.length
    if (t.kind === 'enum') {
      count += t.constants.length
      continue
    }
    count += t.fields.length + t.extensions.length + extensions(t.extendDeclarations)
    for (const o of t.oneOfs) count += 1 + o.fields.length + o.groups.reduce((n, g) => n + 1 + g.fields.length, 0)
    for (const g of t.groups) count += 1 + g.fields.length
    for (const n of t.nested) stack.push(n)
  }
  return count
}

/**
 * Protobuf: `.proto` text (proto2/proto3) or a base64 `FileDescriptorProto`, imports resolved
 * from references by import path or from the built-in google/confluent files.
 *
 * @example
 * const s = protobufFormat.parse('syntax = "proto3"; message A { string x = 1; }', [], 'new')
 * protobufFormat.canonicalize(s) // 'syntax = "proto3";\n\nmessage A {\n  string x = 1;\n}\n'
 */
export const protobufFormat: SchemaFormat<ProtobufSchema> = {
  type: 'PROTOBUF',
  parse: parseProtobuf,
  canonicalize: (s, options) => canonical(s, options?.normalize === true),
  elementCount: (s) => countElements(s.file),
  references: (s) => [...s.file.imports, ...s.file.publicImports, ...s.file.weakImports].filter((i) => !isWellKnown(i)),
  equivalent: (a, b) => canonical(a, true) === canonical(b, true),
  render(s, format) {
    if (format === 'serialized') return encodeFileDescriptor(s.file, s.table)
    if (format === 'ignore_extensions') return printProto(s.file, { ignoreExtensions: true })
    return undefined
  },
  checkCompatibility: (reader, writer, options) =>
    checkProtobufCompatibility(
      reader,
      writer,
      options?.policy === 'WIRE_JSON' ? 'WIRE_JSON' : ('DEFAULT' satisfies Policy),
      options?.direction,
    ),
  describeRule: describeProtobufRule,
}

import protobuf from 'protobufjs'
import { SchemaParseError, type ParsedSchema, type ResolvedRefs } from '../format.js'
import { buildingInBulk } from './bulk-build.js'
import { printProto } from './canonical.js'
import { decodeFileDescriptor, looksLikeBase64Descriptor } from './descriptor.js'
import type { ProtoFile } from './model.js'
import { parseProtoText } from './proto-parser.js'
import { TypeTable, type TableFile, type TypeOrigin } from './type-table.js'
import { validateFile } from './validate.js'
import { isWellKnown, wellKnownFile } from './well-known.js'

/** An import of the schema, parsed: a registered reference or a built-in file. */
export interface ProtobufDependency extends TableFile {
  /** The import path, e.g. `acme/address.proto`. */
  readonly name: string
}

/**
 * A parsed Protobuf schema. A plain object (the registry spreads it to attach `metadata`), so
 * everything here is data or a closure.
 */
export interface ProtobufSchema extends ParsedSchema {
  readonly type: 'PROTOBUF'
  /** The element model of this file, as written. */
  readonly file: ProtoFile
  /** Every file this one imports, transitively, dependencies before dependents. */
  readonly dependencies: readonly ProtobufDependency[]
  /** All types visible to this file by full name. */
  readonly table: TypeTable
  /** A protobufjs Root holding this file and all its imports, resolved. */
  readonly root: protobuf.Root
  /** The protobufjs message type for a fully-qualified name (leading dot optional). */
  lookupMessage(fullName: string): protobuf.Type | undefined
}

/**
 * Parses `.proto` text, or a base64 `FileDescriptorProto` as the official clients register it,
 * with its imports taken from `refs` (by import path) or the built-in files.
 */
export function parseProtobuf(text: string, refs: ResolvedRefs, mode: 'new' | 'stored'): ProtobufSchema {
  try {
    return parseUnchecked(text, refs, mode)
  } catch (e) {
    if (e instanceof SchemaParseError) throw e
    // A descriptor or file shaped in a way no check anticipated must still be a 42201, not a 500.
    throw new SchemaParseError(`Invalid Protobuf: ${(e as Error).message}`, { cause: e })
  }
}

function parseUnchecked(text: string, refs: ResolvedRefs, mode: 'new' | 'stored'): ProtobufSchema {
  const file = parseSchemaText(text, 'the schema')
  const dependencies = collectDependencies(file, refs, mode)
  const table = new TypeTable(dependencies, file)
  validateFile(file, table, mode)
  const root = buildingInBulk(() => buildRoot(dependencies, file, mode))
  return {
    type: 'PROTOBUF',
    text,
    refs,
    file,
    dependencies,
    table,
    root,
    lookupMessage: (fullName) => {
      try {
        return root.lookupType(fullName.startsWith('.') ? fullName : '.' + fullName)
      } catch {
        return undefined
      }
    },
  }
}

/** `.proto` text or base64 descriptor to the element model; every failure is a SchemaParseError. */
export function parseSchemaText(text: string, where: string): ProtoFile {
  if (text.trim() === '') throw new SchemaParseError(`Invalid Protobuf in ${where}: empty schema`)
  try {
    if (looksLikeBase64Descriptor(text)) return decodeFileDescriptor(text)
    return parseProtoText(text)
  } catch (e) {
    if (e instanceof SchemaParseError)
      throw new SchemaParseError(`Invalid Protobuf in ${where}: ${e.message}`, { cause: e })
    throw new SchemaParseError(`Invalid Protobuf in ${where}: ${(e as Error).message}`, { cause: e })
  }
}

function importsOf(file: ProtoFile): string[] {
  return [...file.imports, ...file.publicImports, ...file.weakImports]
}

function collectDependencies(file: ProtoFile, refs: ResolvedRefs, mode: 'new' | 'stored'): ProtobufDependency[] {
  const byName = new Map(refs.map((r) => [r.name, r]))
  const out: ProtobufDependency[] = []
  const done = new Set<string>()
  const active = new Set<string>()
  const visit = (name: string, importer: string) => {
    if (done.has(name)) return
    if (active.has(name)) throw new SchemaParseError(`Import cycle through '${name}'`)
    const ref = byName.get(name)
    let dep: ProtoFile | undefined
    let origin: TypeOrigin
    if (ref) {
      dep = parseSchemaText(ref.schema, `reference '${name}'`)
      origin = { kind: 'reference', subject: ref.subject, version: ref.version }
    } else {
      dep = isWellKnown(name) ? wellKnownFile(name) : undefined
      origin = { kind: 'builtin' }
    }
    if (!dep) {
      if (mode === 'stored') return
      throw new SchemaParseError(`Import '${name}' in ${importer} is neither a schema reference nor a built-in file`)
    }
    active.add(name)
    for (const i of importsOf(dep)) visit(i, `'${name}'`)
    active.delete(name)
    done.add(name)
    out.push({ name, file: dep, origin })
  }
  for (const i of importsOf(file)) visit(i, 'the schema')
  return out
}

/** protobufjs cannot parse list-valued aggregate options, so it gets our print without custom options. */
function buildRoot(
  dependencies: readonly ProtobufDependency[],
  file: ProtoFile,
  mode: 'new' | 'stored',
): protobuf.Root {
  const root = new protobuf.Root()
  const load = (f: ProtoFile, where: string) => {
    try {
      protobuf.parse(printProto(f, { dropCustomOptions: true }), root, { keepCase: true })
    } catch (e) {
      if (mode === 'new')
        throw new SchemaParseError(`Invalid Protobuf in ${where}: ${(e as Error).message}`, { cause: e })
    }
  }
  for (const d of dependencies) load(d.file, `'${d.name}'`)
  load(file, 'the schema')
  try {
    root.resolveAll()
  } catch (e) {
    if (mode === 'new') throw new SchemaParseError(`Invalid Protobuf: ${(e as Error).message}`, { cause: e })
  }
  return root
}

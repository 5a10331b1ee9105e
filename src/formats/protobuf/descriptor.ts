import {
  SCALAR_TYPES,
  mapTypes,
  type EnumElement,
  type FieldElement,
  type MessageElement,
  type ProtoFile,
  type RangeValue,
  type ServiceElement,
} from './model.js'
import { descriptorType, optionsToPlain } from './descriptor-root.js'
import type { TypeTable } from './type-table.js'
import { defaultJsonName } from './rules/wire-json.js'

export { decodeFileDescriptor, looksLikeBase64Descriptor } from './descriptor-decode.js'

type Obj = Record<string, unknown>

/**
 * The file as a base64 `FileDescriptorProto`, what Confluent serves for `format=serialized`
 * and what the official clients register. Type names are fully qualified; map fields get their
 * synthetic `…Entry` messages (after the declared nested types, so message indexes are kept);
 * proto3 `optional` fields get synthetic oneofs after the real ones.
 */
export function encodeFileDescriptor(file: ProtoFile, table: TypeTable, name = 'default'): string {
  const type = descriptorType('FileDescriptorProto')
  const msg = type.fromObject(fileToPlain(file, table, name))
  return Buffer.from(type.encode(msg).finish()).toString('base64')
}

function fileToPlain(file: ProtoFile, table: TypeTable, name: string): Obj {
  const pkg = file.packageName ?? ''
  const deps = [...file.imports, ...file.publicImports, ...file.weakImports]
  const ctx = new Encoder(table, file.syntax === 'proto3')
  const messages = file.types.filter((t): t is MessageElement => t.kind === 'message')
  const enums = file.types.filter((t): t is EnumElement => t.kind === 'enum')
  return {
    name,
    ...(pkg ? { package: pkg } : {}),
    dependency: deps,
    public_dependency: file.publicImports.map((_, i) => file.imports.length + i),
    weak_dependency: file.weakImports.map((_, i) => file.imports.length + file.publicImports.length + i),
    message_type: messages.map((m) => ctx.message(m, pkg)),
    enum_type: enums.map((e) => ctx.enum(e)),
    service: file.services.map((s) => ctx.service(s, pkg)),
    extension: file.extendDeclarations.flatMap((e) => e.fields.map((f) => ctx.field(f, pkg, { extendee: e.name }))),
    ...opt(optionsToPlain(file.options, 'FileOptions')),
    ...(file.syntax === 'proto3' ? { syntax: 'proto3' } : {}),
  }
}

const opt = (o: Obj | undefined) => (o ? { options: o } : {})

const SCALAR_ENUM: Record<string, string> = Object.fromEntries(
  [...SCALAR_TYPES].map((t) => [t, `TYPE_${t.toUpperCase()}`]),
)

class Encoder {
  constructor(
    readonly table: TypeTable,
    readonly proto3: boolean,
  ) {}

  message(m: MessageElement, scope: string): Obj {
    const full = scope ? `${scope}.${m.name}` : m.name
    const oneofs = m.oneOfs.map((o) => ({ name: o.name, ...opt(optionsToPlain(o.options, 'OneofOptions')) }))
    const mapEntries: Obj[] = []
    const fields: Obj[] = []
    for (const f of m.fields) {
      const map = mapTypes(f.type)
      if (map) {
        const entry = `${camel(f.name, true)}Entry`
        mapEntries.push({
          name: entry,
          field: [
            this.field({ name: 'key', tag: 1, type: map.key, options: [], label: 'optional' }, full, {}),
            this.field({ name: 'value', tag: 2, type: map.value, options: [], label: 'optional' }, full, {}),
          ],
          options: { map_entry: true },
        })
        fields.push({
          ...this.field({ ...f, type: `.${full}.${entry}`, label: 'repeated' }, full, {}),
          type: 'TYPE_MESSAGE',
        })
      } else if (this.proto3 && f.label === 'optional') {
        oneofs.push({ name: `_${f.name}` })
        fields.push({ ...this.field(f, full, {}), oneof_index: oneofs.length - 1, proto3_optional: true })
      } else {
        fields.push(this.field(f, full, {}))
      }
    }
    m.oneOfs.forEach((o, i) => {
      for (const f of o.fields) fields.push({ ...this.field(f, full, {}), oneof_index: i })
    })
    const groups = m.groups.map((g) => {
      fields.push({
        name: g.name.toLowerCase(),
        number: g.tag,
        label: label(g.label),
        type: 'TYPE_GROUP',
        type_name: `.${full}.${g.name}`,
        json_name: defaultJsonName(g.name.toLowerCase()),
      })
      return { name: g.name, field: g.fields.map((f) => this.field(f, `${full}.${g.name}`, {})) }
    })
    // The element model does not keep how oneof members interleave with other fields; number order
    // is what such files almost always use.
    fields.sort((a, b) => (a.number as number) - (b.number as number))
    return {
      name: m.name,
      field: fields,
      nested_type: [
        ...m.nested.filter((t): t is MessageElement => t.kind === 'message').map((t) => this.message(t, full)),
        ...groups,
        ...mapEntries,
      ],
      enum_type: m.nested.filter((t): t is EnumElement => t.kind === 'enum').map((e) => this.enum(e)),
      extension: m.extendDeclarations.flatMap((e) => e.fields.map((f) => this.field(f, full, { extendee: e.name }))),
      extension_range: m.extensions
        .flat()
        .map((r) => exclusive(r))
        .filter((r) => r !== undefined),
      oneof_decl: oneofs,
      reserved_range: m.reserved
        .flat()
        .map((r) => exclusive(r))
        .filter((r) => r !== undefined),
      reserved_name: m.reserved.flat().filter((r): r is string => typeof r === 'string'),
      ...opt(optionsToPlain(m.options, 'MessageOptions')),
    }
  }

  field(f: FieldElement, scope: string, extra: { extendee?: string }): Obj {
    const out: Obj = { name: f.name, number: f.tag, label: label(f.label) }
    const scalar = SCALAR_ENUM[f.type]
    if (scalar) out.type = scalar
    else {
      const resolved = this.table.resolveProtoc(f.type, scope) ?? this.table.resolve(f.type, scope.split('.'))
      if (resolved !== undefined) {
        out.type_name = '.' + resolved
        out.type = this.table.getType(resolved)?.element.kind === 'enum' ? 'TYPE_ENUM' : 'TYPE_MESSAGE'
      } else {
        out.type_name = f.type
      }
    }
    if (extra.extendee !== undefined) {
      const e = this.table.resolveProtoc(extra.extendee, scope)
      out.extendee = e !== undefined ? '.' + e : extra.extendee
    }
    if (
      f.defaultValue &&
      f.defaultValue.kind !== 'MAP' &&
      f.defaultValue.kind !== 'LIST' &&
      f.defaultValue.kind !== 'OPTION'
    ) {
      out.default_value = f.defaultValue.value
    }
    // protoc always fills json_name, and @bufbuild/protobuf (the JS client) relies on it.
    if (extra.extendee === undefined) out.json_name = f.jsonName ?? defaultJsonName(f.name)
    return { ...out, ...opt(optionsToPlain(f.options, 'FieldOptions')) }
  }

  enum(e: EnumElement): Obj {
    return {
      name: e.name,
      value: e.constants.map((c) => ({
        name: c.name,
        number: c.tag,
        ...opt(optionsToPlain(c.options, 'EnumValueOptions')),
      })),
      reserved_range: e.reserved
        .flat()
        .map((r) => (typeof r === 'string' ? undefined : typeof r === 'number' ? { start: r, end: r } : r))
        .filter((r) => r !== undefined),
      reserved_name: e.reserved.flat().filter((r): r is string => typeof r === 'string'),
      ...opt(optionsToPlain(e.options, 'EnumOptions')),
    }
  }

  service(s: ServiceElement, scope: string): Obj {
    const qualify = (t: string) => {
      const r = this.table.resolveProtoc(t, scope)
      return r !== undefined ? '.' + r : t
    }
    return {
      name: s.name,
      method: s.rpcs.map((r) => ({
        name: r.name,
        input_type: qualify(r.requestType),
        output_type: qualify(r.responseType),
        ...(r.requestStreaming ? { client_streaming: true } : {}),
        ...(r.responseStreaming ? { server_streaming: true } : {}),
        ...opt(optionsToPlain(r.options, 'MethodOptions')),
      })),
      ...opt(optionsToPlain(s.options, 'ServiceOptions')),
    }
  }
}

function label(l: FieldElement['label']): string {
  return l === 'repeated' ? 'LABEL_REPEATED' : l === 'required' ? 'LABEL_REQUIRED' : 'LABEL_OPTIONAL'
}

/** Message reserved and extension ranges are half-open in descriptors. */
function exclusive(r: RangeValue): { start: number; end: number } | undefined {
  if (typeof r === 'string') return undefined
  if (typeof r === 'number') return { start: r, end: r + 1 }
  return { start: r.start, end: r.end + 1 }
}

/** protoc's `ToCamelCase`: `foo_bar` → `fooBar` (or `FooBar` for map entry names). */
export function camel(name: string, upperFirst = false): string {
  let out = ''
  let up = upperFirst
  for (const c of name) {
    if (c === '_') {
      up = true
      continue
    }
    out += up ? c.toUpperCase() : c
    up = false
  }
  return out
}

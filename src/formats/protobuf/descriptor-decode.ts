import { SchemaParseError } from '../format.js'
import { descriptorType, plainToOptions } from './descriptor-root.js'
import { defaultJsonName } from './rules/wire-json.js'
import type {
  EnumElement,
  ExtendElement,
  FieldElement,
  GroupElement,
  Label,
  MessageElement,
  OneOfElement,
  OptionValue,
  ProtoFile,
  RangeValue,
  ServiceElement,
  TypeElement,
} from './model.js'

// biome-ignore lint/suspicious/noExplicitAny: decoded descriptors are untyped objects
type D = Record<string, any>

/** Schema text that is base64 rather than `.proto`: no `;`/`{` and only base64 characters. */
export function looksLikeBase64Descriptor(text: string): boolean {
  const t = text.trim()
  return t.length > 0 && t.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(t)
}

/** A base64 `FileDescriptorProto` to the element model, as Confluent's `toProtoFile` does. */
export function decodeFileDescriptor(base64: string): ProtoFile {
  const type = descriptorType('FileDescriptorProto')
  let d: D
  try {
    d = type.toObject(type.decode(Buffer.from(base64.trim(), 'base64')), {
      enums: String,
      longs: String,
      arrays: true,
    }) as D
  } catch (e) {
    throw new SchemaParseError(`not a valid base64 FileDescriptorProto: ${(e as Error).message}`, { cause: e })
  }
  const proto3 = d.syntax === 'proto3'
  const deps: string[] = d.dependency ?? []
  const pub = new Set<number>(d.public_dependency ?? [])
  const weak = new Set<number>(d.weak_dependency ?? [])
  const dec = new Decoder(proto3)
  return {
    ...(d.syntax === 'proto3'
      ? { syntax: 'proto3' as const }
      : d.syntax === 'proto2'
        ? { syntax: 'proto2' as const }
        : {}),
    ...(d.package ? { packageName: d.package as string } : {}),
    imports: deps.filter((_, i) => !pub.has(i) && !weak.has(i)),
    publicImports: deps.filter((_, i) => pub.has(i)),
    weakImports: deps.filter((_, i) => weak.has(i)),
    options: plainToOptions(d.options, 'FileOptions'),
    types: [...(d.message_type ?? []).map((m: D) => dec.message(m)), ...(d.enum_type ?? []).map((e: D) => dec.enum(e))],
    services: (d.service ?? []).map((s: D) => dec.service(s)),
    extendDeclarations: dec.extends(d.extension ?? []),
  }
}

class Decoder {
  constructor(readonly proto3: boolean) {}

  message(m: D): MessageElement {
    const nestedRaw: D[] = m.nested_type ?? []
    const entries = new Map<string, D>()
    for (const n of nestedRaw) if (n.options?.map_entry) entries.set(n.name, n)
    const groupNames = new Set<string>(
      (m.field ?? []).filter((f: D) => f.type === 'TYPE_GROUP').map((f: D) => typeSimpleName(f.type_name)),
    )
    const decls: D[] = m.oneof_decl ?? []
    const realOneofs = new Set<number>()
    for (const f of m.field ?? []) if (f.oneof_index !== undefined && !f.proto3_optional) realOneofs.add(f.oneof_index)
    const oneOfs: (OneOfElement & { fields: FieldElement[] })[] = []
    const oneofAt = new Map<number, OneOfElement & { fields: FieldElement[] }>()
    decls.forEach((o, i) => {
      if (!realOneofs.has(i)) return
      const el = {
        name: o.name as string,
        fields: [] as FieldElement[],
        groups: [],
        options: plainToOptions(o.options, 'OneofOptions'),
      }
      oneOfs.push(el)
      oneofAt.set(i, el)
    })
    const fields: FieldElement[] = []
    const groups: GroupElement[] = []
    for (const f of m.field ?? []) {
      if (f.type === 'TYPE_GROUP') {
        const g = nestedRaw.find((n) => n.name === typeSimpleName(f.type_name))
        const label = this.#label(f)
        groups.push({
          ...(label ? { label } : {}),
          name: typeSimpleName(f.type_name),
          tag: f.number,
          fields: (g?.field ?? []).map((x: D) => this.field(x)),
        })
        continue
      }
      const entry = f.type === 'TYPE_MESSAGE' ? entries.get(typeSimpleName(f.type_name)) : undefined
      const field = entry ? this.#mapField(f, entry) : this.field(f)
      const oneof = f.proto3_optional ? undefined : oneofAt.get(f.oneof_index)
      if (oneof) oneof.fields.push(field)
      else fields.push(field)
    }
    const nested: TypeElement[] = [
      ...nestedRaw.filter((n) => !entries.has(n.name) && !groupNames.has(n.name)).map((n) => this.message(n)),
      ...(m.enum_type ?? []).map((e: D) => this.enum(e)),
    ]
    return {
      kind: 'message',
      name: m.name,
      fields,
      oneOfs,
      groups,
      nested,
      reserved: groupRanges([...(m.reserved_range ?? []).map((r: D) => inclusive(r, 1)), ...(m.reserved_name ?? [])]),
      extensions: groupRanges((m.extension_range ?? []).map((r: D) => inclusive(r, 1))),
      extendDeclarations: this.extends(m.extension ?? []),
      options: plainToOptions(m.options, 'MessageOptions'),
    }
  }

  #mapField(f: D, entry: D): FieldElement {
    const [k, v] = ['key', 'value'].map((n) => (entry.field ?? []).find((x: D) => x.name === n)) as [D, D]
    return {
      type: `map<${typeOf(k)}, ${typeOf(v)}>`,
      name: f.name,
      tag: f.number,
      options: plainToOptions(f.options, 'FieldOptions'),
      ...jsonName(f),
    }
  }

  #label(f: D): Label | undefined {
    if (f.label === 'LABEL_REPEATED') return 'repeated'
    if (f.label === 'LABEL_REQUIRED') return 'required'
    if (this.proto3) return f.proto3_optional ? 'optional' : undefined
    return 'optional'
  }

  field(f: D): FieldElement {
    const label = this.#label(f)
    const type = typeOf(f)
    let defaultValue: OptionValue | undefined
    if (f.default_value !== undefined && f.default_value !== '') {
      const kind =
        type === 'string' || type === 'bytes'
          ? 'STRING'
          : type === 'bool'
            ? 'BOOLEAN'
            : f.type === 'TYPE_ENUM'
              ? 'ENUM'
              : 'NUMBER'
      defaultValue = { kind, value: f.default_value } as OptionValue
    }
    return {
      ...(label ? { label } : {}),
      type,
      name: f.name,
      tag: f.number,
      ...(defaultValue ? { defaultValue } : {}),
      ...jsonName(f),
      options: plainToOptions(f.options, 'FieldOptions'),
    }
  }

  enum(e: D): EnumElement {
    return {
      kind: 'enum',
      name: e.name,
      constants: (e.value ?? []).map((v: D) => ({
        name: v.name,
        tag: v.number ?? 0,
        options: plainToOptions(v.options, 'EnumValueOptions'),
      })),
      reserved: groupRanges([...(e.reserved_range ?? []).map((r: D) => inclusive(r, 0)), ...(e.reserved_name ?? [])]),
      options: plainToOptions(e.options, 'EnumOptions'),
    }
  }

  service(s: D): ServiceElement {
    return {
      name: s.name,
      rpcs: (s.method ?? []).map((m: D) => ({
        name: m.name,
        requestType: m.input_type,
        requestStreaming: m.client_streaming === true,
        responseType: m.output_type,
        responseStreaming: m.server_streaming === true,
        options: plainToOptions(m.options, 'MethodOptions'),
      })),
      options: plainToOptions(s.options, 'ServiceOptions'),
    }
  }

  extends(fields: D[]): ExtendElement[] {
    const byName = new Map<string, FieldElement[]>()
    for (const f of fields) byName.set(f.extendee, [...(byName.get(f.extendee) ?? []), this.field(f)])
    return [...byName].map(([name, fs]) => ({ name, fields: fs }))
  }
}

function typeOf(f: D): string {
  if (f.type && f.type !== 'TYPE_MESSAGE' && f.type !== 'TYPE_ENUM' && f.type !== 'TYPE_GROUP')
    return String(f.type).slice(5).toLowerCase()
  if (typeof f.type_name !== 'string' || f.type_name === '')
    throw new SchemaParseError(`field '${f.name}' has neither a type nor a type name`)
  return f.type_name
}

function typeSimpleName(typeName: string): string {
  return typeName.slice(typeName.lastIndexOf('.') + 1)
}

/** protoc fills `json_name` with the camel-case default; only a custom one is worth keeping. */
function jsonName(f: D): { jsonName?: string } {
  if (f.json_name === undefined || f.json_name === defaultJsonName(f.name)) return {}
  return { jsonName: f.json_name }
}

function inclusive(r: D, endOffset: number): RangeValue {
  const start = r.start ?? 0
  const end = (r.end ?? start + endOffset) - endOffset
  return start === end ? start : { start, end }
}

function groupRanges(values: RangeValue[]): RangeValue[][] {
  const numbers = values.filter((v) => typeof v !== 'string')
  const names = values.filter((v) => typeof v === 'string')
  return [...(numbers.length > 0 ? [numbers] : []), ...(names.length > 0 ? [names] : [])]
}

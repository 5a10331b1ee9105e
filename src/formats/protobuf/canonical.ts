import {
  SCALAR_TYPES,
  mapTypes,
  type EnumElement,
  type ExtendElement,
  type FieldElement,
  type GroupElement,
  type MessageElement,
  type OneOfElement,
  type OptionElement,
  type OptionValue,
  type ProtoFile,
  type RangeValue,
  type RpcElement,
  type ServiceElement,
  type TypeElement,
} from './model.js'
import { MAX_TAG_VALUE } from './proto-parser.js'
import { normalizeOptions } from './options.js'
import type { TypeTable } from './type-table.js'

export interface PrintOptions {
  /** Confluent's normalized form; needs `table` to qualify names. */
  readonly normalize?: boolean
  /** Drop custom options other than `(confluent.*)`, and extension ranges and `extend` blocks. */
  readonly ignoreExtensions?: boolean
  /** Drop every parenthesized (custom) option: the text handed to protobufjs. */
  readonly dropCustomOptions?: boolean
  readonly table?: TypeTable
}

/**
 * Prints a file the way Confluent's `ProtobufSchemaUtils.toString` does (Wire style, 2-space
 * indent, comments dropped): syntax, package, imports, options, messages then enums, extends,
 * services. The normalized form sorts imports, fields, oneofs, enum values, reserved ranges
 * and options, and fully qualifies type names; message order never changes because message
 * indexes depend on it.
 */
export function printProto(file: ProtoFile, options: PrintOptions = {}): string {
  return new Printer(options).file(file)
}

class Printer {
  readonly #scope: string[] = []
  constructor(readonly o: PrintOptions) {}

  get #normalize(): boolean {
    return this.o.normalize === true && this.o.table !== undefined
  }

  file(f: ProtoFile): string {
    let sb = ''
    if (f.syntax && (!this.#normalize || f.syntax === 'proto3')) sb += `syntax = "${f.syntax}";\n`
    if (f.packageName !== undefined) sb += `package ${f.packageName};\n`
    if (f.imports.length + f.publicImports.length + f.weakImports.length > 0) {
      sb += '\n'
      const sorted = (xs: readonly string[]) => (this.#normalize ? [...new Set(xs)].sort() : xs)
      for (const i of sorted(f.imports)) sb += `import "${escapeChars(i)}";\n`
      for (const i of sorted(f.publicImports)) sb += `import public "${escapeChars(i)}";\n`
      for (const i of sorted(f.weakImports)) sb += `import weak "${escapeChars(i)}";\n`
    }
    const opts = this.#filterOptions(f.options)
    if (opts.length > 0) sb += '\n' + opts.map((o) => this.#optionStatement(o)).join('')
    if (f.types.length > 0) sb += '\n' + this.#types(f.types, (s) => s)
    if (!this.o.ignoreExtensions && f.extendDeclarations.length > 0) {
      sb +=
        '\n' +
        this.#extends(f.extendDeclarations)
          .map((e) => this.#extend(e))
          .join('')
    }
    if (f.services.length > 0) sb += '\n' + f.services.map((s) => this.#service(s)).join('')
    return sb
  }

  #types(types: readonly TypeElement[], wrap: (s: string) => string): string {
    let sb = ''
    for (const kind of ['message', 'enum'] as const) {
      for (const t of types) {
        if (t.kind !== kind) continue
        this.#scope.push(t.name)
        sb += wrap(t.kind === 'message' ? this.#message(t) : this.#enum(t))
        this.#scope.pop()
      }
    }
    return sb
  }

  #message(m: MessageElement): string {
    let sb = `message ${m.name} {`
    if (m.reserved.length > 0) sb += '\n' + this.#ranges('reserved', m.reserved).map(indent).join('')
    const opts = this.#filterOptions(m.options)
    if (opts.length > 0) sb += '\n' + opts.map((o) => indent(this.#optionStatement(o))).join('')
    if (m.fields.length > 0)
      sb +=
        '\n' +
        this.#byTag(m.fields)
          .map((f) => indent(this.#field(f)))
          .join('')
    if (m.oneOfs.length > 0) {
      let oneOfs = m.oneOfs
      if (this.#normalize) {
        oneOfs = oneOfs
          .filter((o) => o.fields.length > 0)
          .map((o) => ({ ...o, fields: this.#byTag(o.fields) }))
          .sort((a, b) => a.fields[0]!.tag - b.fields[0]!.tag)
      }
      sb += '\n' + oneOfs.map((o) => indent(this.#oneOf(o))).join('')
    }
    if (m.groups.length > 0)
      sb +=
        '\n' +
        this.#byTag(m.groups)
          .map((g) => indent(this.#group(g)))
          .join('')
    if (!this.o.ignoreExtensions && m.extensions.length > 0) {
      sb += '\n' + this.#ranges('extensions', m.extensions).map(indent).join('')
    }
    if (!this.o.ignoreExtensions && m.extendDeclarations.length > 0) {
      sb +=
        '\n' +
        this.#extends(m.extendDeclarations)
          .map((e) => indent(this.#extend(e)))
          .join('')
    }
    if (m.nested.length > 0) sb += '\n' + this.#types(m.nested, indent)
    return sb + '}\n'
  }

  #enum(e: EnumElement): string {
    let sb = `enum ${e.name} {`
    if (e.reserved.length > 0) sb += '\n' + this.#ranges('reserved', e.reserved).map(indent).join('')
    const opts = this.#filterOptions(e.options)
    if (e.reserved.length === 0 && (e.options.length > 0 || e.constants.length > 0)) sb += '\n'
    sb += opts.map((o) => indent(this.#optionStatement(o))).join('')
    let constants = e.constants
    if (this.#normalize) constants = [...constants].sort((a, b) => a.tag - b.tag || cmp(a.name, b.name))
    for (const c of constants) {
      const copts = this.#filterOptions(c.options)
      sb += indent(`${c.name} = ${c.tag}${copts.length > 0 ? ' ' + this.#optionList(copts) : ''};\n`)
    }
    return sb + '}\n'
  }

  #oneOf(o: OneOfElement): string {
    let sb = `oneof ${o.name} {`
    const opts = this.#filterOptions(o.options)
    if (opts.length > 0) sb += '\n' + opts.map((x) => indent(this.#optionStatement(x))).join('')
    if (o.fields.length > 0) sb += '\n' + o.fields.map((f) => indent(this.#field(f))).join('')
    if (o.groups.length > 0)
      sb +=
        '\n' +
        this.#byTag(o.groups)
          .map((g) => indent(this.#group(g)))
          .join('')
    return sb + '}\n'
  }

  #group(g: GroupElement): string {
    let sb = `${g.label ? g.label + ' ' : ''}group ${g.name} = ${g.tag} {`
    if (g.fields.length > 0)
      sb +=
        '\n' +
        this.#byTag(g.fields)
          .map((f) => indent(this.#field(f)))
          .join('')
    return sb + '}\n'
  }

  #field(f: FieldElement): string {
    let label = f.label
    let type = f.type
    if (this.#normalize) {
      const map = mapTypes(type)
      if (!SCALAR_TYPES.has(type) && !map) type = this.#qualify(type)
      if (map) {
        const value = this.o.table!.resolve(map.value, this.#scope)
        type = `map<${map.key}, ${value !== undefined ? '.' + value : map.value}>`
        label = undefined
      }
    }
    let opts = [...f.options]
    if (f.defaultValue)
      opts.push({ name: 'default', parenthesized: false, value: this.#defaultValue(type, f.defaultValue) })
    if (f.jsonName !== undefined)
      opts.push({ name: 'json_name', parenthesized: false, value: { kind: 'STRING', value: f.jsonName } })
    opts = this.#filterOptions(opts)
    const optText = opts.length > 0 ? ' ' + this.#optionList(opts) : ''
    return `${label ? label + ' ' : ''}${type} ${f.name} = ${f.tag}${optText};\n`
  }

  /** Confluent re-types a default by the field's type (Wire keeps it as a bare string). */
  #defaultValue(type: string, v: OptionValue): OptionValue {
    if (v.kind === 'MAP' || v.kind === 'LIST' || v.kind === 'OPTION') return v
    const raw = v.value
    if (type === 'bool') return { kind: 'BOOLEAN', value: raw }
    if (type === 'string' || type === 'bytes') return { kind: 'STRING', value: raw }
    if (SCALAR_TYPES.has(type)) return { kind: 'NUMBER', value: raw }
    return { kind: 'ENUM', value: raw }
  }

  #extends(list: readonly ExtendElement[]): ExtendElement[] {
    if (!this.#normalize) return [...list]
    const grouped = new Map<string, FieldElement[]>()
    for (const e of list) {
      const name = this.#qualify(e.name)
      grouped.set(name, [...(grouped.get(name) ?? []), ...e.fields])
    }
    return [...grouped].map(([name, fields]) => ({ name, fields }))
  }

  #extend(e: ExtendElement): string {
    let sb = `extend ${e.name} {`
    if (e.fields.length > 0)
      sb +=
        '\n' +
        this.#byTag(e.fields)
          .map((f) => indent(this.#field(f)))
          .join('')
    return sb + '}\n'
  }

  #service(s: ServiceElement): string {
    let sb = `service ${s.name} {`
    const opts = this.#filterOptions(s.options)
    if (opts.length > 0) sb += '\n' + opts.map((o) => indent(this.#optionStatement(o))).join('')
    if (s.rpcs.length > 0) sb += '\n' + s.rpcs.map((r) => indent(this.#rpc(r))).join('')
    return sb + '}\n'
  }

  #rpc(r: RpcElement): string {
    const type = (t: string) => (this.#normalize ? this.#qualify(t) : t)
    let sb = `rpc ${r.name} (${r.requestStreaming ? 'stream ' : ''}${type(r.requestType)}) returns (${r.responseStreaming ? 'stream ' : ''}${type(r.responseType)})`
    const opts = this.#filterOptions(r.options)
    if (opts.length > 0) sb += ' {\n' + opts.map((o) => indent(this.#optionStatement(o))).join('') + '}'
    return sb + ';\n'
  }

  #ranges(keyword: string, groups: readonly (readonly RangeValue[])[]): string[] {
    let list = groups
    if (this.#normalize) {
      const key = (v: RangeValue) =>
        typeof v === 'number' ? v : typeof v === 'string' ? Number.MAX_SAFE_INTEGER : v.start
      const text = (v: RangeValue) => (typeof v === 'object' ? `${v.start}..${v.end}` : String(v))
      list = groups
        .flat()
        .sort((a, b) => key(a) - key(b) || cmp(text(a), text(b)))
        .map((v) => [v])
    }
    return list.map((values) => `${keyword} ${values.map((v) => this.#range(v)).join(', ')};\n`)
  }

  #range(v: RangeValue): string {
    if (typeof v === 'string') return `"${v}"`
    if (typeof v === 'number') return String(v)
    if (this.#normalize && v.start === v.end) return String(v.start)
    return `${v.start} to ${v.end < MAX_TAG_VALUE ? v.end : 'max'}`
  }

  #byTag<T extends { readonly tag: number }>(xs: readonly T[]): T[] {
    return this.#normalize ? [...xs].sort((a, b) => a.tag - b.tag) : [...xs]
  }

  #qualify(type: string): string {
    const resolved = this.o.table!.resolve(type, this.#scope)
    return resolved !== undefined ? '.' + resolved : type
  }

  #filterOptions(options: readonly OptionElement[]): OptionElement[] {
    let out = [...options]
    if (this.o.dropCustomOptions) out = out.filter((o) => !o.parenthesized)
    if (this.o.ignoreExtensions)
      out = out.filter((o) => !o.parenthesized || o.name.replace(/^\./, '').startsWith('confluent.'))
    if (this.#normalize) out = normalizeOptions(out, this.o.table!, this.#scope)
    return out
  }

  #optionStatement(o: OptionElement): string {
    return `option ${this.#option(o)};\n`
  }

  #option(o: OptionElement): string {
    const name = o.parenthesized ? `(${o.name})` : o.name
    const v = o.value
    switch (v.kind) {
      case 'STRING':
        return `${name} = "${escapeChars(v.value)}"`
      case 'BOOLEAN':
      case 'ENUM':
        return `${name} = ${v.value}`
      case 'NUMBER':
        return `${name} = ${this.#number(v.value)}`
      case 'OPTION':
        return `${name}.${this.#option({ ...v.value, parenthesized: false })}`
      case 'MAP':
        return `${name} = {\n${this.#map(v.value)}}`
      case 'LIST':
        return `${name} = ${this.#optionList(v.value)}`
    }
  }

  /** `[a]` on one line, or one item per line when there are several. */
  #optionList(items: readonly (OptionElement | OptionValue)[]): string {
    const text = (x: OptionElement | OptionValue) => ('name' in x ? this.#option(x) : this.#value(x))
    if (items.length === 1) return `[${text(items[0]!)}]`
    return '[\n' + items.map((x, i) => indent(text(x) + (i < items.length - 1 ? ',' : ''))).join('') + ']'
  }

  #map(map: ReadonlyMap<string, OptionValue>): string {
    let entries = [...map]
    if (this.#normalize) {
      entries = entries
        .filter(([, v]) => v.kind !== 'LIST' || v.value.length > 0)
        .map(([k, v]): [string, OptionValue] => {
          if (!k.startsWith('[') || !k.endsWith(']')) return [k, v]
          const resolved = this.o.table!.resolve(k.slice(1, -1), this.#scope, 'extend')
          return [resolved !== undefined ? `[${resolved}]` : k, v]
        })
      const sorted = new Map<string, OptionValue>()
      for (const [k, v] of entries.sort((a, b) => cmp(a[0], b[0]))) if (!sorted.has(k)) sorted.set(k, v)
      entries = [...sorted]
    }
    return entries.map(([k, v], i) => indent(`${k}: ${this.#value(v)}${i < entries.length - 1 ? ',' : ''}`)).join('')
  }

  #value(v: OptionValue): string {
    switch (v.kind) {
      case 'STRING':
        return `"${escapeChars(v.value)}"`
      case 'BOOLEAN':
      case 'ENUM':
        return v.value
      case 'NUMBER':
        return this.#number(v.value)
      case 'MAP':
        return `{\n${this.#map(v.value)}}`
      case 'LIST':
        if (this.#normalize && v.value.length === 1) return this.#value(v.value[0]!)
        return (
          '[\n' + v.value.map((x, i) => indent(this.#value(x) + (i < v.value.length - 1 ? ',' : ''))).join('') + ']'
        )
      case 'OPTION':
        return this.#option(v.value)
    }
  }

  #number(text: string): string {
    return this.#normalize ? formatNumber(text) : text
  }
}

/** Java `DecimalFormat` with grouping off, as Confluent normalizes option numbers. */
export function formatNumber(text: string): string {
  const t = text.trim()
  const neg = t.startsWith('-')
  const body = neg ? t.slice(1) : t
  let intValue: bigint | undefined
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) intValue = BigInt(body)
  else if (/^0[0-7]+$/.test(body)) intValue = BigInt('0o' + body.slice(1))
  else if (/^\d+$/.test(body)) intValue = BigInt(body)
  if (intValue !== undefined) return (neg && intValue !== 0n ? '-' : '') + intValue.toString()
  const n = Number(t)
  if (!Number.isFinite(n)) return text
  // Three fraction digits, half-even, no exponent.
  const scaled = n * 1000
  let r = Math.round(scaled)
  if (Math.abs(scaled % 1) === 0.5 && r % 2 !== 0) r -= 1
  const fixed = (r / 1000).toFixed(3).replace(/\.?0+$/, '')
  return fixed === '-0' ? '-0' : fixed
}

function indent(text: string): string {
  const lines = text.split('\n')
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop()
  return lines.map((l) => `  ${l}\n`).join('')
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Confluent's `ProtobufSchemaUtils.escapeChars`. */
export function escapeChars(s: string): string {
  return s.replace(/[\x07\b\f\n\r\t\v\\'"]/g, (c) => {
    switch (c) {
      case '\x07':
        return '\\a'
      case '\b':
        return '\\b'
      case '\f':
        return '\\f'
      case '\n':
        return '\\n'
      case '\r':
        return '\\r'
      case '\t':
        return '\\t'
      case '\v':
        return '\\v'
      default:
        return '\\' + c
    }
  })
}

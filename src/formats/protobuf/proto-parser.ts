import { SchemaParseError } from '../format.js'
import { tokenize, type Token } from './lexer.js'
import type {
  EnumConstantElement,
  EnumElement,
  ExtendElement,
  FieldElement,
  GroupElement,
  Label,
  MessageElement,
  OneOfElement,
  OptionElement,
  OptionValue,
  ProtoFile,
  RangeValue,
  RpcElement,
  ServiceElement,
  TypeElement,
} from './model.js'

export const MAX_TAG_VALUE = 536_870_911
const MAX_ENUM_VALUE = 2_147_483_647
const LABELS: ReadonlySet<string> = new Set(['optional', 'required', 'repeated'])

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer E)[] ? E[] : T[K] }

/**
 * Parses `.proto` text into the element model. Accepts what protoc accepts for proto2/proto3,
 * including aggregate option values with lists (`params: [ {…}, {…} ]`), which protobufjs cannot.
 * Throws {@link SchemaParseError} with the line and column of the first problem.
 */
export function parseProtoText(text: string): ProtoFile {
  return new Parser(tokenize(text)).file()
}

class Parser {
  #pos = 0
  constructor(readonly tokens: readonly Token[]) {}

  file(): ProtoFile {
    const file: Mutable<ProtoFile> = {
      imports: [],
      publicImports: [],
      weakImports: [],
      options: [],
      types: [],
      services: [],
      extendDeclarations: [],
    }
    let first = true
    while (!this.#atEnd()) {
      const t = this.#next()
      if (t.text === ';' && t.kind === 'punct') continue
      if (t.kind !== 'ident') this.#fail(t, `unexpected '${t.text}'`)
      switch (t.text) {
        case 'syntax': {
          if (!first) this.#fail(t, "'syntax' must be the first statement")
          this.#expect('=')
          const s = this.#string()
          if (s !== 'proto2' && s !== 'proto3') this.#fail(t, `unsupported syntax "${s}"`)
          file.syntax = s
          this.#expect(';')
          break
        }
        case 'edition':
          this.#fail(t, 'protobuf editions are not supported')
          break
        case 'package':
          if (file.packageName !== undefined) this.#fail(t, 'duplicate package statement')
          file.packageName = this.#ident()
          this.#expect(';')
          break
        case 'import': {
          const kind = this.#peek()?.kind === 'ident' ? this.#ident() : ''
          const path = this.#string()
          if (kind === 'public') file.publicImports.push(path)
          else if (kind === 'weak') file.weakImports.push(path)
          else if (kind === '') file.imports.push(path)
          else this.#fail(t, `unexpected '${kind}' in import`)
          this.#expect(';')
          break
        }
        case 'option':
          file.options.push(this.#optionStatement())
          break
        case 'message':
          file.types.push(this.#message())
          break
        case 'enum':
          file.types.push(this.#enum())
          break
        case 'service':
          file.services.push(this.#service())
          break
        case 'extend':
          file.extendDeclarations.push(this.#extend())
          break
        default:
          this.#fail(t, `unexpected '${t.text}'`)
      }
      first = false
    }
    return file
  }

  #message(): MessageElement {
    const name = this.#simpleName()
    const m: Mutable<MessageElement> = {
      kind: 'message',
      name,
      fields: [],
      oneOfs: [],
      groups: [],
      nested: [],
      reserved: [],
      extensions: [],
      extendDeclarations: [],
      options: [],
    }
    this.#expect('{')
    while (!this.#accept('}')) {
      const t = this.#peekOrFail('message body')
      if (this.#accept(';')) continue
      const next = this.tokens[this.#pos + 1]
      const keyword = t.kind === 'ident' && next !== undefined && next.kind === 'ident' ? t.text : ''
      if (t.text === 'option' && t.kind === 'ident') {
        this.#next()
        m.options.push(this.#optionStatement())
      } else if (t.text === 'reserved' && t.kind === 'ident' && next?.text !== '=') {
        this.#next()
        m.reserved.push(this.#ranges(true, MAX_TAG_VALUE))
      } else if (t.text === 'extensions' && t.kind === 'ident' && next?.kind === 'number') {
        this.#next()
        m.extensions.push(this.#ranges(false, MAX_TAG_VALUE))
      } else if (keyword === 'message') {
        this.#next()
        m.nested.push(this.#message())
      } else if (keyword === 'enum') {
        this.#next()
        m.nested.push(this.#enum())
      } else if (keyword === 'extend') {
        this.#next()
        m.extendDeclarations.push(this.#extend())
      } else if (keyword === 'oneof') {
        this.#next()
        m.oneOfs.push(this.#oneOf())
      } else {
        const member = this.#fieldOrGroup(true)
        if ('fields' in member) m.groups.push(member)
        else m.fields.push(member)
      }
    }
    return m
  }

  #oneOf(): OneOfElement {
    const o: Mutable<OneOfElement> = { name: this.#simpleName(), fields: [], groups: [], options: [] }
    this.#expect('{')
    while (!this.#accept('}')) {
      if (this.#accept(';')) continue
      const t = this.#peekOrFail('oneof')
      if (t.text === 'option' && this.tokens[this.#pos + 1]?.kind === 'ident') {
        this.#next()
        o.options.push(this.#optionStatement())
        continue
      }
      const member = this.#fieldOrGroup(false)
      if ('fields' in member) o.groups.push(member)
      else o.fields.push(member)
    }
    return o
  }

  #fieldOrGroup(allowLabel: boolean): FieldElement | GroupElement {
    let label: Label | undefined
    const start = this.#peekOrFail('field')
    if (allowLabel && start.kind === 'ident' && LABELS.has(start.text) && this.tokens[this.#pos + 1]?.kind === 'ident') {
      label = this.#next().text as Label
    }
    let type = this.#typeName()
    if (type === 'group' && this.#peek()?.kind === 'ident' && this.tokens[this.#pos + 1]?.text === '=') {
      const name = this.#simpleName()
      this.#expect('=')
      const tag = this.#integer()
      if (this.#peek()?.text === '[') this.#fieldOptions()
      const body = this.#extendBody()
      return label ? { label, name, tag, fields: body } : { name, tag, fields: body }
    }
    if (type === 'map' && this.#accept('<')) {
      const key = this.#typeName()
      this.#expect(',')
      const value = this.#typeName()
      this.#expect('>')
      type = `map<${key}, ${value}>`
    }
    const name = this.#simpleName()
    this.#expect('=')
    const tag = this.#integer()
    const opts = this.#peek()?.text === '[' ? this.#fieldOptions() : []
    this.#expect(';')
    let defaultValue: OptionValue | undefined
    let jsonName: string | undefined
    const options: OptionElement[] = []
    for (const o of opts) {
      if (!o.parenthesized && o.name === 'default') defaultValue = o.value
      else if (!o.parenthesized && o.name === 'json_name' && o.value.kind === 'STRING') jsonName = o.value.value
      else options.push(o)
    }
    return {
      ...(label ? { label } : {}),
      type,
      name,
      tag,
      ...(defaultValue ? { defaultValue } : {}),
      ...(jsonName !== undefined ? { jsonName } : {}),
      options,
    }
  }

  #fieldOptions(): OptionElement[] {
    this.#expect('[')
    const out: OptionElement[] = []
    do {
      out.push(this.#option())
    } while (this.#accept(','))
    this.#expect(']')
    return out
  }

  #enum(): EnumElement {
    const e: Mutable<EnumElement> = { kind: 'enum', name: this.#simpleName(), constants: [], reserved: [], options: [] }
    this.#expect('{')
    while (!this.#accept('}')) {
      if (this.#accept(';')) continue
      const t = this.#next()
      if (t.kind !== 'ident') this.#fail(t, `unexpected '${t.text}' in enum`)
      const isValue = this.#peek()?.text === '='
      if (t.text === 'option' && !isValue) e.options.push(this.#optionStatement())
      else if (t.text === 'reserved' && !isValue) e.reserved.push(this.#ranges(true, MAX_ENUM_VALUE))
      else {
        if (t.text.includes('.')) this.#fail(t, `invalid enum constant name '${t.text}'`)
        this.#expect('=')
        const tag = this.#integer()
        const options = this.#peek()?.text === '[' ? this.#fieldOptions() : []
        this.#expect(';')
        const c: EnumConstantElement = { name: t.text, tag, options }
        e.constants.push(c)
      }
    }
    return e
  }

  #service(): ServiceElement {
    const s: Mutable<ServiceElement> = { name: this.#simpleName(), rpcs: [], options: [] }
    this.#expect('{')
    while (!this.#accept('}')) {
      if (this.#accept(';')) continue
      const t = this.#next()
      if (t.text === 'option') s.options.push(this.#optionStatement())
      else if (t.text === 'rpc') s.rpcs.push(this.#rpc())
      else this.#fail(t, `unexpected '${t.text}' in service`)
    }
    return s
  }

  #rpc(): RpcElement {
    const name = this.#simpleName()
    const side = (): [string, boolean] => {
      this.#expect('(')
      let streaming = false
      if (this.#peek()?.text === 'stream' && this.tokens[this.#pos + 1]?.kind === 'ident') {
        this.#next()
        streaming = true
      }
      const type = this.#typeName()
      this.#expect(')')
      return [type, streaming]
    }
    const [requestType, requestStreaming] = side()
    const r = this.#next()
    if (r.text !== 'returns') this.#fail(r, "expected 'returns'")
    const [responseType, responseStreaming] = side()
    const options: OptionElement[] = []
    if (this.#accept('{')) {
      while (!this.#accept('}')) {
        if (this.#accept(';')) continue
        const t = this.#next()
        if (t.text !== 'option') this.#fail(t, `unexpected '${t.text}' in rpc`)
        options.push(this.#optionStatement())
      }
      this.#accept(';')
    } else {
      this.#expect(';')
    }
    return { name, requestType, requestStreaming, responseType, responseStreaming, options }
  }

  #extend(): ExtendElement {
    const name = this.#typeName()
    return { name, fields: this.#extendBody() }
  }

  #extendBody(): FieldElement[] {
    const fields: FieldElement[] = []
    this.#expect('{')
    while (!this.#accept('}')) {
      if (this.#accept(';')) continue
      const member = this.#fieldOrGroup(true)
      if (!('fields' in member)) fields.push(member)
    }
    return fields
  }

  #ranges(allowNames: boolean, max: number): RangeValue[] {
    const out: RangeValue[] = []
    do {
      const t = this.#peekOrFail('range')
      if (t.kind === 'string') {
        if (!allowNames) this.#fail(t, 'names are not allowed here')
        out.push(this.#string())
        continue
      }
      const start = this.#integer()
      if (this.#peek()?.text === 'to') {
        this.#next()
        const endToken = this.#peekOrFail('range end')
        const end = endToken.text === 'max' ? (this.#next(), max) : this.#integer()
        if (end < start) this.#fail(endToken, `range ${start} to ${end} is empty`)
        out.push({ start, end })
      } else {
        out.push(start)
      }
    } while (this.#accept(','))
    // Extension-range options (`[declaration = {…}]`) only matter to protoc plugins.
    if (!allowNames && this.#peek()?.text === '[') this.#fieldOptions()
    this.#expect(';')
    return out
  }

  #optionStatement(): OptionElement {
    const o = this.#option()
    this.#expect(';')
    return o
  }

  /** `name = value` where name is `ident`, `(ext.name)` or `(ext.name).sub.path`. */
  #option(): OptionElement {
    const t = this.#peekOrFail('option')
    let name: string
    let parenthesized = false
    let subPath: string[] = []
    if (this.#accept('(')) {
      name = this.#typeName()
      parenthesized = true
      this.#expect(')')
      const sub = this.#peek()
      if (sub?.kind === 'ident' && sub.text.startsWith('.')) {
        this.#next()
        subPath = sub.text.slice(1).split('.')
      }
    } else {
      name = this.#ident()
    }
    if (!name) this.#fail(t, 'expected an option name')
    this.#expect('=')
    const value = this.#peek()?.text === '{' ? this.#aggregate() : this.#scalar()
    let nested: OptionValue = value
    for (let i = subPath.length - 1; i >= 1; i--) nested = { kind: 'OPTION', value: { name: subPath[i]!, parenthesized: false, value: nested } }
    if (subPath.length > 0) return { name, parenthesized, value: { kind: 'OPTION', value: { name: subPath[0]!, parenthesized: false, value: nested } } }
    return { name, parenthesized, value }
  }

  #scalar(): OptionValue {
    const t = this.#next()
    if (t.kind === 'string') {
      let value = t.text
      while (this.#peek()?.kind === 'string') value += this.#next().text
      return { kind: 'STRING', value }
    }
    if (t.text === '-' || t.text === '+') {
      const n = this.#next()
      if (n.kind !== 'number' && n.text !== 'inf' && n.text !== 'nan') this.#fail(n, 'expected a number')
      return { kind: 'NUMBER', value: (t.text === '-' ? '-' : '') + n.text }
    }
    if (t.kind === 'number') return { kind: 'NUMBER', value: t.text }
    if (t.kind === 'ident') {
      if (t.text === 'true' || t.text === 'false') return { kind: 'BOOLEAN', value: t.text }
      if (t.text === 'inf' || t.text === 'nan') return { kind: 'NUMBER', value: t.text }
      return { kind: 'ENUM', value: t.text }
    }
    return this.#fail(t, `unexpected '${t.text}' in option value`)
  }

  /** A text-format message literal `{ a: 1, b { … }, c: [ … ], [ext.x]: 2 }`. */
  #aggregate(): OptionValue {
    const open = this.#next()
    const close = open.text === '<' ? '>' : '}'
    const map = new Map<string, OptionValue>()
    while (!this.#accept(close)) {
      let key: string
      if (this.#accept('[')) {
        key = `[${this.#typeName()}]`
        this.#expect(']')
      } else {
        key = this.#ident()
      }
      const hasColon = this.#accept(':')
      const next = this.#peekOrFail('option value')
      let value: OptionValue
      if (next.text === '{' || next.text === '<') value = this.#aggregate()
      else if (next.text === '[') value = this.#list()
      else if (hasColon) value = this.#scalar()
      else return this.#fail(next, `expected ':' after '${key}'`)
      const prior = map.get(key)
      if (prior === undefined) map.set(key, value)
      else {
        const items = (v: OptionValue) => (v.kind === 'LIST' ? v.value : [v])
        map.set(key, { kind: 'LIST', value: [...items(prior), ...items(value)] })
      }
      if (!this.#accept(',')) this.#accept(';')
    }
    return { kind: 'MAP', value: map }
  }

  #list(): OptionValue {
    this.#expect('[')
    const items: OptionValue[] = []
    while (!this.#accept(']')) {
      const t = this.#peekOrFail('list')
      items.push(t.text === '{' || t.text === '<' ? this.#aggregate() : this.#scalar())
      this.#accept(',')
    }
    return { kind: 'LIST', value: items }
  }

  #typeName(): string {
    const t = this.#next()
    if (t.kind !== 'ident') this.#fail(t, `expected a type name, found '${t.text}'`)
    return t.text
  }

  #simpleName(): string {
    const t = this.#next()
    if (t.kind !== 'ident' || t.text.includes('.')) this.#fail(t, `expected a name, found '${t.text}'`)
    return t.text
  }

  #ident(): string {
    const t = this.#next()
    if (t.kind !== 'ident' || t.text.startsWith('.')) this.#fail(t, `expected an identifier, found '${t.text}'`)
    return t.text
  }

  #string(): string {
    const t = this.#next()
    if (t.kind !== 'string') this.#fail(t, `expected a string, found '${t.text}'`)
    let value = t.text
    while (this.#peek()?.kind === 'string') value += this.#next().text
    return value
  }

  #integer(): number {
    const neg = this.#accept('-')
    const t = this.#next()
    if (t.kind !== 'number' || !/^(0[xX][0-9a-fA-F]+|\d+)$/.test(t.text)) this.#fail(t, `expected an integer, found '${t.text}'`)
    const n = /^0[xX]/.test(t.text) ? parseInt(t.text, 16) : /^0\d/.test(t.text) ? parseInt(t.text, 8) : Number(t.text)
    if (!Number.isSafeInteger(n) || n > 0xffffffff) this.#fail(t, `integer ${t.text} is out of range`)
    return neg ? -n : n
  }

  #expect(text: string): void {
    const t = this.#next()
    if (t.kind === 'string' || t.text !== text) this.#fail(t, `expected '${text}', found '${t.text}'`)
  }

  #accept(text: string): boolean {
    const t = this.tokens[this.#pos]
    if (t && t.kind === 'punct' && t.text === text) {
      this.#pos++
      return true
    }
    return false
  }

  #peek(): Token | undefined {
    return this.tokens[this.#pos]
  }

  #peekOrFail(where: string): Token {
    const t = this.tokens[this.#pos]
    if (!t) throw new SchemaParseError(`unexpected end of input in ${where}`)
    return t
  }

  #next(): Token {
    const t = this.tokens[this.#pos]
    if (!t) throw new SchemaParseError('unexpected end of input')
    this.#pos++
    return t
  }

  #atEnd(): boolean {
    return this.#pos >= this.tokens.length
  }

  #fail(t: Token, message: string): never {
    throw new SchemaParseError(`line ${t.line}:${t.column}: ${message}`)
  }
}

export type { TypeElement }

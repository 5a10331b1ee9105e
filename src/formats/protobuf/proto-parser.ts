import { SchemaParseError } from '../format.js'
import { tokenize, type Token } from './lexer.js'
import { parseOption } from './option-values.js'
import { TokenCursor } from './token-cursor.js'
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
  readonly #c: TokenCursor
  constructor(tokens: readonly Token[]) {
    this.#c = new TokenCursor(tokens)
  }

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
    while (!this.#c.atEnd()) {
      const t = this.#c.next()
      if (t.text === ';' && t.kind === 'punct') continue
      if (t.kind !== 'ident') this.#c.fail(t, `unexpected '${t.text}'`)
      switch (t.text) {
        case 'syntax': {
          if (!first) this.#c.fail(t, "'syntax' must be the first statement")
          this.#c.expect('=')
          const s = this.#c.string()
          if (s !== 'proto2' && s !== 'proto3') this.#c.fail(t, `unsupported syntax "${s}"`)
          file.syntax = s
          this.#c.expect(';')
          break
        }
        case 'edition':
          this.#c.fail(t, 'protobuf editions are not supported')
          break
        case 'package':
          if (file.packageName !== undefined) this.#c.fail(t, 'duplicate package statement')
          file.packageName = this.#c.ident()
          this.#c.expect(';')
          break
        case 'import': {
          const kind = this.#c.peek()?.kind === 'ident' ? this.#c.ident() : ''
          const path = this.#c.string()
          if (kind === 'public') file.publicImports.push(path)
          else if (kind === 'weak') file.weakImports.push(path)
          else if (kind === '') file.imports.push(path)
          else this.#c.fail(t, `unexpected '${kind}' in import`)
          this.#c.expect(';')
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
          this.#c.fail(t, `unexpected '${t.text}'`)
      }
      first = false
    }
    return file
  }

  #message(): MessageElement {
    const name = this.#c.simpleName()
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
    this.#c.expect('{')
    while (!this.#c.accept('}')) {
      const t = this.#c.peekOrFail('message body')
      if (this.#c.accept(';')) continue
      const next = this.#c.peekAt(1)
      const keyword = t.kind === 'ident' && next !== undefined && next.kind === 'ident' ? t.text : ''
      if (t.text === 'option' && t.kind === 'ident') {
        this.#c.next()
        m.options.push(this.#optionStatement())
      } else if (t.text === 'reserved' && t.kind === 'ident' && next?.text !== '=') {
        this.#c.next()
        m.reserved.push(this.#ranges(true, MAX_TAG_VALUE))
      } else if (t.text === 'extensions' && t.kind === 'ident' && next?.kind === 'number') {
        this.#c.next()
        m.extensions.push(this.#ranges(false, MAX_TAG_VALUE))
      } else if (keyword === 'message') {
        this.#c.next()
        m.nested.push(this.#message())
      } else if (keyword === 'enum') {
        this.#c.next()
        m.nested.push(this.#enum())
      } else if (keyword === 'extend') {
        this.#c.next()
        m.extendDeclarations.push(this.#extend())
      } else if (keyword === 'oneof') {
        this.#c.next()
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
    const o: Mutable<OneOfElement> = { name: this.#c.simpleName(), fields: [], groups: [], options: [] }
    this.#c.expect('{')
    while (!this.#c.accept('}')) {
      if (this.#c.accept(';')) continue
      const t = this.#c.peekOrFail('oneof')
      const after = this.#c.peekAt(1)
      // `option (ext) = …` as well as `option name = …`, as protoc accepts in a oneof.
      if (t.text === 'option' && t.kind === 'ident' && (after?.kind === 'ident' || after?.text === '(')) {
        this.#c.next()
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
    const start = this.#c.peekOrFail('field')
    if (allowLabel && start.kind === 'ident' && LABELS.has(start.text) && this.#c.peekAt(1)?.kind === 'ident') {
      label = this.#c.next().text as Label
    }
    let type = this.#c.typeName()
    if (type === 'group' && this.#c.peek()?.kind === 'ident' && this.#c.peekAt(1)?.text === '=') {
      const name = this.#c.simpleName()
      this.#c.expect('=')
      const tag = this.#c.integer()
      if (this.#c.peek()?.text === '[') this.#fieldOptions()
      const body = this.#extendBody()
      return label ? { label, name, tag, fields: body } : { name, tag, fields: body }
    }
    if (type === 'map' && this.#c.accept('<')) {
      const key = this.#c.typeName()
      this.#c.expect(',')
      const value = this.#c.typeName()
      this.#c.expect('>')
      type = `map<${key}, ${value}>`
    }
    const name = this.#c.simpleName()
    this.#c.expect('=')
    const tag = this.#c.integer()
    const opts = this.#c.peek()?.text === '[' ? this.#fieldOptions() : []
    this.#c.expect(';')
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
    this.#c.expect('[')
    const out: OptionElement[] = []
    do {
      out.push(parseOption(this.#c))
    } while (this.#c.accept(','))
    this.#c.expect(']')
    return out
  }

  #enum(): EnumElement {
    const e: Mutable<EnumElement> = {
      kind: 'enum',
      name: this.#c.simpleName(),
      constants: [],
      reserved: [],
      options: [],
    }
    this.#c.expect('{')
    while (!this.#c.accept('}')) {
      if (this.#c.accept(';')) continue
      const t = this.#c.next()
      if (t.kind !== 'ident') this.#c.fail(t, `unexpected '${t.text}' in enum`)
      const isValue = this.#c.peek()?.text === '='
      if (t.text === 'option' && !isValue) e.options.push(this.#optionStatement())
      else if (t.text === 'reserved' && !isValue) e.reserved.push(this.#ranges(true, MAX_ENUM_VALUE))
      else {
        if (t.text.includes('.')) this.#c.fail(t, `invalid enum constant name '${t.text}'`)
        this.#c.expect('=')
        const tag = this.#c.integer()
        const options = this.#c.peek()?.text === '[' ? this.#fieldOptions() : []
        this.#c.expect(';')
        const c: EnumConstantElement = { name: t.text, tag, options }
        e.constants.push(c)
      }
    }
    return e
  }

  #service(): ServiceElement {
    const s: Mutable<ServiceElement> = { name: this.#c.simpleName(), rpcs: [], options: [] }
    this.#c.expect('{')
    while (!this.#c.accept('}')) {
      if (this.#c.accept(';')) continue
      const t = this.#c.next()
      if (t.text === 'option') s.options.push(this.#optionStatement())
      else if (t.text === 'rpc') s.rpcs.push(this.#rpc())
      else this.#c.fail(t, `unexpected '${t.text}' in service`)
    }
    return s
  }

  #rpc(): RpcElement {
    const name = this.#c.simpleName()
    const side = (): [string, boolean] => {
      this.#c.expect('(')
      let streaming = false
      if (this.#c.peek()?.text === 'stream' && this.#c.peekAt(1)?.kind === 'ident') {
        this.#c.next()
        streaming = true
      }
      const type = this.#c.typeName()
      this.#c.expect(')')
      return [type, streaming]
    }
    const [requestType, requestStreaming] = side()
    const r = this.#c.next()
    if (r.text !== 'returns') this.#c.fail(r, "expected 'returns'")
    const [responseType, responseStreaming] = side()
    const options: OptionElement[] = []
    if (this.#c.accept('{')) {
      while (!this.#c.accept('}')) {
        if (this.#c.accept(';')) continue
        const t = this.#c.next()
        if (t.text !== 'option') this.#c.fail(t, `unexpected '${t.text}' in rpc`)
        options.push(this.#optionStatement())
      }
      this.#c.accept(';')
    } else {
      this.#c.expect(';')
    }
    return { name, requestType, requestStreaming, responseType, responseStreaming, options }
  }

  #extend(): ExtendElement {
    const name = this.#c.typeName()
    return { name, fields: this.#extendBody() }
  }

  #extendBody(): FieldElement[] {
    const fields: FieldElement[] = []
    this.#c.expect('{')
    while (!this.#c.accept('}')) {
      if (this.#c.accept(';')) continue
      const member = this.#fieldOrGroup(true)
      if (!('fields' in member)) fields.push(member)
    }
    return fields
  }

  #ranges(allowNames: boolean, max: number): RangeValue[] {
    const out: RangeValue[] = []
    do {
      const t = this.#c.peekOrFail('range')
      if (t.kind === 'string') {
        if (!allowNames) this.#c.fail(t, 'names are not allowed here')
        out.push(this.#c.string())
        continue
      }
      const start = this.#c.integer()
      if (this.#c.peek()?.text === 'to') {
        this.#c.next()
        const endToken = this.#c.peekOrFail('range end')
        let end: number
        if (endToken.text === 'max') {
          this.#c.next()
          end = max
        } else {
          end = this.#c.integer()
        }
        if (end < start) this.#c.fail(endToken, `range ${start} to ${end} is empty`)
        out.push({ start, end })
      } else {
        out.push(start)
      }
    } while (this.#c.accept(','))
    // Extension-range options (`[declaration = {…}]`) only matter to protoc plugins.
    if (!allowNames && this.#c.peek()?.text === '[') this.#fieldOptions()
    this.#c.expect(';')
    return out
  }

  #optionStatement(): OptionElement {
    const o = parseOption(this.#c)
    this.#c.expect(';')
    return o
  }
}

export type { TypeElement }

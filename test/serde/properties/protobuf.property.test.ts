/**
 * Protobuf serde properties over generated .proto files (nested messages, repeated and map
 * fields, enums, oneofs, well-known types, every scalar) and generated values, in each int64 mode.
 */
import fc from 'fast-check'
import { it } from 'vitest'
import type { Int64Mode } from '../../../src/serde/int64.js'
import { InMemorySchemaRegistryClient } from '../../../src/serde/memory-client.js'
import { protobufDeserializer, protobufSerializer } from '../../../src/serde/protobuf.js'
import {
  assertCases,
  checkValues,
  compile,
  int64Arb,
  INVALID_PER_SCHEMA,
  misspelling,
  sample,
  VALUES_PER_SCHEMA,
} from './support.js'

const SCALARS = [
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
] as const
const WKTS = [
  'Timestamp',
  'Duration',
  'Int64Value',
  'StringValue',
  'BoolValue',
  'DoubleValue',
  'Struct',
  'Value',
] as const
type Scalar = (typeof SCALARS)[number]
type Wkt = (typeof WKTS)[number]
type Elem = { k: 'scalar'; t: Scalar } | { k: 'enum' } | { k: 'msg'; m: Msg } | { k: 'wkt'; t: Wkt }
interface Field {
  readonly elem: Elem
  readonly label: 'single' | 'repeated' | 'map'
  readonly key: 'string' | 'int32' | 'bool'
}
interface Msg {
  readonly fields: Field[]
  readonly oneof: [Scalar, Scalar] | null
}

const NAMES = [
  'id',
  'title',
  'created_at',
  'is_done',
  'unit_price',
  'tags',
  'line_items',
  'note',
  'kind_code',
  'amount',
]
const scalar = fc.constantFrom(...SCALARS)

const { msg } = fc.letrec<{ msg: Msg; elem: Elem; field: Field }>((tie) => ({
  elem: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar.map((t) => ({ k: 'scalar' as const, t })),
    fc.constant({ k: 'enum' as const }),
    fc.constantFrom(...WKTS).map((t) => ({ k: 'wkt' as const, t })),
    tie('msg').map((m) => ({ k: 'msg' as const, m })),
  ),
  field: fc
    .record({
      elem: tie('elem'),
      label: fc.constantFrom('single', 'single', 'repeated', 'map'),
      key: fc.constantFrom('string', 'int32', 'bool'),
    })
    // Repeated and map wrappers and Values would hold nulls, which they cannot.
    .map((f) => (f.elem.k === 'wkt' && f.label !== 'single' ? { ...f, label: 'single' as const } : f)),
  msg: fc.record({
    fields: fc.array(tie('field'), { minLength: 1, maxLength: 6 }),
    oneof: fc.option(fc.tuple(scalar, scalar), { nil: null }),
  }),
}))

/** The .proto text; message i is `M<i>`, nested in the message that uses it. */
function protoText(root: Msg, pkg: string): string {
  let n = 0
  const message = (m: Msg, indent: string): string => {
    const name = `M${n++}`
    const lines: string[] = []
    m.fields.forEach((f, i) => {
      let type: string
      if (f.elem.k === 'scalar') type = f.elem.t
      else if (f.elem.k === 'enum') type = 'Color'
      else if (f.elem.k === 'wkt') type = `google.protobuf.${f.elem.t}`
      else {
        const nested = message(f.elem.m, `${indent}  `)
        lines.push(nested)
        type = nested.trim().split(/\s+/)[1]!
      }
      const decl = f.label === 'repeated' ? `repeated ${type}` : f.label === 'map' ? `map<${f.key}, ${type}>` : type
      lines.push(`${indent}  ${decl} ${NAMES[i]} = ${i + 1};`)
    })
    if (m.oneof !== null)
      lines.push(`${indent}  oneof choice { ${m.oneof[0]} pick_a = 20; ${m.oneof[1]} pick_b = 21; }`)
    return `${indent}message ${name} {\n${lines.join('\n')}\n${indent}}`
  }
  const imports = ['timestamp', 'duration', 'wrappers', 'struct']
    .map((f) => `import "google/protobuf/${f}.proto";`)
    .join('\n')
  return `syntax = "proto3";\npackage ${pkg};\n${imports}\n\nenum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; }\n\n${message(root, '')}\n`
}

const key = fc.string({ maxLength: 4 }).filter((k) => k !== '__proto__')

function scalarArb(t: Scalar, mode: Int64Mode): fc.Arbitrary<unknown> {
  switch (t) {
    case 'double':
      return fc.double()
    case 'float':
      return fc.float()
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return fc.integer()
    case 'uint32':
    case 'fixed32':
      return fc.integer({ min: 0, max: 2 ** 32 - 1 })
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return int64Arb(mode, false)
    case 'uint64':
    case 'fixed64':
      return int64Arb(mode, true)
    case 'bool':
      return fc.boolean()
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 8 })
    case 'bytes':
      return fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b))
  }
}

const json = fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown)

function elemArb(e: Elem, mode: Int64Mode): fc.Arbitrary<unknown> {
  switch (e.k) {
    case 'scalar':
      return scalarArb(e.t, mode)
    case 'enum':
      return fc.constantFrom('COLOR_UNSPECIFIED', 'RED', 'GREEN')
    case 'msg':
      return valueArb(e.m, mode)
    case 'wkt':
      switch (e.t) {
        case 'Timestamp':
          return fc.date({
            min: new Date('0001-01-01T00:00:00Z'),
            max: new Date('9999-12-31T23:59:59.999Z'),
            noInvalidDate: true,
          })
        case 'Duration':
          return fc.record({
            seconds: int64Arb(mode, false),
            nanos: fc.integer({ min: -999_999_999, max: 999_999_999 }),
          })
        case 'Int64Value':
          return fc.option(int64Arb(mode, false), { nil: null })
        case 'StringValue':
          return fc.option(scalarArb('string', mode), { nil: null })
        case 'BoolValue':
          return fc.option(fc.boolean(), { nil: null })
        case 'DoubleValue':
          return fc.option(fc.double(), { nil: null })
        case 'Struct':
          return fc.dictionary(key, json, { maxKeys: 3, noNullPrototype: true })
        case 'Value':
          return json
      }
  }
}

/** Values as the deserializer returns them: every field without presence set, messages optional. */
function valueArb(m: Msg, mode: Int64Mode): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(
    m.fields.map((f, i) => {
      const e = elemArb(f.elem, mode)
      if (f.label === 'repeated') return [NAMES[i]!, fc.array(e, { maxLength: 3 })]
      if (f.label === 'map') {
        const k =
          f.key === 'string' ? key : f.key === 'int32' ? fc.integer().map(String) : fc.constantFrom('true', 'false')
        return [NAMES[i]!, fc.dictionary(k, e, { maxKeys: 3, noNullPrototype: true })]
      }
      const presence =
        f.elem.k === 'msg' ||
        (f.elem.k === 'wkt' && (f.elem.t === 'Timestamp' || f.elem.t === 'Duration' || f.elem.t === 'Struct'))
      return [NAMES[i]!, presence ? fc.option(e, { nil: undefined }) : e]
    }),
  )
  const base = fc.record(fields, { noNullPrototype: true })
  if (m.oneof === null) return base
  const [a, b] = m.oneof
  return fc
    .tuple(
      base,
      fc.oneof(
        fc.constant({}),
        scalarArb(a, mode).map((v) => ({ pick_a: v })),
        scalarArb(b, mode).map((v) => ({ pick_b: v })),
      ),
    )
    .map(([x, o]) => ({ ...x, ...o }))
}

function wrongValue(f: Field): unknown {
  if (f.label !== 'single') return 'x'
  const e = f.elem
  if (e.k === 'wkt' && e.t === 'Value') return Symbol('x')
  return (e.k === 'scalar' && e.t === 'string') || (e.k === 'wkt' && e.t === 'StringValue') ? 7 : 'x'
}

function outOfRange(f: Field, mode: Int64Mode): unknown {
  if (f.label !== 'single' || f.elem.k !== 'scalar') return undefined
  switch (f.elem.t) {
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return 2 ** 31
    case 'uint32':
    case 'fixed32':
      return -1
    case 'int64':
    case 'sint64':
    case 'sfixed64':
      return mode === 'number' ? 2 ** 53 : mode === 'bigint' ? 2n ** 63n : '9223372036854775808'
    case 'uint64':
    case 'fixed64':
      return mode === 'number' ? -1 : mode === 'bigint' ? 2n ** 64n : '-1'
    default:
      return undefined
  }
}

function invalidValues(
  m: Msg,
  mode: Int64Mode,
  valid: readonly Record<string, unknown>[],
): { value: unknown; why: string }[] {
  const names = m.fields.map((_f, i) => NAMES[i]!)
  const taken = new Set([
    ...names,
    ...names.map((n) => n.replace(/_(\w)/g, (_x, c: string) => c.toUpperCase())),
    'pick_a',
    'pick_b',
    'pickA',
    'pickB',
  ])
  const out: { value: unknown; why: string }[] = []
  for (let i = 0; out.length < INVALID_PER_SCHEMA; i++) {
    const base = { ...valid[i % valid.length]! }
    const f = (i * 7) % names.length
    const name = names[f]!
    switch (i % 5) {
      case 0:
        out.push({ value: { ...base, zz_extra: 1 }, why: 'extra key' })
        break
      case 1: {
        const { [name]: v, ...rest } = base
        out.push({ value: { ...rest, [misspelling(name, taken)]: v ?? 0 }, why: `misspelt ${name}` })
        break
      }
      case 2:
        out.push({ value: { ...base, [name]: wrongValue(m.fields[f]!) }, why: `wrong type for ${name}` })
        break
      case 3:
        if (m.oneof !== null) {
          const { pick_a: _a, pick_b: _b, ...rest } = base
          out.push({
            value: {
              ...rest,
              pick_a: sample(scalarArb(m.oneof[0], mode), 1, i)[0],
              pick_b: sample(scalarArb(m.oneof[1], mode), 1, i)[0],
            },
            why: 'two oneof members',
          })
        } else {
          out.push({ value: { ...base, [name]: () => 1 }, why: `function for ${name}` })
        }
        break
      default: {
        const j = m.fields.findIndex((x) => outOfRange(x, mode) !== undefined)
        if (j < 0) out.push({ value: [base], why: 'array for a message' })
        else
          out.push({ value: { ...base, [names[j]!]: outOfRange(m.fields[j]!, mode) }, why: `out of range ${names[j]}` })
      }
    }
  }
  return out
}

it('Protobuf: generated values round-trip and generated invalid values are refused', async () => {
  const client = new InMemorySchemaRegistryClient()
  await assertCases(
    fc.tuple(msg, fc.constantFrom<Int64Mode>('number', 'bigint', 'string')),
    async ([m, mode], index) => {
      const schema = protoText(m, `p${index}`)
      const valid = sample(valueArb(m, mode), VALUES_PER_SCHEMA, index)
      const c = await compile(
        `t${index}`,
        protobufSerializer(client, { schema, int64: mode }),
        protobufDeserializer(client, { int64: mode }),
        valid[0],
      )
      return checkValues(c, valid, invalidValues(m, mode, valid))
    },
  )
})

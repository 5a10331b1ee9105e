/**
 * JSON Schema serde properties over generated object schemas (nested objects, arrays, enums,
 * ranges, required lists, open and closed models) and generated values.
 */
import fc from 'fast-check'
import { it } from 'vitest'
import { jsonDeserializer, jsonSerializer } from '../../../src/serde/json.js'
import { InMemorySchemaRegistryClient } from '../../../src/serde/memory-client.js'
import { assertCases, checkValues, compile, misspelling, sample } from './support.js'

// Compiling a JSON Schema costs more than an Avro or Protobuf one: fewer schemas, more values each.
const RUNS = 100
const VALUES_PER_SCHEMA = 50
const INVALID_PER_SCHEMA = 50

type Spec =
  | { k: 'string' | 'integer' | 'number' | 'boolean' | 'enum' }
  | { k: 'array'; of: Spec }
  | { k: 'object'; props: Spec[]; required: boolean[]; closed: boolean }

const NAMES = ['productId', 'name', 'price', 'tags', 'stock', 'active', 'kind', 'dims', 'notes', 'rating']

const { object } = fc.letrec<{ spec: Spec; object: Spec }>((tie) => ({
  spec: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('string', 'integer', 'number', 'boolean', 'enum').map((k) => ({ k }) as Spec),
    tie('spec').map((of) => ({ k: 'array' as const, of })),
    tie('object'),
  ),
  object: fc
    .array(fc.tuple(tie('spec'), fc.boolean()), { minLength: 1, maxLength: 6 })
    .chain((ps) =>
      fc
        .boolean()
        .map((closed) => ({ k: 'object' as const, props: ps.map((p) => p[0]), required: ps.map((p) => p[1]), closed })),
    ),
}))

function jsonSchema(s: Spec): object {
  switch (s.k) {
    case 'integer':
      return { type: 'integer', minimum: -1000, maximum: 1000 }
    case 'enum':
      return { enum: ['RED', 'GREEN', 'BLUE'] }
    case 'array':
      return { type: 'array', items: jsonSchema(s.of) }
    case 'object':
      return {
        type: 'object',
        properties: Object.fromEntries(s.props.map((p, i) => [NAMES[i]!, jsonSchema(p)])),
        required: NAMES.slice(0, s.props.length).filter((_n, i) => s.required[i]),
        additionalProperties: !s.closed,
      }
    default:
      return { type: s.k }
  }
}

function valueArb(s: Spec): fc.Arbitrary<unknown> {
  switch (s.k) {
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 8 })
    case 'integer':
      return fc.integer({ min: -1000, max: 1000 })
    // JSON has no -0: it reads back as 0.
    case 'number':
      return fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n))
    case 'boolean':
      return fc.boolean()
    case 'enum':
      return fc.constantFrom('RED', 'GREEN', 'BLUE')
    case 'array':
      return fc.array(valueArb(s.of), { maxLength: 3 })
    case 'object':
      return fc.record(Object.fromEntries(s.props.map((p, i) => [NAMES[i]!, valueArb(p)])), {
        requiredKeys: NAMES.slice(0, s.props.length).filter((_n, i) => s.required[i]),
        noNullPrototype: true,
      })
  }
}

const wrongValue = (s: Spec): unknown =>
  s.k === 'string' || s.k === 'enum' ? 7 : s.k === 'array' ? { not: 'an array' } : 'x'

function invalidValues(
  s: Extract<Spec, { k: 'object' }>,
  valid: readonly Record<string, unknown>[],
): { value: unknown; why: string }[] {
  const names = NAMES.slice(0, s.props.length)
  const required = names.filter((_n, i) => s.required[i])
  const out: { value: unknown; why: string }[] = []
  for (let i = 0; out.length < INVALID_PER_SCHEMA; i++) {
    const base = { ...valid[i % valid.length]! }
    const f = (i * 7) % names.length
    switch (i % 5) {
      case 0:
        // An open model takes extra keys: only a closed one refuses them.
        out.push(
          s.closed
            ? { value: { ...base, zz_extra: 1 }, why: 'extra key' }
            : { value: { ...base, [names[f]!]: wrongValue(s.props[f]!) }, why: 'wrong type' },
        )
        break
      case 1: {
        const name = required[i % Math.max(1, required.length)] ?? names[f]!
        const { [name]: v, ...rest } = base
        const closedOrRequired = s.closed || required.includes(name)
        out.push(
          closedOrRequired
            ? { value: { ...rest, [misspelling(name, new Set(names))]: v ?? 1 }, why: `misspelt ${name}` }
            : { value: [base], why: 'array for an object' },
        )
        break
      }
      case 2:
        out.push({ value: { ...base, [names[f]!]: wrongValue(s.props[f]!) }, why: `wrong type for ${names[f]}` })
        break
      case 3: {
        if (required.length === 0) {
          out.push({ value: 'not an object', why: 'string for an object' })
          break
        }
        const { [required[i % required.length]!]: _gone, ...rest } = base
        out.push({ value: rest, why: `missing ${required[i % required.length]}` })
        break
      }
      default: {
        const j = s.props.findIndex((p) => p.k === 'integer')
        out.push(
          j < 0
            ? { value: { ...base, [names[f]!]: wrongValue(s.props[f]!) }, why: 'wrong type' }
            : { value: { ...base, [names[j]!]: 1001 }, why: `out of range ${names[j]}` },
        )
      }
    }
  }
  return out
}

it('JSON Schema: generated values round-trip and generated invalid values are refused', async () => {
  const client = new InMemorySchemaRegistryClient()
  await assertCases(
    object,
    async (spec, index) => {
      const s = spec as Extract<Spec, { k: 'object' }>
      const valid = sample(valueArb(s), VALUES_PER_SCHEMA, index) as Record<string, unknown>[]
      const schema = { $schema: 'http://json-schema.org/draft-07/schema#', title: `S${index}`, ...jsonSchema(s) }
      const c = await compile(
        `t${index}`,
        jsonSerializer(client, { schema }),
        jsonDeserializer(client, { validate: true }),
        valid[0],
      )
      return checkValues(c, valid, invalidValues(s, valid))
    },
    RUNS,
  )
})

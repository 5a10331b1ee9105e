/**
 * Avro serde properties over generated schemas (records nesting records, unions with null,
 * arrays, maps, enums, fixed, logical types) and generated values, in each int64 mode.
 */
import fc from 'fast-check'
import { it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../../../src/serde/avro.js'
import type { Int64Mode } from '../../../src/serde/int64.js'
import { InMemorySchemaRegistryClient } from '../../../src/serde/memory-client.js'
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

type Prim = 'boolean' | 'int' | 'long' | 'float' | 'double' | 'string' | 'bytes'
type Logical = 'timestamp-millis' | 'timestamp-micros' | 'date' | 'uuid'
type Spec =
  | { k: 'prim'; t: Prim }
  | { k: 'logical'; t: Logical }
  | { k: 'decimal'; precision: number; scale: number; fixed: boolean }
  | { k: 'enum' }
  | { k: 'fixed'; size: number }
  | { k: 'array'; of: Spec }
  | { k: 'map'; of: Spec }
  | { k: 'opt'; of: Spec }
  | { k: 'record'; fields: Spec[] }

const NAMES = ['symbol', 'exchange', 'price', 'quantity', 'note', 'event_time', 'id', 'tags', 'kind', 'amount']

const leaf: fc.Arbitrary<Spec> = fc.oneof(
  fc
    .constantFrom<Prim>('boolean', 'int', 'long', 'float', 'double', 'string', 'bytes')
    .map((t) => ({ k: 'prim' as const, t })),
  fc
    .constantFrom<Logical>('timestamp-millis', 'timestamp-micros', 'date', 'uuid')
    .map((t) => ({ k: 'logical' as const, t })),
  fc
    .record({ precision: fc.integer({ min: 1, max: 30 }), fixed: fc.boolean() })
    .chain(({ precision, fixed }) =>
      fc.integer({ min: 0, max: precision }).map((scale) => ({ k: 'decimal' as const, precision, scale, fixed })),
    ),
  fc.constant({ k: 'enum' as const }),
  fc.integer({ min: 1, max: 6 }).map((size) => ({ k: 'fixed' as const, size })),
)

const { record } = fc.letrec<{ spec: Spec; record: Spec }>((tie) => ({
  spec: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('spec').map((of) => ({ k: 'array' as const, of })),
    tie('spec').map((of) => ({ k: 'map' as const, of })),
    tie('spec').map((of) => ({ k: 'opt' as const, of: of.k === 'opt' ? of.of : of })),
    tie('record'),
  ),
  record: fc.array(tie('spec'), { minLength: 1, maxLength: 6 }).map((fields) => ({ k: 'record' as const, fields })),
}))

/** The Avro schema of a spec; named types get fresh names. */
function avroSchema(spec: Spec, names = { n: 0 }): unknown {
  switch (spec.k) {
    case 'prim':
      return spec.t
    case 'logical':
      return { type: spec.t === 'date' ? 'int' : spec.t === 'uuid' ? 'string' : 'long', logicalType: spec.t }
    case 'decimal':
      return spec.fixed
        ? {
            type: 'fixed',
            name: `D${names.n++}`,
            size: Math.ceil((spec.precision * Math.log2(10) + 1) / 8),
            logicalType: 'decimal',
            precision: spec.precision,
            scale: spec.scale,
          }
        : { type: 'bytes', logicalType: 'decimal', precision: spec.precision, scale: spec.scale }
    case 'enum':
      return { type: 'enum', name: `E${names.n++}`, symbols: ['RED', 'GREEN', 'BLUE'] }
    case 'fixed':
      return { type: 'fixed', name: `F${names.n++}`, size: spec.size }
    case 'array':
      return { type: 'array', items: avroSchema(spec.of, names) }
    case 'map':
      return { type: 'map', values: avroSchema(spec.of, names) }
    case 'opt':
      return ['null', avroSchema(spec.of, names)]
    case 'record':
      return {
        type: 'record',
        name: `R${names.n++}`,
        fields: spec.fields.map((f, i) => ({
          name: NAMES[i]!,
          type: avroSchema(f, names),
          ...(f.k === 'opt' ? { default: null } : {}),
        })),
      }
  }
}

const decimalText =
  (scale: number) =>
  (n: bigint): string => {
    const digits = (n < 0n ? -n : n).toString().padStart(scale + 1, '0')
    const int = digits.slice(0, digits.length - scale)
    return `${n < 0n ? '-' : ''}${int}${scale > 0 ? `.${digits.slice(digits.length - scale)}` : ''}`
  }

const key = fc.string({ maxLength: 4 }).filter((k) => k !== '__proto__')

/** Valid values under the type table. */
function valueArb(spec: Spec, mode: Int64Mode): fc.Arbitrary<unknown> {
  switch (spec.k) {
    case 'prim':
      switch (spec.t) {
        case 'boolean':
          return fc.boolean()
        case 'int':
          return fc.integer()
        case 'long':
          return int64Arb(mode)
        case 'float':
          return fc.float()
        case 'double':
          return fc.double()
        case 'string':
          return fc.string({ unit: 'grapheme', maxLength: 8 })
        case 'bytes':
          return fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b))
      }
      break
    case 'logical':
      switch (spec.t) {
        case 'timestamp-millis':
          return fc.date({ noInvalidDate: true })
        case 'timestamp-micros':
          return fc.date({ min: new Date(-9e12), max: new Date(9e12), noInvalidDate: true })
        case 'date':
          return fc.integer({ min: -100_000, max: 100_000 }).map((d) => new Date(d * 86_400_000))
        case 'uuid':
          return fc.uuid()
      }
      break
    case 'decimal': {
      const max = 10n ** BigInt(spec.precision) - 1n
      return fc.bigInt({ min: -max, max }).map(decimalText(spec.scale))
    }
    case 'enum':
      return fc.constantFrom('RED', 'GREEN', 'BLUE')
    case 'fixed':
      return fc.uint8Array({ minLength: spec.size, maxLength: spec.size }).map((b) => Buffer.from(b))
    case 'array':
      return fc.array(valueArb(spec.of, mode), { maxLength: 3 })
    case 'map':
      return fc.dictionary(key, valueArb(spec.of, mode), { maxKeys: 3, noNullPrototype: true })
    case 'opt':
      return fc.option(valueArb(spec.of, mode), { nil: null })
    case 'record':
      return fc.record(Object.fromEntries(spec.fields.map((f, i) => [NAMES[i]!, valueArb(f, mode)])), {
        noNullPrototype: true,
      })
  }
}

/** A value no schema element of this kind accepts. */
function wrongValue(spec: Spec): unknown {
  if (spec.k === 'opt') return wrongValue(spec.of)
  const stringy =
    (spec.k === 'prim' && spec.t === 'string') || (spec.k === 'logical' && spec.t === 'uuid') || spec.k === 'enum'
  return stringy ? 7 : 'not-a-value'
}

function outOfRange(spec: Spec, mode: Int64Mode): unknown {
  if (spec.k === 'prim' && spec.t === 'int') return 2 ** 31
  if (spec.k === 'prim' && spec.t === 'long')
    return mode === 'number' ? 2 ** 53 : mode === 'bigint' ? 2n ** 63n : '-9223372036854775809'
  return undefined
}

/** Invalid variants of valid record values: extra, misspelt and missing keys, wrong types, out-of-range ints. */
function invalidValues(
  spec: Extract<Spec, { k: 'record' }>,
  mode: Int64Mode,
  valid: readonly unknown[],
): { value: unknown; why: string }[] {
  const names = spec.fields.map((_f, i) => NAMES[i]!)
  const taken = new Set(names)
  const out: { value: unknown; why: string }[] = []
  for (let i = 0; out.length < INVALID_PER_SCHEMA; i++) {
    const base = { ...(valid[i % valid.length] as Record<string, unknown>) }
    const f = (i * 7) % names.length
    const name = names[f]!
    const fieldSpec = spec.fields[f]!
    switch (i % 5) {
      case 0:
        out.push({ value: { ...base, zz_extra: 1 }, why: 'extra key' })
        break
      case 1: {
        const { [name]: v, ...rest } = base
        out.push({ value: { ...rest, [misspelling(name, taken)]: v }, why: `misspelt ${name}` })
        break
      }
      case 2:
        out.push({ value: { ...base, [name]: wrongValue(fieldSpec) }, why: `wrong type for ${name}` })
        break
      case 3: {
        const required = names.filter((_n, j) => spec.fields[j]!.k !== 'opt')
        if (required.length === 0) {
          out.push({ value: { ...base, [`${name}_`]: 0 }, why: 'extra key' })
          break
        }
        const { [required[i % required.length]!]: _gone, ...rest } = base
        out.push({ value: rest, why: `missing ${required[i % required.length]}` })
        break
      }
      default: {
        const j = spec.fields.findIndex((s) => outOfRange(s, mode) !== undefined)
        if (j < 0) out.push({ value: { ...base, [name]: () => 1 }, why: `function for ${name}` })
        else
          out.push({
            value: { ...base, [names[j]!]: outOfRange(spec.fields[j]!, mode) },
            why: `out of range ${names[j]}`,
          })
      }
    }
  }
  return out
}

it('Avro: generated values round-trip and generated invalid values are refused', async () => {
  const client = new InMemorySchemaRegistryClient()
  await assertCases(
    fc.tuple(record, fc.constantFrom<Int64Mode>('number', 'bigint', 'string')),
    async ([spec, mode], index) => {
      const schema = avroSchema(spec)
      const valid = sample(valueArb(spec, mode), VALUES_PER_SCHEMA, index)
      const c = compile(
        `t${index}`,
        avroSerializer(client, { schema: schema as object, int64: mode }),
        avroDeserializer(client, { int64: mode }),
        valid[0],
      )
      return checkValues(await c, valid, invalidValues(spec as Extract<Spec, { k: 'record' }>, mode, valid))
    },
  )
})

/**
 * The shape every format's property test shares: for each generated schema, compile a sync
 * encoder and decoder once, then check many generated valid values (they round-trip under the
 * type table) and invalid ones (INVALID_VALUE, no bytes). Cases are counted, so a generator that
 * quietly produced nothing fails the test.
 */
import fc from 'fast-check'
import { expect } from 'vitest'
import { SerdeError } from '../../../src/serde/errors.js'
import type { Int64Mode } from '../../../src/serde/int64.js'
import type { Deserializer } from '../../../src/serde/deserializer.js'
import type { Encoder, Serializer } from '../../../src/serde/serializer.js'

export const SCHEMA_RUNS = 200
export const VALUES_PER_SCHEMA = 25
export const INVALID_PER_SCHEMA = 25
/** Cases per format: schema runs × (valid + invalid values). */
export const MIN_CASES = 10_000

export interface Compiled {
  readonly encode: Encoder<unknown>
  readonly decode: (bytes: Buffer) => unknown
}

/** A sync encoder and decoder for a fresh topic, with the decoder's schema loaded. */
export async function compile(
  topic: string,
  ser: Serializer<unknown>,
  de: Deserializer<unknown>,
  sample: unknown,
): Promise<Compiled> {
  const encode = await ser.encoderFor(topic)
  await de.load(encode(sample))
  return { encode, decode: (bytes) => de.deserializeSync(topic, bytes) }
}

/** Encodes each valid value and expects it back; encodes each invalid one and expects INVALID_VALUE. */
export function checkValues(
  c: Compiled,
  valid: readonly unknown[],
  invalid: readonly { value: unknown; why: string }[],
): number {
  for (const v of valid) expect(c.decode(c.encode(v))).toEqual(v)
  for (const { value, why } of invalid) {
    let bytes: Buffer | undefined
    let error: unknown
    try {
      bytes = c.encode(value)
    } catch (e) {
      error = e
    }
    expect(bytes, `${why}: ${String((error as Error | undefined)?.message)}`).toBeUndefined()
    expect(error, why).toBeInstanceOf(SerdeError)
    expect((error as SerdeError).code, `${why}: ${(error as Error).message}`).toBe('INVALID_VALUE')
  }
  return valid.length + invalid.length
}

/** Runs `run` over `runs` generated schemas and expects at least MIN_CASES checked values. */
export async function assertCases<S>(
  schemas: fc.Arbitrary<S>,
  run: (schema: S, index: number) => Promise<number>,
  runs = SCHEMA_RUNS,
): Promise<void> {
  let cases = 0
  let index = 0
  await fc.assert(
    fc.asyncProperty(schemas, async (s) => {
      cases += await run(s, index++)
    }),
    { numRuns: runs, endOnFailure: true },
  )
  expect(cases).toBeGreaterThanOrEqual(MIN_CASES)
}

/** `n` values from an arbitrary, reproducibly from the schema's index. */
export function sample<T>(arb: fc.Arbitrary<T>, n: number, seed: number): T[] {
  return fc.sample(arb, { numRuns: n, seed })
}

/** A key that is no field name: a misspelling of `name` (or a fresh key when none is free). */
export function misspelling(name: string, taken: ReadonlySet<string>): string {
  for (const k of [
    name.slice(0, -1),
    `${name}x`,
    name.length > 1 ? name[1]! + name[0]! + name.slice(2) : `${name}_`,
    `${name}__typo`,
  ]) {
    if (k !== '' && !taken.has(k)) return k
  }
  return `${name}__typo__`
}

/** 64-bit integers in the JavaScript type an int64 mode reads back. */
export function int64Arb(mode: Int64Mode, unsigned = false): fc.Arbitrary<unknown> {
  if (mode === 'number') return unsigned ? fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) : fc.maxSafeInteger()
  const b = unsigned
    ? fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })
    : fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
  return mode === 'bigint' ? b : b.map(String)
}

import { afterAll, describe, expect, it } from 'vitest'
import { avroFormat } from '../../src/formats/avro/index.js'
import type { LevelResult } from '../../src/compat/levels.js'
import { evaluate, knownDifferences, loadVectors, type Vector } from './vectors.js'

const vectors = loadVectors('avro.jsonl')
const known = knownDifferences('Avro')

/**
 * Java's test data writes the root location either as its raw location list (`""`) or as
 * `getLocation()` renders it (`/`); both mean the root. An entry without any path names only the kind.
 */
const normalizePath = (entry: string) => (entry.endsWith(' ') ? `${entry}/` : entry)

const reported = (r: LevelResult) => r.violations.map((v) => normalizePath(`${v.rule} ${v.path}`))

/** Null when the vector holds, else what differs. */
function mismatch(v: Vector): string | null {
  let result: LevelResult
  try {
    result = evaluate(avroFormat, v)
  } catch (e) {
    return `threw ${(e as Error).message}`
  }
  if (result.compatible !== v.expected) return `verdict ${result.compatible}, expected ${v.expected}`
  if (!v.expectedMessages) return null
  const mode = v.expectedMessagesMatch ?? 'exact'
  const want = v.expectedMessages.map(normalizePath)
  const got = reported(result)
  const kinds = (xs: string[]) => xs.map((x) => x.split(' ')[0]!)
  const ok =
    mode === 'exact'
      ? JSON.stringify(got) === JSON.stringify(want)
      : mode === 'unordered'
        ? JSON.stringify([...got].sort()) === JSON.stringify([...want].sort())
        : mode === 'subset'
          ? want.every((w) => got.includes(w) || (!w.includes(' ') && kinds(got).includes(w)))
          : JSON.stringify([...kinds(got)].sort()) === JSON.stringify([...kinds(want)].sort())
  return ok ? null : `messages ${JSON.stringify(got)}, expected (${mode}) ${JSON.stringify(want)}`
}

let passed = 0
let differing = 0

describe('avro conformance', () => {
  it.each(vectors.map((v) => [v.id, v] as const))('%s', (id, v) => {
    const problem = mismatch(v)
    if (known.has(id)) {
      differing++
      // A listed vector must still differ, so the list stays honest.
      expect(problem, `${id} is listed in known-differences.md but now passes`).not.toBeNull()
      return
    }
    expect(problem).toBeNull()
    passed++
  })

  const texts = [...new Set(vectors.filter((v) => !v.references).flatMap((v) => [...v.previous, v.candidate]))]
  it.each(texts.map((t) => [t.slice(0, 60), t] as const))('prints %s stably in both forms', (_label, text) => {
    const parsed = avroFormat.parse(text, [], 'stored')
    for (const normalize of [false, true]) {
      const printed = avroFormat.canonicalize(parsed, { normalize })
      const again = avroFormat.parse(printed, [], 'stored')
      expect(avroFormat.canonicalize(again, { normalize })).toBe(printed)
      expect(avroFormat.equivalent(again, parsed)).toBe(true)
    }
  })

  afterAll(() => {
    console.log(`avro conformance: ${passed}/${vectors.length} pass, ${differing} known differences`)
  })
})

import { afterAll, describe, expect, it } from 'vitest'
import { jsonSchemaDifferences, jsonSchemaFormat } from '../../src/formats/jsonschema/index.js'
import { evaluate, knownDifferences, loadVectors, resolveVectorRefs, type Vector } from './vectors.js'

const vectors = loadVectors('jsonschema.jsonl')
const known = knownDifferences('JSON Schema')

/** The full difference list Confluent's SchemaDiff reports for the vector's latest pair (STRICT). */
function reportedMessages(v: Vector): string[] {
  const refs = resolveVectorRefs(v.references, v.schemaType)
  const candidate = jsonSchemaFormat.parse(v.candidate, refs, 'stored')
  const latest = v.previous.length - 1
  const prevRefs = resolveVectorRefs(v.previousReferences?.[latest] ?? v.references, v.schemaType)
  const previous = jsonSchemaFormat.parse(v.previous[latest]!, prevRefs, 'stored')
  return jsonSchemaDifferences(candidate, previous).map((d) => `${d.type} ${d.path}`)
}

function messagesAgree(v: Vector): boolean {
  if (!v.expectedMessages) return true
  const got = reportedMessages(v)
  const want = v.expectedMessages
  switch (v.expectedMessagesMatch ?? 'exact') {
    case 'exact':
      return JSON.stringify(got) === JSON.stringify(want)
    case 'unordered':
      return JSON.stringify([...got].sort()) === JSON.stringify([...want].sort())
    case 'subset':
      return want.every((m) => got.includes(m))
    case 'kinds-only': {
      const kinds = got.map((m) => m.split(' ')[0])
      return want.every((m) => kinds.includes(m.split(' ')[0]))
    }
  }
}

interface Outcome {
  strict: boolean
  lenient: boolean | undefined
  messages: boolean
}

function run(v: Vector): Outcome {
  const strict = evaluate(jsonSchemaFormat, v, { policy: 'STRICT' }).compatible === v.expected
  const lenient =
    v.expectedLenient === undefined
      ? undefined
      : evaluate(jsonSchemaFormat, v, { policy: 'LENIENT' }).compatible === v.expectedLenient
  return { strict, lenient, messages: messagesAgree(v) }
}

const passes = (o: Outcome) => o.strict && o.lenient !== false && o.messages
let strictPassed = 0
let lenientPassed = 0
const lenientTotal = vectors.filter((v) => v.expectedLenient !== undefined).length

describe('JSON Schema conformance (jsonschema.jsonl)', () => {
  it('has every known difference in the corpus', () => {
    const ids = new Set(vectors.map((v) => v.id))
    expect([...known.keys()].filter((id) => !ids.has(id))).toEqual([])
  })

  it.each(vectors.filter((v) => !known.has(v.id)).map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const outcome = run(v)
    if (outcome.strict) strictPassed++
    if (outcome.lenient) lenientPassed++
    expect({ ...outcome, messages: outcome.messages ? true : reportedMessages(v) }).toEqual({
      strict: true,
      lenient: v.expectedLenient === undefined ? undefined : true,
      messages: true,
    })
  })

  it.each([...known].map(([id, reason]) => [id, reason] as const))('%s is a known difference: %s', (id) => {
    const v = vectors.find((x) => x.id === id)!
    const outcome = run(v)
    if (outcome.strict) strictPassed++
    if (outcome.lenient) lenientPassed++
    expect(passes(outcome)).toBe(false)
  })
})

afterAll(() => {
  console.log(
    `jsonschema conformance: STRICT ${strictPassed}/${vectors.length}, LENIENT ${lenientPassed}/${lenientTotal}, ${known.size} known differences`,
  )
  for (const [id, reason] of known) console.log(`  known difference ${id}: ${reason}`)
})

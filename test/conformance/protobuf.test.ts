import { afterAll, describe, expect, it } from 'vitest'
import { protobufFormat, diffSchemas, type ProtobufSchema } from '../../src/formats/protobuf/index.js'
import { evaluate, knownDifferences, loadVectors, resolveVectorRefs, type Vector } from './vectors.js'

const vectors = loadVectors('protobuf.jsonl')
const known = knownDifferences('Protobuf')
let passed = 0

/** The reported differences of a single-previous vector, as `"<TYPE> <path>"` strings. */
function reported(v: Vector): string[] {
  const parse = (text: string, refs: Vector['references']) =>
    protobufFormat.parse(text, resolveVectorRefs(refs, 'PROTOBUF'), 'stored') as ProtobufSchema
  const original = parse(v.previous.at(-1)!, v.previousReferences?.at(-1) ?? v.references)
  const update = parse(v.candidate, v.references)
  return diffSchemas(original, update).map((d) => `${d.type} ${d.path}`)
}

function messagesMatch(v: Vector): boolean {
  if (!v.expectedMessages || v.id.startsWith('kp-')) return true
  const got = reported(v)
  const want = v.expectedMessages
  switch (v.expectedMessagesMatch ?? 'exact') {
    case 'exact':
      return JSON.stringify(got) === JSON.stringify(want)
    case 'unordered':
      return JSON.stringify([...got].sort()) === JSON.stringify([...want].sort())
    case 'subset':
      return want.every((w) => got.includes(w))
    case 'kinds-only':
      return want.every((w) => got.some((g) => g.split(' ')[0] === w.split(' ')[0]))
  }
}

function passes(v: Vector): boolean {
  return evaluate(protobufFormat, v).compatible === v.expected && messagesMatch(v)
}

describe('protobuf conformance', () => {
  it('has every known difference in the corpus', () => {
    const ids = new Set(vectors.map((v) => v.id))
    expect([...known.keys()].filter((id) => !ids.has(id))).toEqual([])
  })

  it.each(vectors.filter((v) => !known.has(v.id)).map((v) => [v.id, v] as const))('%s', (_id, v) => {
    expect(evaluate(protobufFormat, v).compatible).toBe(v.expected)
    // Karapace's modification names are not Confluent's difference names; their verdicts are checked.
    if (v.expectedMessages && !v.id.startsWith('kp-')) {
      const got = reported(v)
      const want = v.expectedMessages
      switch (v.expectedMessagesMatch ?? 'exact') {
        case 'exact':
          expect(got).toEqual(want)
          break
        case 'unordered':
          expect([...got].sort()).toEqual([...want].sort())
          break
        case 'subset':
          expect(got).toEqual(expect.arrayContaining(want))
          break
        case 'kinds-only':
          expect(got.map((g) => g.split(' ')[0])).toEqual(expect.arrayContaining(want.map((w) => w.split(' ')[0])))
          break
      }
    }
    passed++
  })

  it.each([...known].map(([id, reason]) => [id, reason] as const))('%s still differs (known: %s)', (id) => {
    const v = vectors.find((x) => x.id === id)!
    expect(passes(v)).toBe(false)
  })

  afterAll(() => {
    console.log(`protobuf conformance: ${passed}/${vectors.length} pass, ${known.size} known differences`)
  })
})

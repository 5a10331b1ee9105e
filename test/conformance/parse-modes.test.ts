import { describe, expect, it } from 'vitest'
import type { SchemaType } from '../../src/formats/format.js'
import { formatFor } from '../../src/formats/index.js'
import { DEFAULT_OPTIONS, RegistryCore } from '../../src/registry/core.js'
import { canonicalForms, type SchemaSource } from '../../src/registry/prepare.js'
import { RegistryState } from '../../src/store/state.js'
import { loadVectors, resolveVectorRefs } from './vectors.js'

// `SchemaFormat.parse`: 'stored' only ever accepts more than 'new', and a text that parses as
// 'new' parses as 'stored' to the same schema. The parse threads rely on it to answer both forms
// of a registration with one parse; every schema text of the corpus is held to it here.

const FILES: [string, SchemaType][] = [
  ['avro.jsonl', 'AVRO'],
  ['protobuf.jsonl', 'PROTOBUF'],
  ['jsonschema.jsonl', 'JSON'],
]

for (const [file, type] of FILES) {
  describe(`${type}: 'new' and 'stored' parses agree`, () => {
    const format = formatFor(type)!
    const texts = new Map<string, ReturnType<typeof resolveVectorRefs>>()
    for (const v of loadVectors(file)) {
      texts.set(v.candidate, resolveVectorRefs(v.references, type))
      v.previous.forEach((p, i) => texts.set(p, resolveVectorRefs(v.previousReferences?.[i] ?? v.references, type)))
    }

    it('gives the same canonical forms and element count for every text that parses strictly', () => {
      let strict = 0
      for (const [text, refs] of texts) {
        let parsed: ReturnType<typeof format.parse>
        try {
          parsed = format.parse(text, refs, 'new')
        } catch {
          continue
        }
        strict++
        const lenient = format.parse(text, refs, 'stored')
        for (const normalize of [false, true]) {
          expect(format.canonicalize(lenient, { normalize }), text).toBe(format.canonicalize(parsed, { normalize }))
        }
        expect(format.elementCount(lenient)).toBe(format.elementCount(parsed))
      }
      console.log(`${type}: ${strict} of ${texts.size} corpus texts parse strictly; both modes agree on each`)
      expect(strict).toBeGreaterThan(texts.size / 2)
    })
  })
}

describe('canonicalForms', () => {
  const core = new RegistryCore({ store: new RegistryState(), formatFor, now: Date.now, options: DEFAULT_OPTIONS })
  const source = (text: string, mode: 'new' | 'stored'): SchemaSource => ({
    type: 'AVRO',
    text,
    refs: [],
    mode,
    normalize: false,
  })

  it('answers both modes from one strict parse, and parses leniently what fails strictly', () => {
    const good = '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}'
    // An invalid default: refused for a new version, loaded when stored.
    const lenientOnly = '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}'
    expect(canonicalForms(core, [source(good, 'stored'), source(good, 'new')])).toEqual([good, good])
    expect(canonicalForms(core, [source(lenientOnly, 'stored'), source(lenientOnly, 'new')])).toEqual([
      lenientOnly,
      null,
    ])
    expect(canonicalForms(core, [source('{"type":', 'stored'), source('{"type":', 'new')])).toEqual([null, null])
    // A strict parse of another text answers nothing for this one.
    expect(canonicalForms(core, [source(lenientOnly, 'stored'), source(good, 'new')])).toEqual([lenientOnly, good])
  })
})

import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { avroFormat } from '../../../src/formats/avro/index.js'
import { AVRO_RULES } from '../../../src/formats/avro/rules/walk.js'

const ROOT = dirname(fileURLToPath(import.meta.url))

interface Expected {
  backward: { rule: string; path: string }[]
  forward: { rule: string; path: string }[]
}

/** `<RULE_ID>/<case>/` directories, each with old.avsc, new.avsc and expected.json. */
const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((rule) =>
    readdirSync(join(ROOT, rule.name), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((c) => `${rule.name}/${c.name}`),
  )
  .sort()

const read = (dir: string, file: string) => readFileSync(join(ROOT, dir, file), 'utf8')
const found = (reader: string, writer: string) =>
  avroFormat
    .checkCompatibility(avroFormat.parse(reader, [], 'new'), avroFormat.parse(writer, [], 'new'))
    .map(({ rule, path }) => ({ rule, path }))

describe('avro compatibility rules', () => {
  it.each(cases)('%s', (dir) => {
    const [oldText, newText] = [read(dir, 'old.avsc'), read(dir, 'new.avsc')]
    const expected = JSON.parse(read(dir, 'expected.json')) as Expected
    expect({ backward: found(newText, oldText), forward: found(oldText, newText) }).toEqual(expected)
  })

  it('has a compatible case and a case reporting the rule, for every rule', () => {
    for (const { id } of AVRO_RULES) {
      const expected = cases
        .filter((c) => c.startsWith(`${id}/`))
        .map((c) => JSON.parse(read(c, 'expected.json')) as Expected)
      const all = expected.flatMap((e) => [e.backward, e.forward])
      expect(
        all.some((vs) => vs.length === 0),
        `${id} compatible`,
      ).toBe(true)
      expect(
        all.some((vs) => vs.some((v) => v.rule === id)),
        `${id} reported`,
      ).toBe(true)
    }
  })
})

import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { ResolvedRef } from '../../../src/formats/format.js'
import { jsonSchemaFormat } from '../../../src/formats/jsonschema/index.js'

/**
 * One directory per case, named `<RULE_ID>` or `<RULE_ID>--<variant>`: `old.json`, `new.json`,
 * optional `refs.json` (`{old, new}` lists of `{name, schema}`), and `expected.json` with the
 * violations (`"<rule> <path>"`) per direction under STRICT, plus `lenient` when LENIENT differs.
 */
const root = dirname(fileURLToPath(import.meta.url))
const cases = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()

interface Expected {
  backward: string[]
  forward: string[]
  lenient?: { backward: string[]; forward: string[] }
}

const read = (dir: string, file: string) => readFileSync(join(root, dir, file), 'utf8')

function refsOf(dir: string, side: 'old' | 'new'): ResolvedRef[] {
  if (!existsSync(join(root, dir, 'refs.json'))) return []
  const refs = JSON.parse(read(dir, 'refs.json')) as Record<string, { name: string; schema: string }[]>
  return (refs[side] ?? []).map((r, i) => ({ ...r, subject: r.name, version: i + 1, schemaType: 'JSON' as const }))
}

describe('JSON Schema compatibility rules (test/compat/jsonschema)', () => {
  it.each(cases)('%s', (dir) => {
    const old = jsonSchemaFormat.parse(read(dir, 'old.json'), refsOf(dir, 'old'), 'new')
    const next = jsonSchemaFormat.parse(read(dir, 'new.json'), refsOf(dir, 'new'), 'new')
    const expected = JSON.parse(read(dir, 'expected.json')) as Expected
    const check = (reader: typeof old, writer: typeof old, policy: string) =>
      jsonSchemaFormat.checkCompatibility(reader, writer, { policy }).map((v) => `${v.rule} ${v.path}`)
    expect({ backward: check(next, old, 'STRICT'), forward: check(old, next, 'STRICT') }).toEqual({
      backward: expected.backward,
      forward: expected.forward,
    })
    const lenient = expected.lenient ?? { backward: expected.backward, forward: expected.forward }
    expect({ backward: check(next, old, 'LENIENT'), forward: check(old, next, 'LENIENT') }).toEqual(lenient)
  })
})

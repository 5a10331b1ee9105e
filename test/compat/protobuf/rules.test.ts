import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { diffSchemas, protobufFormat, type ProtobufSchema } from '../../../src/formats/protobuf/index.js'
import { DIFFERENCES } from '../../../src/formats/protobuf/rules/differences.js'

interface Expected {
  /** Every difference from old to new, compatible ones included. */
  differences: string[]
  /** Violations of check(reader = new, writer = old). */
  backward: string[]
  /** Violations of check(reader = old, writer = new). */
  forward: string[]
  policy?: 'WIRE_JSON'
  metadata?: { old?: Record<string, unknown>; new?: Record<string, unknown> }
}

const here = dirname(fileURLToPath(import.meta.url))

function caseDirs(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (!e.isDirectory()) return []
    const sub = join(dir, e.name)
    return existsSync(join(sub, 'expected.json')) ? [sub] : caseDirs(sub)
  })
}

const cases = caseDirs(here).map((dir) => {
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected
  const load = (side: 'old' | 'new'): ProtobufSchema => {
    const parsed = protobufFormat.parse(readFileSync(join(dir, `${side}.proto`), 'utf8'), [], 'new')
    const metadata = expected.metadata?.[side]
    return metadata ? { ...parsed, metadata } : parsed
  }
  return { name: relative(here, dir), old: load('old'), new: load('new'), expected }
})

const show = (vs: { rule: string; path: string }[]) => vs.map((v) => `${v.rule} ${v.path}`)

describe('protobuf compatibility rules', () => {
  it('has a compatible and an incompatible case for every rule', () => {
    const names = new Set(cases.map((c) => c.name))
    const missing = Object.keys(DIFFERENCES).flatMap((rule) =>
      ['compatible', 'incompatible'].filter((kind) => !names.has(join(rule, kind))).map((kind) => `${rule}/${kind}`),
    )
    expect(missing).toEqual([])
  })

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const policy = c.expected.policy
    expect(diffSchemas(c.old, c.new, policy ?? 'DEFAULT').map((d) => `${d.type} ${d.path}`)).toEqual(
      c.expected.differences,
    )
    expect(show(protobufFormat.checkCompatibility(c.new, c.old, { policy, direction: 'backward' }))).toEqual(
      c.expected.backward,
    )
    expect(show(protobufFormat.checkCompatibility(c.old, c.new, { policy, direction: 'forward' }))).toEqual(
      c.expected.forward,
    )
  })
})

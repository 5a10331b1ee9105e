// Compatibility checks and parses at sizes an attacker or a long history reaches. Each shape is
// timed at n and at n/2 in the same run: a ratio near 2 means linear, near 4 quadratic.
import { checkLevel, type CompatibilityLevel } from '../src/compat/levels.js'
import { formatFor } from '../src/formats/index.js'
import type { SchemaType } from '../src/formats/format.js'
import { createRegistry } from '../src/registry/registry.js'
import { MemoryStore } from '../src/store/memory/memory-store.js'

const field = (i: number, type: unknown = 'string') => ({ name: `f${i}`, type, default: type === 'string' ? '' : null })
const record = (name: string, n: number) => ({
  type: 'record',
  name,
  fields: Array.from({ length: n }, (_, i) => field(i)),
})

interface Shape {
  readonly name: string
  readonly n: number
  readonly type: SchemaType
  /** [old, new] schema texts at size n. */
  readonly texts: (n: number) => [string, string]
}

const SHAPES: Shape[] = [
  {
    name: 'Avro union of n named types',
    n: 2000,
    type: 'AVRO',
    texts: (n) => {
      const union = (k: number) => Array.from({ length: k }, (_, i) => record(`R${i}`, 1))
      return [JSON.stringify(union(n)), JSON.stringify(union(n))]
    },
  },
  {
    name: 'Avro enum of n symbols',
    n: 65536,
    type: 'AVRO',
    texts: (n) => {
      const symbols = Array.from({ length: n }, (_, i) => `S${i}`)
      return [
        JSON.stringify({ type: 'enum', name: 'E', symbols }),
        JSON.stringify({ type: 'enum', name: 'E', symbols: [...symbols].reverse() }),
      ]
    },
  },
  {
    name: 'Avro record of n fields',
    n: 16384,
    type: 'AVRO',
    texts: (n) => [
      JSON.stringify(record('R', n)),
      JSON.stringify({ ...record('R', n), fields: record('R', n).fields.reverse() }),
    ],
  },
  {
    name: 'Protobuf message of n fields',
    n: 8000,
    type: 'PROTOBUF',
    texts: (n) => {
      const body = (k: number) => Array.from({ length: k }, (_, i) => `  string f${i} = ${i + 1};`).join('\n')
      const proto = `syntax = "proto3";\nmessage M {\n${body(n)}\n}\n`
      return [proto, proto]
    },
  },
]

function time(fn: () => void): number {
  const start = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - start) / 1e6
}

function parseAndCheck(shape: Shape, n: number): number {
  const format = formatFor(shape.type)!
  const [oldText, newText] = shape.texts(n)
  return time(() => {
    const older = format.parse(oldText, [], 'stored')
    const newer = format.parse(newText, [], 'new')
    const level: CompatibilityLevel = 'FULL'
    checkLevel(format, level, newer, [{ version: 1, schema: older, canonical: oldText }])
  })
}

/** A subject with `versions` versions whose records grow by one field each up to `fields`. */
async function history(
  versions: number,
  fields: number,
): Promise<{ first: number; again: number; stall: number; sliced: number }> {
  const registry = createRegistry({ store: new MemoryStore() })
  await registry.putConfig('h', { compatibility: 'NONE' })
  for (let v = 1; v <= versions; v++) {
    const n = Math.max(1, Math.round((v * fields) / versions))
    await registry.register(
      'h',
      { schema: JSON.stringify({ ...record('H', n), fields: [...record('H', n).fields, field(100_000 + v)] }) },
      {},
    )
  }
  await registry.putConfig('h', { compatibility: 'FULL_TRANSITIVE' })
  const candidate = { schema: JSON.stringify(record('H', fields)) }
  const first = time(() => registry.testCompatibility('h', undefined, candidate, {}))
  const again = time(() => registry.testCompatibility('h', undefined, candidate, {}))
  // The longest the event loop waited during one check: run as the HTTP route runs it
  // (yielding), against the same check run in one go.
  const stall = await longestWait(async () => void registry.testCompatibility('h', undefined, candidate, {}))
  const sliced = await longestWait(
    async () => void (await registry.testCompatibilityYielding('h', undefined, candidate, {})),
  )
  return { first, again, stall, sliced }
}

/** The longest gap between 1 ms timer ticks while `work` runs: how long other requests would wait. */
async function longestWait(work: () => Promise<void>): Promise<number> {
  let last = performance.now()
  let worst = 0
  const timer = setInterval(() => {
    const now = performance.now()
    worst = Math.max(worst, now - last)
    last = now
  }, 1)
  await new Promise((resolve) => setTimeout(resolve, 5))
  last = performance.now()
  await work()
  await new Promise((resolve) => setTimeout(resolve, 5))
  clearInterval(timer)
  return worst
}

export async function runCompatScaleBench(): Promise<void> {
  console.log('\ncompatibility and parse at scale (parse both + FULL check; ms at n/2 and n, ratio):')
  for (const shape of SHAPES) {
    const half = parseAndCheck(shape, shape.n / 2)
    const full = parseAndCheck(shape, shape.n)
    console.log(
      `  ${shape.name.padEnd(32)} n=${String(shape.n).padEnd(6)} ${half.toFixed(0).padStart(6)} ms → ${full.toFixed(0).padStart(6)} ms  ratio ${(full / half).toFixed(2)}`,
    )
  }
  for (const [versions, fields] of [
    [1000, 30],
    [500, 1000],
    [1000, 1000],
  ] as const) {
    const { first, again, stall, sliced } = await history(versions, fields)
    console.log(
      `  FULL_TRANSITIVE, ${versions} versions up to ${fields} fields: first check ${first.toFixed(1)} ms, next ${again.toFixed(1)} ms;` +
        ` longest event-loop wait ${stall.toFixed(1)} ms in one go, ${sliced.toFixed(1)} ms sliced`,
    )
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runCompatScaleBench()

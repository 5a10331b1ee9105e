/**
 * The FULL_TRANSITIVE check of a 30-field record against 1,000 stored versions, through the
 * public compatibility engine, beside the check against one version measured in the same run.
 */
import { checkLevel, formatFor } from '../src/index.js'
import { median, spread } from './children.js'

const VERSIONS = 1000
const RUNS = Number(process.env.BENCH_CHECK_RUNS ?? 15)
const GOAL_MS = 20

const optional = (name: string) => ({ name, type: ['null', 'string'], default: null })
const record = (names: string[]) =>
  JSON.stringify({ type: 'record', name: 'Wide', namespace: 'com.acme', fields: names.map(optional) })
const base = Array.from({ length: 29 }, (_, i) => `f${i}`)

export async function runCompatBench(): Promise<{ ms: number; oneMs: number }> {
  const avro = formatFor('AVRO')!
  const priors = Array.from({ length: VERSIONS }, (_, v) => {
    const canonical = record([...base, `extra_${v}`])
    return { version: v + 1, schema: avro.parse(canonical, [], 'stored'), canonical }
  })
  const candidate = avro.parse(record([...base, 'f29']), [], 'new')
  const time = (list: typeof priors) => {
    const out: number[] = []
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now()
      const result = checkLevel(avro, 'FULL_TRANSITIVE', candidate, list)
      out.push(performance.now() - t0)
      if (!result.compatible) throw new Error('the bench schemas should be compatible')
    }
    return out
  }
  time(priors.slice(0, 50))
  const all = time(priors)
  const one = time(priors.slice(-1))
  console.log(
    `\ncompatibility: FULL_TRANSITIVE, 30-field Avro record against ${VERSIONS} versions, median (min–max) of ${RUNS} runs`,
  )
  console.table([
    {
      figure: `check against ${VERSIONS} versions, ms`,
      median: median(all).toFixed(1),
      spread: spread(all, 1),
      ceiling: `goal < ${GOAL_MS} ms; against 1 version: ${median(one).toFixed(2)} ms (×${VERSIONS} = ${(median(one) * VERSIONS).toFixed(0)} ms)`,
    },
  ])
  return { ms: median(all), oneMs: median(one) }
}

if (import.meta.url === `file://${process.argv[1]}`) await runCompatBench()

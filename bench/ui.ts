// The web UI's subject list with 10,000 subjects: server time per page against the API's plain
// `GET /subjects` of the same registry (the baseline, same run), and Chromium's first contentful
// paint of `/ui` when a Chromium is installed.
import { performance } from 'node:perf_hooks'
import type { Browser } from 'playwright-core'
import { buildApp } from '../src/http/app.js'
import { createRegistry } from '../src/registry/registry.js'
import { MemoryStore } from '../src/store/memory/memory-store.js'

const SUBJECTS = Number(process.env.BENCH_UI_SUBJECTS ?? 10_000)
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 15)

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function time(url: string): Promise<{ ms: number; bytes: number }> {
  const runs: number[] = []
  let bytes = 0
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    const res = await fetch(url)
    const body = await res.text()
    runs.push(performance.now() - start)
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`)
    bytes = body.length
  }
  return { ms: median(runs), bytes }
}

export async function runUiBench(): Promise<void> {
  const registry = createRegistry({ store: new MemoryStore() })
  const types = ['AVRO', 'PROTOBUF', 'JSON'] as const
  const schemas = {
    AVRO: (i: number) => JSON.stringify({ type: 'record', name: `R${i}`, fields: [{ name: 'a', type: 'string' }] }),
    PROTOBUF: (i: number) => `syntax = "proto3";\nmessage M${i} { string a = 1; }\n`,
    JSON: (i: number) => JSON.stringify({ type: 'object', title: `T${i}`, properties: { a: { type: 'string' } } }),
  }
  for (let i = 0; i < SUBJECTS; i++) {
    const schemaType = types[i % 3]!
    await registry.register(`team-${i % 50}.topic-${i}-value`, { schema: schemas[schemaType](i), schemaType }, {})
  }
  const app = await buildApp({ registry })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  try {
    const baseline = await time(`${base}/subjects`)
    const pages: Record<string, string> = {
      'first page': '/ui',
      'page 100': '/ui?page=100',
      'search (contains)': '/ui?q=topic-99',
      'search (prefix)': '/ui?q=team-7.&match=prefix',
      'type filter': '/ui?type=PROTOBUF',
    }
    console.log(
      `\nWeb UI subject list, ${SUBJECTS} subjects (median of ${RUNS}; baseline GET /subjects ${baseline.ms.toFixed(1)} ms, ${baseline.bytes} B)`,
    )
    for (const [name, path] of Object.entries(pages)) {
      const r = await time(base + path)
      console.log(
        `  ${name.padEnd(18)} ${r.ms.toFixed(1).padStart(7)} ms  ${String(r.bytes).padStart(7)} B  ${(r.ms / baseline.ms).toFixed(2)}× baseline`,
      )
    }
    await firstPaint(base)
  } finally {
    await app.close()
  }
}

/** First contentful paint of /ui in headless Chromium, when one is installed. */
async function firstPaint(base: string): Promise<void> {
  let browser: Browser
  try {
    const { launchChromium } = await import('../test/ui/browser.js')
    browser = await launchChromium()
  } catch (e) {
    console.log(`  first paint: skipped (no Chromium: ${(e as Error).message.split('\n')[0]})`)
    return
  }
  try {
    const paints: number[] = []
    for (let i = 0; i < 5; i++) {
      const context = await browser.newContext()
      const page = await context.newPage()
      await page.goto(`${base}/ui`, { waitUntil: 'load' })
      // Headless Chromium may record the paint after `load`: wait for the entry (5 s at most).
      paints.push(
        await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              new PerformanceObserver((list) => {
                const paint = list.getEntriesByName('first-contentful-paint')[0]
                if (paint) resolve(paint.startTime)
              }).observe({ type: 'paint', buffered: true })
              setTimeout(() => resolve(Number.NaN), 5000)
            }),
        ),
      )
      await context.close()
    }
    console.log(
      `  first contentful paint of /ui in Chromium: ${median(paints).toFixed(0)} ms (median of 5, cold cache)`,
    )
  } finally {
    await browser.close()
  }
}

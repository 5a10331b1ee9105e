// `npm run bench`: every benchmark, each comparing against a baseline measured in the same run.
import { existsSync } from 'node:fs'
import { runRegistryBench } from './registry.js'

await runRegistryBench()

type Bench = { file: string; fn: string }
const others: Bench[] = [
  { file: './writes.ts', fn: 'runWriteBench' },
  { file: './compat.ts', fn: 'runCompatBench' },
  { file: './bulk.ts', fn: 'runBulkBench' },
  { file: './kafka-writes.ts', fn: 'runKafkaWriteBench' },
  { file: './serde.ts', fn: 'runSerdeBench' },
  { file: './rules.ts', fn: 'runRulesBench' },
  { file: './cold-start.ts', fn: 'runColdStartBench' },
  { file: './compat-scale.ts', fn: 'runCompatScaleBench' },
  { file: './ui.ts', fn: 'runUiBench' },
]
for (const { file, fn } of others) {
  if (!existsSync(new URL(file, import.meta.url))) continue
  const mod = (await import(file)) as Record<string, () => Promise<unknown>>
  await mod[fn]!()
}

/**
 * Bulk import and export of N (default 100,000) 10-field Avro schemas, one subject and version
 * each, through the built CLI against the built registry on a SQLite file, beside ceilings
 * measured in the same run: the commands' own client sending the same requests, as many in
 * flight, to a bare fastify route (bench/bare-transfer.ts), and bare SQLite writing the rows in
 * batches of that size (bench/bare-sqlite.ts). Then the registry's resident memory and cold
 * start with 100,000 such schemas (written straight into the file, so this part does not wait
 * on the import), beside an empty registry's measured in the same run.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeDump, type Dump, type DumpSchema } from '../src/cli/dump.js'
import { TRANSFER_CONCURRENCY } from '../src/cli/transfer/in-parallel.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'
import { load, ROOT, runScript, startChild, startRegistry } from './children.js'

const SCHEMAS = Number(process.env.BENCH_IMPORT_SCHEMAS ?? 100_000)
const LOADED = 100_000
/** Schemas read back over HTTP after the restart, to fill the read caches. */
const READ_BACK = Number(process.env.BENCH_READ_BACK ?? 10_000)
const IMPORT_GOAL = 5000
/** Requests `export` makes per subject against Registrum: the version list, each version, config and mode. */
const EXPORT_READS_PER_SUBJECT = 4
/** GETs the export ceiling sends (fewer than an export's, to keep the bench short). */
const BARE_GETS = Math.min(SCHEMAS * EXPORT_READS_PER_SUBJECT, 100_000)
const MEMORY_GOAL_MIB = 300

export interface BulkBenchResult {
  /** Through Registrum's bulk routes (the commands' default against Registrum). */
  readonly importPerSec: number
  readonly exportPerSec: number
  /** With `--one-by-one`: the plain Confluent calls, as against any other registry. */
  readonly importOneByOnePerSec: number
  readonly exportOneByOnePerSec: number
  /** The same registrations and reads through the registry's own calls in one process, no HTTP. */
  readonly bareRegistryImportPerSec: number
  readonly bareRegistryExportPerSec: number
  /** The same registrations, same client and concurrency, to a bare route: requests/s. */
  readonly bareImportPerSec: number
  /** GETs/s of the same client to a bare route; an export needs 4 per subject. */
  readonly bareGetsPerSec: number
  /** Bare SQLite, schema-sized rows in transactions of the import's concurrency (2 rows each). */
  readonly bareSqliteRowsPerSec: number
  readonly emptyRssMiB: number
  readonly loadedRssMiB: number
  readonly readRssMiB: number
  readonly coldStartMs: number
  readonly emptyColdStartMs: number
}

function cli(args: string[]): Promise<number> {
  const t0 = performance.now()
  const child = spawn(process.execPath, ['bin/registrum.js', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let err = ''
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()))
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`registrum ${args[0]}: ${code} ${err}`)),
    ),
  )
}

/** CPU seconds (user + system, all threads) a process has used, from /proc (100 ticks a second). */
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024

async function timedStart(db: string) {
  const t0 = performance.now()
  const registry = await startRegistry(db)
  return { registry, ms: performance.now() - t0 }
}

function schema(i: number): DumpSchema {
  const fields = Array.from({ length: 10 }, (_, f) => ({ name: `field_${f}`, type: f % 2 ? 'string' : 'long' }))
  return {
    kind: 'schema',
    subject: `bulk-${i}-value`,
    version: 1,
    id: i + 1,
    schemaType: 'AVRO',
    schema: JSON.stringify({ type: 'record', name: `Bulk${i}`, namespace: 'com.acme.bulk', fields }),
    references: [],
    deleted: false,
  }
}

export async function runBulkBench(): Promise<BulkBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'registrum-bench-bulk-'))
  try {
    const dump: Dump = {
      header: { kind: 'registrum-export', formatVersion: 1, source: 'bench', exportedAt: new Date().toISOString() },
      configs: [],
      modes: [],
      schemas: Array.from({ length: SCHEMAS }, (_, i) => schema(i)),
    }
    const file = join(dir, 'in.jsonl')
    writeDump(dump, file, 'jsonl')
    const rate = (line: string) => (JSON.parse(line) as { rate: number }).rate
    const bareServer = await startChild('node', [
      '--import',
      'tsx',
      'bench/bare-server.ts',
      JSON.stringify({ version: 1, id: 1, schemaType: 'AVRO', schema: dump.schemas[0]!.schema }),
    ])
    let bareImportPerSec: number
    let bareGetsPerSec: number
    try {
      const transfer = (spec: object) =>
        runScript('bench/bare-transfer.ts', [
          JSON.stringify({ url: bareServer.url, concurrency: TRANSFER_CONCURRENCY, ...spec }),
        ]).then(rate)
      bareImportPerSec = await transfer({ kind: 'post', file })
      bareGetsPerSec = await transfer({ kind: 'get', count: BARE_GETS })
    } finally {
      bareServer.child.kill()
    }
    const bareSqliteRowsPerSec = rate(await runScript('bench/bare-sqlite.ts', ['3', String(2 * TRANSFER_CONCURRENCY)]))
    const bareRegistry = JSON.parse(await runScript('bench/bare-registry.ts', [file])) as {
      importRate: number
      exportRate: number
    }
    /** Import into an empty registry, then export it: ms each, and the registry's CPU seconds each. */
    const transfer = async (db: string, flags: string[]) => {
      const started = await timedStart(db)
      const pid = started.registry.child.pid!
      const rssAtStart = rssMiB(pid)
      try {
        const cpu0 = cpuSeconds(pid)
        const importMs = await cli(['import', file, '-r', started.registry.url, ...flags])
        const cpu1 = cpuSeconds(pid)
        const exportMs = await cli(['export', join(dir, 'out.jsonl'), '-r', started.registry.url, ...flags])
        const exportCpu = cpuSeconds(pid) - cpu1
        return { started, rssAtStart, importMs, exportMs, importCpu: cpu1 - cpu0, exportCpu }
      } finally {
        started.registry.child.kill()
      }
    }
    const bulk = await transfer(join(dir, 'bulk.db'), [])
    const { started: empty, rssAtStart: emptyRssMiB, importMs, exportMs, importCpu, exportCpu } = bulk
    const oneByOne = await transfer(join(dir, 'one-by-one.db'), ['--one-by-one'])
    const full = join(dir, 'full.db')
    const seed = new SqliteStore(full)
    await seed.transaction((tx) => {
      for (let i = 0; i < LOADED; i++) {
        const s = schema(i)
        tx.putSchema({
          context: '.',
          id: s.id,
          schemaType: 'AVRO',
          schema: s.schema,
          references: [],
          guid: `bench-${i}`,
        })
        tx.putVersion({ subject: s.subject, version: 1, context: '.', id: s.id, deleted: false, ts: Date.now() })
      }
    })
    await seed.close()
    const loaded = await timedStart(full)
    let loadedRssMiB: number
    let readRssMiB: number
    try {
      loadedRssMiB = rssMiB(loaded.registry.child.pid!)
      await load({
        url: loaded.registry.url,
        kind: 'ids',
        path: '/schemas/ids',
        count: READ_BACK,
        connections: 16,
        seconds: 0,
      })
    } finally {
      readRssMiB = rssMiB(loaded.registry.child.pid!)
      loaded.registry.child.kill()
    }
    const result: BulkBenchResult = {
      importPerSec: SCHEMAS / (importMs / 1000),
      exportPerSec: SCHEMAS / (exportMs / 1000),
      importOneByOnePerSec: SCHEMAS / (oneByOne.importMs / 1000),
      exportOneByOnePerSec: SCHEMAS / (oneByOne.exportMs / 1000),
      bareRegistryImportPerSec: bareRegistry.importRate,
      bareRegistryExportPerSec: bareRegistry.exportRate,
      bareImportPerSec,
      bareGetsPerSec,
      bareSqliteRowsPerSec,
      emptyRssMiB,
      loadedRssMiB,
      readRssMiB,
      coldStartMs: loaded.ms,
      emptyColdStartMs: empty.ms,
    }
    const perHundredK = (mib: number) => ((mib - emptyRssMiB) * 100_000) / LOADED
    console.log(
      `\nbulk: ${SCHEMAS} 10-field Avro schemas (a subject and version each) through registrum import/export, ${TRANSFER_CONCURRENCY} requests in flight, process start and file included; memory and cold start with ${LOADED}; SQLite file, one run`,
    )
    console.table([
      {
        figure: 'import, schemas/s (bulk route)',
        value: Math.round(result.importPerSec),
        ceiling: `the registry's own registerAll, no HTTP: ${Math.round(result.bareRegistryImportPerSec)}/s; bare SQLite ${Math.round(bareSqliteRowsPerSec / 2)}/s (2 rows each, ${TRANSFER_CONCURRENCY} per sync); goal ≥ ${IMPORT_GOAL}`,
      },
      {
        figure: 'import --one-by-one, schemas/s',
        value: Math.round(result.importOneByOnePerSec),
        ceiling: `bare route ${Math.round(bareImportPerSec)}/s, same client and bodies (one request per schema)`,
      },
      {
        figure: 'export, schemas/s (bulk route)',
        value: Math.round(result.exportPerSec),
        ceiling: `the registry's own reads, no HTTP: ${Math.round(result.bareRegistryExportPerSec)}/s; goal ≥ ${IMPORT_GOAL}`,
      },
      {
        figure: 'export --one-by-one, schemas/s',
        value: Math.round(result.exportOneByOnePerSec),
        ceiling: `bare route ${Math.round(bareGetsPerSec)} GETs/s same client, ${EXPORT_READS_PER_SUBJECT} per subject: ${Math.round(bareGetsPerSec / EXPORT_READS_PER_SUBJECT)}/s`,
      },
      {
        figure: 'registry CPU µs per schema, import / export (bulk; one by one)',
        value: `${Math.round((importCpu * 1e6) / SCHEMAS)} / ${Math.round((exportCpu * 1e6) / SCHEMAS)}; ${Math.round((oneByOne.importCpu * 1e6) / SCHEMAS)} / ${Math.round((oneByOne.exportCpu * 1e6) / SCHEMAS)}`,
        ceiling: 'all its threads; what a shared machine cannot distort',
      },
      {
        figure: `resident MiB, ${LOADED} schemas after start`,
        value: Math.round(loadedRssMiB),
        ceiling: `empty ${Math.round(emptyRssMiB)}; +${Math.round(perHundredK(loadedRssMiB))} per 100k (goal ≤ ${MEMORY_GOAL_MIB})`,
      },
      {
        figure: `resident MiB, ${LOADED} schemas after ${READ_BACK} reads by id`,
        value: Math.round(readRssMiB),
        ceiling: `empty ${Math.round(emptyRssMiB)}; +${Math.round(perHundredK(readRssMiB))} per 100k (goal ≤ ${MEMORY_GOAL_MIB})`,
      },
      {
        figure: `cold start to ready, ${LOADED} schemas, ms`,
        value: Math.round(result.coldStartMs),
        ceiling: `empty ${Math.round(result.emptyColdStartMs)} ms`,
      },
    ])
    return result
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runBulkBench()

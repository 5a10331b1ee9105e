import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeDump, type DumpSchema } from '../../src/cli/dump.js'
import { IMPORT_CHUNK } from '../../src/cli/transfer/import.js'
import { startChildServer, type ChildServer } from '../hardening/support/child-server.js'
import { startServer, type TestServer } from '../support/server.js'
import { assertBuilt, run, tempDir } from './cli.js'

beforeAll(assertBuilt)

const header = { kind: 'registrum-export', formatVersion: 1, exportedAt: '2026-01-01T00:00:00.000Z' } as const

/**
 * `chains` chains of `length` Avro records, each referencing the one before it in its chain, the
 * chains interleaved by id so that a referrer is next in line while its reference is in flight.
 */
function chainDump(chains: number, length: number): DumpSchema[] {
  const out: DumpSchema[] = []
  for (let step = 0; step < length; step++) {
    for (let c = 0; c < chains; c++) {
      const name = `com.acme.C${c}S${step}`
      const previous = `com.acme.C${c}S${step - 1}`
      const fields = [{ name: 'n', type: 'long' }, ...(step > 0 ? [{ name: 'previous', type: previous }] : [])]
      out.push({
        kind: 'schema',
        subject: `chain-${c}-${step}`,
        version: 1,
        id: 1000 + out.length,
        schemaType: 'AVRO',
        schema: JSON.stringify({ type: 'record', name, fields }),
        references: step > 0 ? [{ name: previous, subject: `chain-${c}-${step - 1}`, version: 1 }] : [],
        deleted: false,
      })
    }
  }
  return out
}

function flatDump(count: number): DumpSchema[] {
  return Array.from({ length: count }, (_, i) => ({
    kind: 'schema',
    subject: `flat-${i}-value`,
    version: 1,
    id: i + 1,
    schemaType: 'AVRO',
    schema: JSON.stringify({ type: 'record', name: `Flat${i}`, fields: [{ name: 'f', type: 'string' }] }),
    references: [],
    deleted: false,
  }))
}

const get = async (url: string, path: string) => {
  const r = await fetch(`${url}${path}`)
  return { status: r.status, body: (await r.json()) as unknown }
}

describe('registrum import with many requests in flight', () => {
  const { dir, cleanup } = tempDir('registrum-cli-import-concurrency-')
  let target: TestServer | undefined
  let child: ChildServer | undefined
  afterAll(async () => {
    await target?.close()
    if (child && child.child.exitCode === null && child.child.signalCode === null) {
      child.child.kill('SIGKILL')
      await child.exited
    }
    cleanup()
  })

  it('registers every version after the versions it references, with the exported ids', async () => {
    const schemas = chainDump(40, 8)
    const file = join(dir, 'chains.jsonl')
    writeDump({ header, configs: [], modes: [], schemas }, file, 'jsonl')
    target = await startServer()
    const r = await run(['import', file, '-r', target.url, '--concurrency', '64'])
    expect(r.stderr).toContain(
      `${schemas.length} versions: ${schemas.length} imported, 0 skipped (already there), 0 failed`,
    )
    expect(r.code).toBe(0)
    for (const s of schemas.filter((_, i) => i % 7 === 0 || i >= schemas.length - 40)) {
      const v = await get(target.url, `/subjects/${s.subject}/versions/1`)
      expect(v.status).toBe(200)
      const view = v.body as { id: number; version: number; references?: unknown[] }
      expect({ id: view.id, version: view.version, references: view.references ?? [] }).toEqual({
        id: s.id,
        version: 1,
        references: s.references,
      })
    }
  }, 60_000)

  it('into a registry that holds other schemas, refuses each conflict by name and imports the rest', async () => {
    const other = await startServer()
    try {
      const send = (method: string, path: string, body: unknown) =>
        fetch(`${other.url}${path}`, {
          method,
          headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
          body: JSON.stringify(body),
        }).then((r) => r.json() as Promise<{ id: number }>)
      const post = (subject: string, body: object) => send('POST', `/subjects/${subject}/versions`, body)
      // The target's own schemas take ids 1 and 2; the dump has flat-0-value with id 1 (another
      // schema) and flat-1-value, which the target holds as version 1 with id 2 (another schema).
      expect((await post('mine-value', { schema: '"string"' })).id).toBe(1)
      expect((await post('flat-1-value', { schema: '"int"' })).id).toBe(2)
      // flat-2-value is there with its id, the dump's text spaced otherwise: the same schema.
      const schemas = flatDump(6)
      await send('PUT', '/mode?force=true', { mode: 'IMPORT' })
      expect((await post('flat-2-value', { schema: schemas[2]!.schema, id: 3, version: 1 })).id).toBe(3)
      await send('PUT', '/mode', { mode: 'READWRITE' })
      schemas[2] = { ...schemas[2]!, schema: JSON.stringify(JSON.parse(schemas[2]!.schema), null, 2) }
      const file = join(dir, 'conflicts.jsonl')
      writeDump({ header, configs: [], modes: [], schemas }, file, 'jsonl')
      const r = await run(['import', file, '-r', other.url])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/refused: flat-0-value version 1 \(id 1\): .*Overwrite new schema with id 1/)
      expect(r.stderr).toContain(
        'refused: flat-1-value version 1 (id 2): the target has another schema as this version, with this id',
      )
      expect(r.stderr).toContain('6 versions: 3 imported, 1 skipped (already there), 2 failed')
      for (const i of [2, 3, 4, 5]) {
        expect((await get(other.url, `/subjects/flat-${i}-value/versions/1`)).body).toMatchObject({ id: i + 1 })
      }
      expect((await get(other.url, '/schemas/ids/1')).body).toMatchObject({ schema: '"string"' })
    } finally {
      await other.close()
    }
  })

  it('registers one by one the versions of a request the registry refuses whole for its body limit', async () => {
    // About 1 KiB a version: 200 of them pass a 64 KiB body limit together, never alone.
    const schemas = flatDump(200).map((s) => ({
      ...s,
      schema: JSON.stringify({ ...JSON.parse(s.schema), doc: 'd'.repeat(1024) }),
    }))
    const file = join(dir, 'wide.jsonl')
    writeDump({ header, configs: [], modes: [], schemas }, file, 'jsonl')
    const small = await startServer({ bodyLimit: 64 * 1024 })
    try {
      const r = await run(['import', file, '-r', small.url])
      expect(r.stderr).toContain('200 versions: 200 imported, 0 skipped (already there), 0 failed')
      expect(r.code).toBe(0)
      expect((await get(small.url, '/subjects/flat-199-value/versions/1')).body).toMatchObject({ id: 200 })
    } finally {
      await small.close()
    }
  })

  it('refuses a flag value out of range', async () => {
    const r = await run(['import', join(dir, 'chains.jsonl'), '-r', 'http://127.0.0.1:9', '--concurrency', '0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--concurrency must be a whole number from 1 to 1024')
  })

  it('stops when the registry goes away mid-import, names the version, and a second run finishes the job', async () => {
    const schemas = flatDump(3000)
    const file = join(dir, 'flat.jsonl')
    writeDump({ header, configs: [], modes: [], schemas }, file, 'jsonl')
    const db = join(dir, 'killed.db')
    child = await startChildServer(['--port', '0', '--db', db])
    const importing = run(['import', file, '-r', child.url])
    // Killed once part of the dump is in: the import is then mid-way, with requests in flight.
    // The bulk route answers a chunk once all its versions are in, and the importer sends the
    // next chunk only then; versions become visible one by one, before that answer is sent. So
    // a version beyond the first chunk shows the first chunk acknowledged.
    for (;;) {
      const subjects = await get(child.url, '/subjects')
      if ((subjects.body as string[]).length > IMPORT_CHUNK) break
      await new Promise((r) => setTimeout(r, 10))
    }
    child.child.kill('SIGKILL')
    await child.exited
    const r = await importing
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(
      /registrum: import stopped at flat-\d+-value version 1 \(id \d+\): cannot reach the registry at http:\/\/127\.0\.0\.1:\d+/,
    )
    const summary =
      /3000 versions: (\d+) imported, 0 skipped \(already there\), 0 failed before the import stopped/.exec(r.stderr)
    expect(summary, r.stderr).not.toBeNull()
    const imported = Number(summary![1])
    expect(imported).toBeGreaterThanOrEqual(IMPORT_CHUNK)
    expect(imported).toBeLessThan(3000)

    // Every acknowledged version survived the kill; running the import again completes it.
    child = await startChildServer(['--port', '0', '--db', db])
    const held = (await get(child.url, '/subjects?deleted=true')).body as string[]
    expect(held.length).toBeGreaterThanOrEqual(imported)
    const again = await run(['import', file, '-r', child.url])
    expect(again.stderr).toContain(
      `3000 versions: ${3000 - held.length} imported, ${held.length} skipped (already there), 0 failed`,
    )
    expect(again.code).toBe(0)
    for (const i of [0, 1499, 2999]) {
      expect((await get(child.url, `/subjects/flat-${i}-value/versions/1`)).body).toMatchObject({ id: i + 1 })
    }
  }, 120_000)
})

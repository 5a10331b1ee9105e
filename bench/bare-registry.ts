// The ceiling for bulk import and export through Registrum's bulk routes: the same work through
// the registry's own calls in this process, no HTTP. Registers every version of an export file
// (IMPORT mode, 500 per registerAll, as `registrum import` sends them) into a fresh SQLite file,
// then reads each subject as the export route does. Prints {"importRate", "exportRate"} as one
// JSON line. Usage: bare-registry.ts FILE
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readDump } from '../src/cli/dump.js'
import { IMPORT_CHUNK } from '../src/cli/transfer/import.js'
import { configScope } from '../src/registry/config.js'
import { createRegistry } from '../src/registry/registry.js'
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js'

const dump = readDump(process.argv[2]!)
const dir = mkdtempSync(join(tmpdir(), 'registrum-bare-registry-'))
const store = new SqliteStore(join(dir, 'bare.db'))
const registry = createRegistry({ store })
await registry.putMode(configScope(undefined), 'IMPORT', true)
const t0 = performance.now()
for (let at = 0; at < dump.schemas.length; at += IMPORT_CHUNK) {
  const chunk = dump.schemas.slice(at, at + IMPORT_CHUNK).map((s) => ({
    subject: s.subject,
    req: { schema: s.schema, schemaType: s.schemaType, id: s.id, version: s.version },
    opts: {},
  }))
  const outcomes = await registry.registerAll(chunk)
  const failed = outcomes.find((o) => o.status === 'rejected')
  if (failed) throw (failed as PromiseRejectedResult).reason
}
const importMs = performance.now() - t0
const t1 = performance.now()
let versions = 0
for (const subject of registry.listSubjects({ prefix: ':*:', deleted: true })) {
  for (const v of registry.listVersions(subject, { deleted: true })) {
    registry.versionView(registry.getVersion(subject, v, true))
    versions++
  }
}
const exportMs = performance.now() - t1
await store.close()
rmSync(dir, { recursive: true, force: true })
console.log(
  JSON.stringify({
    importRate: dump.schemas.length / (importMs / 1000),
    exportRate: versions / (exportMs / 1000),
  }),
)

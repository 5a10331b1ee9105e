import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { MemoryStore } from './memory/memory-store.js'
import { SqliteStore } from './sqlite/sqlite-store.js'
import { describeStoreContract } from './store-contract.js'

describeStoreContract('MemoryStore', async () => new MemoryStore())

describeStoreContract('SqliteStore :memory:', async () => new SqliteStore(':memory:'))

let dir: string | undefined
describeStoreContract(
  'SqliteStore file',
  async () => {
    dir = mkdtempSync(join(tmpdir(), 'registrum-contract-'))
    return new SqliteStore(join(dir, 'registry.db'))
  },
  async () => {
    if (dir) rmSync(dir, { recursive: true, force: true })
    dir = undefined
  },
  {
    reopen: async (store) => {
      await store.close()
      return new SqliteStore((store as SqliteStore).path)
    },
  },
)

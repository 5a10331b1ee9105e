import { BufferedTx, RegistryState } from '../state.js'
import type { Store, StoreTx } from '../store.js'

/** A store that lives only in memory: for tests and throwaway registries. */
export class MemoryStore extends RegistryState implements Store {
  async transaction<T>(fn: (tx: StoreTx) => T): Promise<T> {
    const tx = new BufferedTx(this)
    const result = fn(tx)
    for (const m of tx.mutations) this.apply(m)
    return result
  }

  async ready(): Promise<void> {}
  async close(): Promise<void> {}
}

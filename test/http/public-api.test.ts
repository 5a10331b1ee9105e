import { describe, expect, it } from 'vitest'
import * as registrum from '../../src/index.js'

describe('the package entry', () => {
  it('embeds a registry over a memory store and checks compatibility with the server engine', async () => {
    const registry = registrum.createRegistry({ store: new registrum.MemoryStore() })
    const v1 = await registry.register(
      't-value',
      { schema: JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] }) },
      {},
    )
    expect(v1).toMatchObject({ id: 1, version: 1 })
    const verdict = registry.testCompatibility('t-value', undefined, { schema: '"string"' }, { verbose: true })
    expect(verdict.isCompatible).toBe(false)
    expect(registrum.supportedTypes().sort()).toEqual(['AVRO', 'JSON', 'PROTOBUF'])
    expect(registrum.parseLevel('full_transitive')).toBe('FULL_TRANSITIVE')
  })
})

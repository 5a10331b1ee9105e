import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../store/memory/memory-store.js'
import { mergeMetadata, mergeRuleSet } from './data-contract.js'
import { createRegistry } from './registry.js'

const record = (name: string, fields: string[]) =>
  JSON.stringify({ type: 'record', name, fields: fields.map((f) => ({ name: f, type: 'string', default: '' })) })

const rule = (name: string, type = 'CEL', mode = 'WRITE') => ({ name, kind: 'CONDITION', type, mode, expr: 'true' })

describe('mergeMetadata', () => {
  it('puts the right side over the left by key and unions the sensitive names, sorted', () => {
    expect(
      mergeMetadata(
        { tags: { a: ['PII'] }, properties: { owner: 'x', team: 't' }, sensitive: ['s2', 's1'] },
        { properties: { owner: 'y' }, sensitive: ['s1', 's0'] },
      ),
    ).toEqual({ tags: { a: ['PII'] }, properties: { owner: 'y', team: 't' }, sensitive: ['s0', 's1', 's2'] })
  })
  it('answers either side alone unchanged', () => {
    const only = { properties: { owner: 'x' } }
    expect(mergeMetadata(only, undefined)).toBe(only)
    expect(mergeMetadata(undefined, only)).toBe(only)
    expect(mergeMetadata(undefined, undefined)).toBeUndefined()
  })
})

describe('mergeRuleSet', () => {
  it('replaces a left rule by the right one of the same name, list by list, and keeps the rest in order', () => {
    const merged = mergeRuleSet(
      { domainRules: [rule('a'), rule('b')], migrationRules: [rule('m', 'JSONATA', 'UPGRADE')], enableAt: 1 },
      { domainRules: [rule('b', 'CEL_FIELD'), rule('c')] },
    )
    expect(merged).toEqual({
      migrationRules: [rule('m', 'JSONATA', 'UPGRADE')],
      domainRules: [rule('a'), rule('b', 'CEL_FIELD'), rule('c')],
      enableAt: 1,
    })
  })
})

describe('a new version’s data contract', () => {
  const setup = async (config: Record<string, unknown>) => {
    const registry = createRegistry({ store: new MemoryStore() })
    await registry.putConfig('orders-value', { compatibility: 'NONE', ...config })
    return registry
  }

  it('puts defaultMetadata under the request’s metadata and overrideMetadata over it', async () => {
    const registry = await setup({
      defaultMetadata: { properties: { owner: 'default', tier: 'gold' } },
      overrideMetadata: { properties: { tier: 'platinum' } },
    })
    const view = await registry.register(
      'orders-value',
      { schema: record('Order', ['id']), metadata: { properties: { owner: 'orders-team', tier: 'bronze' } } },
      {},
    )
    expect(view.metadata).toEqual({ tags: {}, properties: { owner: 'orders-team', tier: 'platinum' } })
  })

  it('carries the previous version’s metadata and rules forward when the request has none', async () => {
    const registry = await setup({})
    await registry.register(
      'orders-value',
      {
        schema: record('Order', ['id']),
        metadata: { properties: { owner: 'orders-team' } },
        ruleSet: { domainRules: [rule('checkId')] },
      },
      {},
    )
    const second = await registry.register('orders-value', { schema: record('Order', ['id', 'note']) }, {})
    expect(second.version).toBe(2)
    expect(second.metadata).toEqual({ properties: { owner: 'orders-team' } })
    expect(second.ruleSet).toEqual({ domainRules: [rule('checkId')] })
  })

  it('puts defaultRuleSet under the request’s rules and overrideRuleSet over them, by rule name', async () => {
    const registry = await setup({
      defaultRuleSet: { domainRules: [rule('fromDefault'), rule('shared', 'CEL', 'READ')] },
      overrideRuleSet: { domainRules: [rule('fromOverride')] },
    })
    const view = await registry.register(
      'orders-value',
      {
        schema: record('Order', ['id']),
        ruleSet: { domainRules: [rule('shared'), rule('fromOverride', 'CEL_FIELD')] },
      },
      {},
    )
    expect(view.ruleSet).toEqual({ domainRules: [rule('fromDefault'), rule('shared'), rule('fromOverride')] })
  })

  it('applies the defaults alone to a request without metadata or rules', async () => {
    const registry = await setup({
      defaultMetadata: { properties: { owner: 'default' } },
      defaultRuleSet: { domainRules: [rule('fromDefault')] },
    })
    const view = await registry.register('orders-value', { schema: record('Order', ['id']) }, {})
    expect(view.metadata).toEqual({ properties: { owner: 'default' } })
    expect(view.ruleSet).toEqual({ domainRules: [rule('fromDefault')] })
  })

  it('leaves an import as given', async () => {
    const registry = await setup({
      defaultMetadata: { properties: { owner: 'default' } },
      overrideRuleSet: { domainRules: [rule('fromOverride')] },
    })
    await registry.putMode('orders-value', 'IMPORT', true)
    const view = await registry.register('orders-value', { schema: record('Order', ['id']), id: 7, version: 1 }, {})
    expect(view.id).toBe(7)
    expect(view.metadata).toBeUndefined()
    expect(view.ruleSet).toBeUndefined()
  })
})

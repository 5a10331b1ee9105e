import { describe, expect, it } from 'vitest'
import { formatFor } from '../formats/index.js'
import { MemoryStore } from '../store/memory/memory-store.js'
import { priorVersions } from './compatibility.js'
import { DEFAULT_OPTIONS, RegistryCore } from './core.js'
import { RegistryError } from './errors.js'
import { prepareSchema } from './prepare.js'
import { createRegistry } from './registry.js'
import { qualify } from './subjects.js'

/** An Avro record whose fields are strings; `field?` has a default. */
const record = (...fields: string[]) =>
  JSON.stringify({
    type: 'record',
    name: 'Order',
    fields: fields.map((f) =>
      f.endsWith('?') ? { name: f.slice(0, -1), type: 'string', default: '' } : { name: f, type: 'string' },
    ),
  })

const major = (m: string) => ({ properties: { major: m } })

async function refusal(p: Promise<unknown>): Promise<RegistryError> {
  const e = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(e).toBeInstanceOf(RegistryError)
  return e as RegistryError
}

describe('compatibilityGroup', () => {
  const setup = async (group: Record<string, unknown>, store = new MemoryStore()) => {
    const registry = createRegistry({ store })
    await registry.putConfig('orders-value', { compatibility: 'BACKWARD', ...group })
    await registry.register('orders-value', { schema: record('id'), metadata: major('1') }, {})
    return registry
  }

  it('without a group, checks every version: a new required field is refused (409)', async () => {
    const registry = await setup({})
    const e = await refusal(
      registry.register('orders-value', { schema: record('id', 'total'), metadata: major('2') }, {}),
    )
    expect(e.code).toBe('INCOMPATIBLE_SCHEMA')
    expect(e.message).toMatch(/total/)
  })

  it('checks only versions whose metadata property of that name matches the candidate’s', async () => {
    const registry = await setup({ compatibilityGroup: 'major' })
    const v2 = await registry.register('orders-value', { schema: record('id', 'total'), metadata: major('2') }, {})
    expect(v2.version).toBe(2)
    // Within group 2 the same change is still checked.
    const e = await refusal(
      registry.register('orders-value', { schema: record('id', 'total', 'currency'), metadata: major('2') }, {}),
    )
    expect(e.code).toBe('INCOMPATIBLE_SCHEMA')
    expect(
      registry.testCompatibility(
        'orders-value',
        undefined,
        { schema: record('id', 'total'), metadata: major('2') },
        {},
      ),
    ).toEqual({ isCompatible: true, messages: [] })
  })

  it('narrows the prior versions to the candidate’s group, a missing property being a group of its own', async () => {
    const store = new MemoryStore()
    const registry = await setup({ compatibilityGroup: 'major' }, store)
    await registry.register('orders-value', { schema: record('id', 'total'), metadata: major('2') }, {})
    // Without metadata of its own a version carries its predecessor's, so this one names another property.
    await registry.register(
      'orders-value',
      { schema: record('x'), metadata: { properties: { other: 'x' } } },
      {
        force: true,
      },
    )
    const core = new RegistryCore({ store, formatFor, now: Date.now, options: DEFAULT_OPTIONS })
    const subject = qualify('orders-value')
    const live = core.store.versionsOf(subject.qualified)
    const config = core.effectiveConfig(subject.qualified)
    const versionsFor = (metadata?: Record<string, unknown>) => {
      const prepared = prepareSchema(
        core,
        subject,
        { schema: record('id'), ...(metadata ? { metadata } : {}) },
        { normalize: false, mode: 'new', includeDeletedRefs: false },
      )
      return priorVersions(core, live, prepared, config).map((p) => p.version)
    }
    expect(versionsFor(major('1'))).toEqual([1])
    expect(versionsFor(major('2'))).toEqual([2])
    expect(versionsFor(major('3'))).toEqual([])
    expect(versionsFor(undefined)).toEqual([3])
  })
})

describe('the compatibility check', () => {
  const setup = async () => {
    const registry = createRegistry({ store: new MemoryStore() })
    await registry.putConfig('orders-value', { compatibility: 'BACKWARD_TRANSITIVE' })
    await registry.register('orders-value', { schema: record('id') }, {})
    await registry.register('orders-value', { schema: record('id', 'total?') }, {})
    return registry
  }
  // Reads version 2's data (it has `total`) but not version 1's (no `total`, no default).
  const candidate = { schema: record('id', 'total') }

  it('without a version, is the check registration makes: transitive, every live version', async () => {
    const registry = await setup()
    const verdict = registry.testCompatibility('orders-value', undefined, candidate, {})
    expect(verdict.isCompatible).toBe(false)
    expect(verdict.messages.join('\n')).toMatch(/total/)
    const { level, result } = registry.checkCandidate('orders-value', candidate)
    expect(level).toBe('BACKWARD_TRANSITIVE')
    expect(result.compatible).toBe(false)
    const e = await refusal(registry.register('orders-value', candidate, {}))
    expect(e.code).toBe('INCOMPATIBLE_SCHEMA')
    expect(await registry.testCompatibilityYielding('orders-value', undefined, candidate, {})).toEqual(verdict)
  })

  it('with a version, checks that version alone in the level’s direction, not transitively', async () => {
    const registry = await setup()
    expect(registry.testCompatibility('orders-value', 'latest', candidate, {}).isCompatible).toBe(true)
    expect(registry.testCompatibility('orders-value', 2, candidate, {}).isCompatible).toBe(true)
    expect(registry.testCompatibility('orders-value', 1, candidate, {}).isCompatible).toBe(false)
    expect(() => registry.testCompatibility('orders-value', 3, candidate, {})).toThrow(/Version 3 not found/)
  })

  it('skips soft-deleted versions, and a forced registration is not checked', async () => {
    const registry = await setup()
    await registry.deleteVersion('orders-value', 1, false)
    expect(registry.testCompatibility('orders-value', undefined, candidate, {}).isCompatible).toBe(true)
    await registry.putConfig('orders-value', { compatibility: 'FULL' })
    const forced = await registry.register('orders-value', { schema: record('other') }, { force: true })
    expect(forced.version).toBe(3)
  })

  it('answers an invalid schema as a verdict when verbose, as 42201 otherwise', async () => {
    const registry = await setup()
    expect(registry.testCompatibility('orders-value', undefined, { schema: '{' }, { verbose: true })).toMatchObject({
      isCompatible: false,
    })
    expect(() => registry.testCompatibility('orders-value', undefined, { schema: '{' }, {})).toThrow(RegistryError)
  })
})

import { afterAll, describe, expect, it } from 'vitest'
import { MemoryStore } from '../store/memory/memory-store.js'
import { DEFAULT_OPTIONS, type RegistryOptions } from './core.js'
import { RegistryError } from './errors.js'
import { type JudgeJob, type Offload, OffloadThreads } from './offload.js'
import { createRegistry, type Registry } from './registry.js'

// Registrations and compatibility checks give the same answers, errors included, whether their
// parsing and checks run on parse threads or on the calling thread.

const options: Partial<RegistryOptions> = { maxSchemaElements: 40 }
const threads = new OffloadThreads(1, { ...DEFAULT_OPTIONS, ...options })
afterAll(() => threads.close())

/** Counts the jobs the threads answered, so the test knows they did the work. */
const calls = { canonical: 0, judge: 0 }
const counting: Offload = {
  canonical: async (sources) => {
    const answer = await threads.canonical(sources)
    if (answer) calls.canonical++
    return answer
  },
  judge: async (job: JudgeJob) => {
    const answer = await threads.judge(job)
    if (answer && 'result' in answer) calls.judge++
    return answer
  },
  close: async () => {},
}

const field = (name: string, optional = false) =>
  optional ? { name, type: 'string', default: '' } : { name, type: 'string' }
const record = (name: string, ...fields: object[]) => JSON.stringify({ type: 'record', name, fields })
const address = record('Address', field('street'))

/** Each step's answer, or its error's code and message. */
async function scenario(registry: Registry): Promise<unknown[]> {
  const out: unknown[] = []
  const step = async (fn: () => unknown) => {
    try {
      out.push(await fn())
    } catch (e) {
      out.push(e instanceof RegistryError ? { code: e.code, message: e.message } : { error: String(e) })
    }
  }
  await step(() => registry.putConfig('orders', { compatibility: 'FULL_TRANSITIVE' }))
  await step(() => registry.register('orders', { schema: record('Order', field('id')) }, {}))
  await step(() => registry.register('orders', { schema: record('Order', field('id'), field('note', true)) }, {}))
  // Incompatible: a new field without a default.
  await step(() => registry.register('orders', { schema: record('Order', field('id'), field('total')) }, {}))
  await step(() =>
    registry.testCompatibilityYielding(
      'orders',
      'latest',
      { schema: record('Order', field('id'), field('total')) },
      { verbose: true },
    ),
  )
  await step(() =>
    registry.testCompatibilityYielding('orders', undefined, { schema: record('Order', field('note', true)) }, {}),
  )
  // The same schema again, spelled differently: the existing version.
  await step(() =>
    registry.register('orders', { schema: ` ${record('Order', field('id'), field('note', true))} ` }, {}),
  )
  // Invalid, and too large.
  await step(() => registry.register('orders', { schema: '{"type":"record","name":"X"}' }, {}))
  await step(() =>
    registry.testCompatibilityYielding('orders', 'latest', { schema: '{"type":"record"}' }, { verbose: true }),
  )
  const wide = record('Wide', ...Array.from({ length: 60 }, (_, i) => field(`f${i}`, true)))
  await step(() => registry.register('wide', { schema: wide }, {}))
  // References, normalization, metadata and other formats.
  await step(() => registry.register('address', { schema: address }, {}))
  await step(() =>
    registry.register(
      'user',
      {
        schema: record('User', field('name'), { name: 'home', type: 'Address' }),
        references: [{ name: 'Address', subject: 'address', version: 1 }],
      },
      {},
    ),
  )
  await step(() =>
    registry.register(
      'normalized',
      { schema: '{"fields":[{"type":"string","name":"a"}],"name":"N","type":"record"}' },
      { normalize: true },
    ),
  )
  await step(() =>
    registry.register('owned', { schema: record('Owned', field('a')), metadata: { properties: { owner: 'x' } } }, {}),
  )
  await step(() =>
    registry.register(
      'proto',
      { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\nmessage M { string a = 1; }' },
      {},
    ),
  )
  await step(() =>
    registry.register(
      'proto',
      { schemaType: 'PROTOBUF', schema: 'syntax = "proto3";\nmessage M { int32 a = 1; }' },
      {},
    ),
  )
  await step(() =>
    registry.register(
      'json',
      {
        schemaType: 'JSON',
        schema: '{"type":"object","properties":{"a":{"type":"string"}},"additionalProperties":false}',
      },
      {},
    ),
  )
  await step(() =>
    registry.testCompatibilityYielding(
      'json',
      'latest',
      {
        schemaType: 'JSON',
        schema: '{"type":"object","properties":{"a":{"type":"number"}},"additionalProperties":false}',
      },
      {},
    ),
  )
  out.push(registry.listSubjects({}).map((s) => [s, registry.listVersions(s)]))
  return out
}

describe('parse threads', () => {
  it('answer registrations and compatibility checks exactly as the calling thread does', async () => {
    const now = () => 1_700_000_000_000
    const inline = await scenario(createRegistry({ store: new MemoryStore(), now, options }))
    const offloaded = await scenario(createRegistry({ store: new MemoryStore(), now, options, offload: counting }))
    expect(offloaded).toEqual(inline)
    expect(calls.canonical).toBeGreaterThan(10)
    expect(calls.judge).toBeGreaterThan(2)
    // The scenario reaches the refusals it is meant to compare.
    expect(inline).toContainEqual(expect.objectContaining({ code: 'INCOMPATIBLE_SCHEMA' }))
    expect(inline).toContainEqual(expect.objectContaining({ code: 'INVALID_SCHEMA' }))
    expect(inline).toContainEqual(expect.objectContaining({ code: 'SCHEMA_TOO_LARGE' }))
  })

  it('answer nothing once a thread has stopped, so callers do the work themselves', async () => {
    const one = new OffloadThreads(1, DEFAULT_OPTIONS)
    await one.close()
    expect(await one.canonical([])).toBeUndefined()
  })
})

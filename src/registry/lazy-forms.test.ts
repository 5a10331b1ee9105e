import { describe, expect, it } from 'vitest'
import { formatFor } from '../formats/index.js'
import { MemoryStore } from '../store/memory/memory-store.js'
import { priorVersions } from './compatibility.js'
import { DEFAULT_OPTIONS, RegistryCore } from './core.js'
import { prepareSchema } from './prepare.js'
import { createRegistry } from './registry.js'
import { qualify } from './subjects.js'

// The lazily parsed forms a request builds (its prepared schema, each prior version a check reads,
// a parsed Avro schema's avsc type) keep their getters on the prototype. A getter written into
// each object gives every object a hidden class of its own in V8's old generation, which kept
// everything the getter captured (the transaction, the request's schema, the parse tree) alive
// through young collections: each registration promoted ~5 KB that died in the old generation,
// and the event loop's scavenge pauses grew with it.

const record = (...fields: string[]) =>
  JSON.stringify({ type: 'record', name: 'Order', fields: fields.map((name) => ({ name, type: 'string' })) })

/** The object has no accessor of its own named `key`; one is inherited. */
function inheritsGetter(o: object, key: string): void {
  expect(Object.getOwnPropertyDescriptor(o, key)).toBeUndefined()
  let proto = Object.getPrototypeOf(o) as object | null
  while (proto && !Object.getOwnPropertyDescriptor(proto, key)) proto = Object.getPrototypeOf(proto) as object | null
  expect(proto && typeof Object.getOwnPropertyDescriptor(proto, key)?.get).toBe('function')
}

async function seeded() {
  const store = new MemoryStore()
  const registry = createRegistry({ store })
  await registry.register('orders-value', { schema: record('id') }, {})
  const core = new RegistryCore({ store, formatFor, now: Date.now, options: DEFAULT_OPTIONS })
  return { core, subject: qualify('orders-value') }
}

describe('lazily parsed forms', () => {
  it('a prepared schema parses on first read of `parsed`, through a getter it inherits', async () => {
    const { core, subject } = await seeded()
    const opts = { normalize: false, mode: 'new' as const, includeDeletedRefs: false }
    const plain = prepareSchema(core, subject, { schema: record('id', 'note') }, opts)
    inheritsGetter(plain, 'parsed')
    expect(plain.parsed.type).toBe('AVRO')
    expect(plain.parsed).toBe(plain.parsed)

    // With a canonical form computed ahead, nothing is parsed until asked for.
    const ahead = prepareSchema(
      core,
      subject,
      { schema: record('id', 'note') },
      {
        ...opts,
        precomputed: [{ source: plain.source, canonical: plain.canonical }],
      },
    )
    inheritsGetter(ahead, 'parsed')
    expect(ahead.canonical).toBe(plain.canonical)
    expect(ahead.guid).toBe(plain.guid)
    expect(ahead.parsed.type).toBe('AVRO')
  })

  it('a prior version parses on first read of `schema`, through a getter it inherits', async () => {
    const { core, subject } = await seeded()
    const prepared = prepareSchema(
      core,
      subject,
      { schema: record('id', 'note') },
      { normalize: false, mode: 'new', includeDeletedRefs: false },
    )
    const live = core.store.versionsOf(subject.qualified)
    const [prior] = priorVersions(core, live, prepared, core.effectiveConfig(subject.qualified))
    inheritsGetter(prior!, 'schema')
    expect(prior!.version).toBe(1)
    expect(prior!.canonical).toBe(core.schemaOf(live[0]!).schema)
    expect(prior!.schema.type).toBe('AVRO')
  })

  it('a parsed Avro schema builds its avsc type through a getter it inherits, not copied by spread', () => {
    const parsed = formatFor('AVRO')!.parse(record('id'), [], 'new') as unknown as Record<string, unknown>
    inheritsGetter(parsed, 'avscType')
    expect(Object.keys(parsed)).not.toContain('avscType')
    expect({ ...parsed }).not.toHaveProperty('avscType')
    expect(parsed.fullName).toBe('Order')
  })
})

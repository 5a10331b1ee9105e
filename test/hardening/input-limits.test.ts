import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.js'

const JSON_TYPE = 'application/vnd.schemaregistry.v1+json'
const MAX_ID = 2 ** 31 - 1

let server: TestServer

/** An answer body: an error envelope, a registered schema, or a list. */
type Answer = { error_code: number; message: string; id: number; version: number; guid: string } & number[]

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Answer }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': JSON_TYPE }, body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) }
}

const record = (name: string) => JSON.stringify({ type: 'record', name, fields: [{ name: 'f', type: 'int' }] })

beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server?.close())

describe('explicit ids and versions in IMPORT mode', () => {
  beforeAll(async () => {
    for (const s of ['imp', ':.ids:imp', ':.full:imp']) {
      expect((await call('PUT', `/mode/${encodeURIComponent(s)}?force=true`, { mode: 'IMPORT' })).status).toBe(200)
    }
  })

  it.each([
    ['2^31', String(2 ** 31)],
    ['2^53 + 1', '9007199254740993'],
    ['1e20', '1e20'],
    ['0', '0'],
    ['-2', '-2'],
    ['a fraction', '1.5'],
    ['1.0', '1.0'],
    ['an exponent', '1e0'],
    ['a numeric string', '"5"'],
    ['a string', '"abc"'],
    ['a boolean', 'true'],
  ])('refuses id %s with 422 and stores nothing', async (_, id) => {
    const res = await call(
      'POST',
      '/subjects/imp/versions',
      `{"schema":${JSON.stringify(record('Bad'))},"id":${id},"version":1}`,
    )
    expect(res.status, JSON.stringify(res.body)).toBe(422)
    expect(res.body.error_code).toBe(422)
    expect(res.body.message).toMatch(/id/)
    expect((await call('GET', '/subjects/imp/versions')).status).toBe(404)
  })

  it.each([
    ['2^31', String(2 ** 31)],
    ['1e20', '1e20'],
    ['-2', '-2'],
    ['a fraction', '2.5'],
    ['1.0', '1.0'],
    ['a numeric string', '"5"'],
    ['a boolean', 'false'],
  ])('refuses version %s with 422 42202 and stores nothing', async (_, version) => {
    const res = await call(
      'POST',
      '/subjects/imp/versions',
      `{"schema":${JSON.stringify(record('Bad'))},"id":7,"version":${version}}`,
    )
    expect(res.status, JSON.stringify(res.body)).toBe(422)
    expect(res.body.error_code).toBe(42202)
    expect((await call('GET', '/subjects/imp/versions')).status).toBe(404)
    expect((await call('GET', '/schemas/ids/7')).status).toBe(404)
  })

  it('refuses an out-of-range version outside IMPORT too', async () => {
    const res = await call('POST', '/subjects/rw/versions', `{"schema":${JSON.stringify(record('Rw'))},"version":1e20}`)
    expect(res).toMatchObject({ status: 422, body: { error_code: 42202 } })
  })

  it('takes the largest id and version, which stay addressable', async () => {
    const res = await call('POST', `/subjects/${encodeURIComponent(':.ids:imp')}/versions`, {
      schema: record('Top'),
      id: MAX_ID,
      version: MAX_ID,
    })
    expect(res).toMatchObject({ status: 200, body: { id: MAX_ID, version: MAX_ID } })
    expect((await call('GET', `/schemas/ids/${MAX_ID}?subject=${encodeURIComponent(':.ids:')}`)).status).toBe(200)
    expect((await call('GET', `/subjects/${encodeURIComponent(':.ids:imp')}/versions/${MAX_ID}`)).body).toMatchObject({
      id: MAX_ID,
    })
  })

  it('answers a clear error, not an unusable version, once a subject has no version left', async () => {
    const res = await call('POST', `/subjects/${encodeURIComponent(':.ids:imp')}/versions`, {
      schema: record('AfterTop'),
      id: 5,
    })
    expect(res).toMatchObject({ status: 422, body: { error_code: 42205 } })
    expect(res.body.message).toContain('No version left')
    expect((await call('GET', `/subjects/${encodeURIComponent(':.ids:imp')}/versions`)).body).toEqual([MAX_ID])
  })

  it('answers a clear error, not an unusable id, once a context has no id left', async () => {
    const res = await call('POST', `/subjects/${encodeURIComponent(':.ids:other')}/versions`, {
      schema: record('Next'),
    })
    expect(res.status, JSON.stringify(res.body)).toBe(422)
    expect(res.body).toMatchObject({ error_code: 42205 })
    expect(res.body.message).toContain('2147483647')
    expect((await call('GET', `/subjects/${encodeURIComponent(':.ids:other')}/versions`)).status).toBe(404)
    // Other contexts are unaffected.
    expect((await call('POST', '/subjects/unaffected/versions', { schema: record('Fine') })).body).toMatchObject({
      id: 1,
    })
  })

  it('finds a schema by guid quickly even when ids are sparse and large', async () => {
    const res = await call('POST', `/subjects/${encodeURIComponent(':.full:imp')}/versions`, {
      schema: record('Sparse'),
      id: MAX_ID - 1,
    })
    expect(res.status).toBe(200)
    const guid = (await call('GET', `/subjects/${encodeURIComponent(':.full:imp')}/versions/latest`)).body
      .guid as string
    const found = await call('GET', `/schemas/guids/${guid}`)
    expect(found.status).toBe(200)
  })
})

describe('subject names', () => {
  it.each([':.:', ':.ctx:', ':.other:'])('refuses the empty subject %s with 42208 and creates nothing', async (s) => {
    const res = await call('POST', `/subjects/${encodeURIComponent(s)}/versions`, { schema: '"int"' })
    expect(res).toMatchObject({ status: 422, body: { error_code: 42208 } })
    expect((await call('GET', '/subjects?deleted=true')).body).not.toContain('')
    expect((await call('GET', '/contexts')).body).not.toContain('.other')
  })

  it('refuses an empty subject under the /contexts prefix', async () => {
    const res = await call('POST', '/contexts/.c2/subjects/%3A.c2%3A/versions', { schema: '"int"' })
    expect(res).toMatchObject({ status: 422, body: { error_code: 42208 } })
  })
})

describe('metadata depth', () => {
  it('answers 422 for deeply nested metadata instead of overflowing the stack', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const body = `{"schema":${JSON.stringify(record('Deep'))},"metadata":{"properties":{"a":"b"},"tags":{"x":${deep}}}}`
    for (const path of ['/subjects/deep/versions', '/subjects/deep', '/compatibility/subjects/deep/versions']) {
      const res = await call('POST', path, body)
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(422)
      expect(res.body.message).toMatch(/deep|nest/i)
    }
    expect((await call('GET', '/subjects/deep/versions')).status).toBe(404)
  })

  it('answers 422 for deeply nested rule sets', async () => {
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`
    const body = `{"schema":${JSON.stringify(record('Deep'))},"ruleSet":{"domainRules":[{"name":"r","kind":"CONDITION","mode":"WRITE","type":"CEL","params":${deep}}]}}`
    const res = await call('POST', '/subjects/deep-rules/versions', body)
    expect(res.status, JSON.stringify(res.body)).toBe(422)
  })
})

describe('fuzzing the new limits', () => {
  /** Numbers around the edges of the id range, written as JSON text (so 1e20 stays 1e20). */
  const numberText = fc.oneof(
    fc.integer({ min: -5, max: 5 }).map(String),
    fc.constantFrom(
      String(MAX_ID),
      String(MAX_ID + 1),
      String(2 ** 53 + 1),
      '1e20',
      '-1e20',
      '1.5',
      '2.0',
      '1e-7',
      '-0',
      '"7"',
      '"x"',
      'true',
      'null',
      '[]',
      '{}',
    ),
    fc.integer({ min: 1, max: MAX_ID }).map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  )

  it('answers any id and version in IMPORT mode without a 5xx, and stores only ids and versions in range', async () => {
    const subject = ':.fuzz:imp'
    expect((await call('PUT', `/mode/${encodeURIComponent(subject)}?force=true`, { mode: 'IMPORT' })).status).toBe(200)
    let n = 0
    await fc.assert(
      fc.asyncProperty(numberText, numberText, async (id, version) => {
        const schema = JSON.stringify(record(`F${n++}`))
        const res = await call(
          'POST',
          `/subjects/${encodeURIComponent(subject)}/versions`,
          `{"schema":${schema},"id":${id},"version":${version}}`,
        )
        if (res.status >= 500) throw new Error(`id ${id} version ${version}: ${res.status} ${JSON.stringify(res.body)}`)
        if (res.status === 200) {
          expect(Number.isInteger(res.body.id) && res.body.id >= 1 && res.body.id <= MAX_ID).toBe(true)
          expect(
            Number.isInteger(res.body.version) && res.body.version >= 1 && res.body.version <= MAX_ID,
            JSON.stringify(res.body),
          ).toBe(true)
        } else {
          expect(res.status).toBe(422)
        }
      }),
      { numRuns: 300 },
    )
    const versions = (await call('GET', `/subjects/${encodeURIComponent(subject)}/versions`)).body as
      | number[]
      | { error_code: number }
    for (const v of Array.isArray(versions) ? versions : []) {
      expect((await call('GET', `/subjects/${encodeURIComponent(subject)}/versions/${v}`)).status).toBe(200)
    }
  }, 60_000)

  it('answers metadata and rule sets of any nesting depth without a 5xx, refusing those deeper than the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 3000 }),
        fc.constantFrom('[', '{"k":'),
        fc.constantFrom('metadata', 'ruleSet'),
        async (depth, open, field) => {
          const close = open === '[' ? ']' : '}'
          const nested = `${open.repeat(depth)}1${close.repeat(depth)}`
          const value =
            field === 'metadata'
              ? `{"properties":{"a":"b"},"tags":{"t":${nested}}}`
              : `{"domainRules":[],"x":${nested}}`
          const res = await call(
            'POST',
            '/subjects/fuzz-depth',
            `{"schema":${JSON.stringify(record('Depth'))},"${field}":${value}}`,
          )
          if (res.status >= 500) throw new Error(`depth ${depth}: ${res.status} ${JSON.stringify(res.body)}`)
          // Two levels above the nested value: the body object and the field (plus tags for metadata).
          if (depth > 32) expect(res.status).toBe(422)
        },
      ),
      { numRuns: 150 },
    )
  }, 60_000)
})

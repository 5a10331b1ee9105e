import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/http/app.js'
import { createRegistry } from '../../src/registry/registry.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'

const CT = 'application/vnd.schemaregistry.v1+json'
let app: FastifyInstance

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) {
  const res = await app.inject({
    method,
    url,
    ...(body === undefined ? {} : { payload: JSON.stringify(body), headers: { 'content-type': CT } }),
  })
  return { status: res.statusCode, body: res.body === '' ? undefined : JSON.parse(res.body), headers: res.headers }
}
const avro = (schema: unknown) => ({ schema: JSON.stringify(schema) })

beforeAll(async () => {
  app = await buildApp({ registry: createRegistry({ store: new SqliteStore(':memory:') }) })
})
afterAll(async () => {
  await app.close()
})

describe('the Confluent acceptance scenarios (spec §9), in order', () => {
  it('1: a fresh registry is empty, BACKWARD, READWRITE, and knows every type', async () => {
    expect(await call('GET', '/subjects')).toMatchObject({ status: 200, body: [] })
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' })
    expect((await call('GET', '/mode')).body).toEqual({ mode: 'READWRITE' })
    expect((await call('GET', '/schemas/types')).body).toEqual(expect.arrayContaining(['AVRO']))
    expect((await call('GET', '/')).body).toEqual({})
  })

  it('2: registering returns id 1 version 1 with the canonical text, idempotently', async () => {
    const first = await call('POST', '/subjects/a-value/versions', { schema: '{"type": "string"}' })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ id: 1, version: 1, schema: '"string"', schemaType: 'AVRO' })
    expect(first.headers['content-type']).toContain(CT)
    const again = await call('POST', '/subjects/a-value/versions', { schema: '{"type": "string"}' })
    expect(again.body).toEqual(first.body)
  })

  it('3: the same schema in another subject shares the id', async () => {
    expect((await call('POST', '/subjects/b-value/versions', { schema: '"string"' })).body).toMatchObject({
      id: 1,
      version: 1,
    })
    expect((await call('GET', '/schemas/ids/1/subjects')).body).toEqual(['a-value', 'b-value'])
    expect((await call('GET', '/schemas/ids/1/versions')).body).toEqual([
      { subject: 'a-value', version: 1 },
      { subject: 'b-value', version: 1 },
    ])
  })

  it('4: an incompatible schema is refused with 409/40901, and verbose compatibility explains', async () => {
    const res = await call('POST', '/subjects/a-value/versions', avro({ type: 'int' }))
    expect(res.status).toBe(409)
    expect(res.body.error_code).toBe(40901)
    expect(res.body.message).toContain('incompatible with an earlier schema for subject "a-value"')
    const compat = await call(
      'POST',
      '/compatibility/subjects/a-value/versions/latest?verbose=true',
      avro({ type: 'int' }),
    )
    expect(compat.body.is_compatible).toBe(false)
    expect(compat.body.messages.length).toBeGreaterThan(0)
    expect(compat.body.messages.join()).toContain('TYPE_MISMATCH')
    expect((await call('POST', '/compatibility/subjects/a-value/versions/latest', avro({ type: 'int' }))).body).toEqual(
      {
        is_compatible: false,
      },
    )
  })

  it('5: a subject level of NONE lets it through; subjects without a level answer 40408', async () => {
    expect((await call('PUT', '/config/a-value', { compatibility: 'none' })).body).toEqual({ compatibility: 'NONE' })
    expect((await call('POST', '/subjects/a-value/versions', avro('int'))).body).toMatchObject({ id: 2, version: 2 })
    expect(await call('GET', '/config/b-value')).toMatchObject({ status: 404, body: { error_code: 40408 } })
    expect((await call('GET', '/config/b-value?defaultToGlobal=true')).body).toMatchObject({
      compatibilityLevel: 'BACKWARD',
    })
    expect((await call('GET', '/config/a-value')).body).toEqual({ compatibilityLevel: 'NONE' })
  })

  it('6: bad versions, unknown subjects and ids get their codes', async () => {
    expect(await call('GET', '/subjects/a-value/versions/0')).toMatchObject({
      status: 422,
      body: { error_code: 42202 },
    })
    expect(await call('GET', '/subjects/a-value/versions/abc')).toMatchObject({
      status: 422,
      body: { error_code: 42202 },
    })
    expect(await call('GET', '/subjects/a-value/versions/3')).toMatchObject({
      status: 404,
      body: { error_code: 40402 },
    })
    expect(await call('GET', '/subjects/zzz/versions/1')).toMatchObject({ status: 404, body: { error_code: 40401 } })
    expect(await call('GET', '/schemas/ids/999')).toMatchObject({
      status: 404,
      body: { error_code: 40403, message: 'Schema 999 not found' },
    })
    expect(await call('GET', '/schemas/ids/abc')).toMatchObject({ status: 404, body: { error_code: 404 } })
    expect((await call('GET', '/subjects/a-value/versions/latest')).body).toMatchObject({ version: 2, id: 2 })
    expect((await call('GET', '/subjects/a-value/versions/-1')).body).toMatchObject({ version: 2 })
  })

  it('7: soft and permanent version deletes follow Confluent', async () => {
    expect((await call('DELETE', '/subjects/a-value/versions/2')).body).toBe(2)
    expect(await call('DELETE', '/subjects/a-value/versions/2')).toMatchObject({
      status: 404,
      body: { error_code: 40406 },
    })
    expect(await call('DELETE', '/subjects/a-value/versions/1?permanent=true')).toMatchObject({
      status: 404,
      body: { error_code: 40407 },
    })
    expect((await call('GET', '/schemas/ids/2')).status).toBe(200)
    expect((await call('GET', '/subjects/a-value/versions')).body).toEqual([1])
    expect((await call('GET', '/subjects/a-value/versions?deleted=true')).body).toEqual([1, 2])
    expect((await call('GET', '/subjects/a-value/versions?deletedAsNegative=true')).body).toEqual([1, -2])
    expect((await call('GET', '/subjects/a-value/versions/2?deleted=true')).body).toMatchObject({ deleted: true })
  })

  it('8: subject deletes, then registering again restarts numbering and reuses the id', async () => {
    expect((await call('DELETE', '/subjects/a-value')).body).toEqual([1])
    expect((await call('GET', '/subjects')).body).toEqual(['b-value'])
    expect((await call('GET', '/subjects?deleted=true')).body).toEqual(['a-value', 'b-value'])
    expect((await call('GET', '/subjects?deletedOnly=true')).body).toEqual(['a-value'])
    expect(await call('DELETE', '/subjects/a-value')).toMatchObject({ status: 404, body: { error_code: 40404 } })
    expect((await call('DELETE', '/subjects/a-value?permanent=true')).body).toEqual([1, 2])
    expect(await call('GET', '/config/a-value')).toMatchObject({ status: 404, body: { error_code: 40408 } })
    expect((await call('POST', '/subjects/a-value/versions', { schema: '"string"' })).body).toMatchObject({
      id: 1,
      version: 1,
    })
    expect(await call('GET', '/schemas/ids/2')).toMatchObject({ status: 404, body: { error_code: 40403 } })
  })

  it('9: Avro references resolve, are listed by referencedby, and block deletes', async () => {
    const address = {
      type: 'record',
      name: 'Address',
      namespace: 'com.acme',
      fields: [{ name: 'street', type: 'string' }],
    }
    const addr = await call('POST', '/subjects/addr/versions', avro(address))
    const order = await call('POST', '/subjects/order/versions', {
      schema: JSON.stringify({
        type: 'record',
        name: 'Order',
        namespace: 'com.acme',
        fields: [{ name: 'ship', type: 'com.acme.Address' }],
      }),
      references: [{ name: 'com.acme.Address', subject: 'addr', version: 1 }],
    })
    expect(order.status).toBe(200)
    expect(order.body.references).toEqual([{ name: 'com.acme.Address', subject: 'addr', version: 1 }])
    expect(order.body.id).not.toBe(addr.body.id)
    expect((await call('GET', '/subjects/addr/versions/1/referencedby')).body).toEqual([order.body.id])
    expect(await call('DELETE', '/subjects/addr/versions/1')).toMatchObject({
      status: 422,
      body: { error_code: 42206 },
    })
    expect(await call('DELETE', '/subjects/addr')).toMatchObject({ status: 422, body: { error_code: 42206 } })
    const byId = await call('GET', `/schemas/ids/${order.body.id}`)
    expect(byId.body.references).toHaveLength(1)
    const missing = await call('POST', '/subjects/order2/versions', {
      schema: JSON.stringify({ type: 'record', name: 'O2', fields: [{ name: 'a', type: 'com.acme.Address' }] }),
      references: [{ name: 'com.acme.Address', subject: 'addr', version: 7 }],
    })
    expect(missing).toMatchObject({ status: 422, body: { error_code: 42201 } })
    expect(missing.body.message).toContain('No schema reference found for subject "addr" and version 7')
  })

  it('12: IMPORT mode takes explicit ids and versions, and the next id follows them', async () => {
    expect(await call('PUT', '/mode', { mode: 'IMPORT' })).toMatchObject({ status: 422, body: { error_code: 42205 } })
    expect((await call('PUT', '/mode?force=true', { mode: 'import' })).body).toEqual({ mode: 'import' })
    expect((await call('GET', '/mode')).body).toEqual({ mode: 'IMPORT' })
    const imported = await call('POST', '/subjects/imp/versions', { schema: '"long"', id: 100, version: 5 })
    expect(imported.body).toMatchObject({ id: 100, version: 5 })
    expect(await call('POST', '/subjects/imp2/versions', { schema: '"double"' })).toMatchObject({
      status: 422,
      body: { error_code: 42205 },
    })
    expect(await call('POST', '/subjects/imp3/versions', { schema: '"float"', id: 100 })).toMatchObject({
      status: 422,
      body: { error_code: 42205 },
    })
    await call('PUT', '/mode', { mode: 'READWRITE' })
    expect((await call('POST', '/subjects/new/versions', { schema: '"boolean"' })).body).toMatchObject({
      id: 101,
      version: 1,
    })
  })

  it('13: READONLY refuses new writes but still answers identical re-registration and reads', async () => {
    expect((await call('PUT', '/mode/b-value', { mode: 'READONLY' })).body).toEqual({ mode: 'READONLY' })
    expect(await call('POST', '/subjects/b-value/versions', avro('bytes'))).toMatchObject({
      status: 422,
      body: { error_code: 42205 },
    })
    expect(await call('DELETE', '/subjects/b-value/versions/1')).toMatchObject({
      status: 422,
      body: { error_code: 42205 },
    })
    expect((await call('POST', '/subjects/b-value/versions', { schema: '"string"' })).body).toMatchObject({
      id: 1,
      version: 1,
    })
    expect((await call('POST', '/subjects/b-value', { schema: '"string"' })).body).toMatchObject({ id: 1, version: 1 })
    expect((await call('DELETE', '/mode/b-value')).body).toEqual({ mode: 'READONLY' })
    expect(await call('GET', '/mode/b-value')).toMatchObject({ status: 404, body: { error_code: 40409 } })
  })

  it('14: contexts keep their own id sequence and are listed', async () => {
    expect((await call('POST', `/subjects/${encodeURIComponent(':.ctx:x')}/versions`, avro('int'))).body).toMatchObject(
      { id: 1 },
    )
    expect((await call('GET', '/contexts')).body).toEqual(['.', '.ctx'])
    expect((await call('GET', '/subjects')).body).toContain(':.ctx:x')
    expect((await call('GET', `/subjects?subjectPrefix=${encodeURIComponent(':.ctx:')}`)).body).toEqual([':.ctx:x'])
    expect((await call('GET', '/contexts/.ctx/subjects')).body).toEqual([':.ctx:x'])
    expect((await call('GET', '/contexts/.ctx/subjects/x/versions/1')).body).toMatchObject({
      subject: ':.ctx:x',
      id: 1,
    })
    expect((await call('GET', '/subjects?subjectPrefix=')).body).not.toContain(':.ctx:x')
  })
})

describe('lookup', () => {
  it('finds a registered schema by text, whatever its formatting', async () => {
    const res = await call('POST', '/subjects/b-value', { schema: ' { "type" : "string" } ' })
    expect(res.body).toMatchObject({ subject: 'b-value', version: 1, id: 1, schema: '"string"' })
  })
  it('answers 40403 for an unknown schema and 40401 for an unknown subject', async () => {
    expect(await call('POST', '/subjects/b-value', avro('long'))).toMatchObject({
      status: 404,
      body: { error_code: 40403 },
    })
    expect(await call('POST', '/subjects/nope', avro('long'))).toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    })
  })
  it('ignores extra fields the clients post back', async () => {
    const res = await call('POST', '/subjects/b-value?normalize=false&deleted=true', {
      schema: '"string"',
      schemaType: 'AVRO',
      guid: 'x',
      ts: 1,
      deleted: false,
    })
    expect(res.status).toBe(200)
  })
})

describe('bad input', () => {
  const bad = async (url: string, payload: string, contentType = CT) => {
    const res = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } })
    return { status: res.statusCode, body: JSON.parse(res.body) }
  }
  it('malformed JSON is 400 with the parser message', async () => {
    const res = await bad('/subjects/x/versions', '{"schema": ')
    expect(res).toMatchObject({ status: 400, body: { error_code: 400 } })
    expect(res.body.message).toMatch(/JSON/)
  })
  it('a schema that is not a string is 400', async () => {
    expect(await bad('/subjects/x/versions', '{"schema": {"type": "string"}}')).toMatchObject({
      status: 400,
      body: { error_code: 400 },
    })
  })
  it('a missing body is 422', async () => {
    expect(await bad('/subjects/x/versions', '')).toMatchObject({ status: 422, body: { error_code: 422 } })
  })
  it('an unknown schemaType is 42201 naming it', async () => {
    const res = await bad('/subjects/x/versions', '{"schema": "x", "schemaType": "XML"}')
    expect(res).toMatchObject({ status: 422, body: { error_code: 42201, message: 'Invalid schema type XML' } })
  })
  it('invalid Avro is 42201 with the parser detail', async () => {
    const res = await bad(
      '/subjects/x/versions',
      JSON.stringify(avro({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'nope' }] })),
    )
    expect(res).toMatchObject({ status: 422, body: { error_code: 42201 } })
    expect(res.body.message).toMatch(/nope/)
  })
  it('an empty schema is 42201', async () => {
    expect(await bad('/subjects/fresh/versions', '{"schema": ""}')).toMatchObject({
      status: 422,
      body: { error_code: 42201 },
    })
  })
  it('an unsupported content type is 415', async () => {
    expect(await bad('/subjects/x/versions', '{}', 'text/plain')).toMatchObject({
      status: 415,
      body: { error_code: 415 },
    })
  })
  it('an unacceptable Accept is 406', async () => {
    const res = await app.inject({ method: 'GET', url: '/subjects', headers: { accept: 'text/html' } })
    expect(res.statusCode).toBe(406)
    expect(JSON.parse(res.body).error_code).toBe(406)
  })
  it('negotiates application/json when asked', async () => {
    const res = await app.inject({ method: 'GET', url: '/subjects', headers: { accept: 'application/json' } })
    expect(res.headers['content-type']).toContain('application/json')
  })
  it('invalid subjects are 42208', async () => {
    expect(await bad('/subjects/__GLOBAL/versions', '{"schema": "\\"int\\""}')).toMatchObject({
      status: 422,
      body: { error_code: 42208 },
    })
  })
  it('an invalid level is 42203 and an invalid mode 42204', async () => {
    expect(await call('PUT', '/config', { compatibility: 'SIDEWAYS' })).toMatchObject({
      status: 422,
      body: { error_code: 42203 },
    })
    expect(await call('PUT', '/mode', { mode: 'SIDEWAYS' })).toMatchObject({ status: 422, body: { error_code: 42204 } })
  })
  it('unknown routes answer 404 in the envelope (clients probe /associations)', async () => {
    expect(await call('GET', '/associations/resources/-/t?resourceType=topic')).toMatchObject({
      status: 404,
      body: { error_code: 404, message: 'HTTP 404 Not Found' },
    })
  })
  it('subjects with slashes and spaces round-trip percent-encoded', async () => {
    const subject = 'acme/common proto.proto'
    const res = await call('POST', `/subjects/${encodeURIComponent(subject)}/versions`, avro('int'))
    expect(res.status).toBe(200)
    expect((await call('GET', '/subjects')).body).toContain(subject)
    expect((await call('GET', `/subjects/${encodeURIComponent(subject)}/versions/1`)).body.subject).toBe(subject)
  })
  it('an explicit version that is not the next one is 42201', async () => {
    expect(await call('POST', '/subjects/b2/versions', { schema: '"int"', version: 7 })).toMatchObject({
      status: 422,
      body: { error_code: 42201, message: 'Version is not one more than previous version' },
    })
  })
})

describe('config', () => {
  it('PUT merges and answers the stored config; DELETE answers the previous one', async () => {
    expect((await call('PUT', '/config/cfg', { compatibility: 'full', normalize: true })).body).toEqual({
      compatibility: 'FULL',
      normalize: true,
    })
    expect((await call('PUT', '/config/cfg', { normalize: null })).body).toEqual({ compatibility: 'FULL' })
    expect((await call('DELETE', '/config/cfg')).body).toEqual({ compatibilityLevel: 'FULL' })
    expect(await call('DELETE', '/config/cfg')).toMatchObject({ status: 404, body: { error_code: 40401 } })
  })
  it('transitive levels check every live version, newest first', async () => {
    await call('PUT', '/config/tr', { compatibility: 'BACKWARD_TRANSITIVE' })
    const rec = (fields: unknown[]) => avro({ type: 'record', name: 'T', fields })
    await call('POST', '/subjects/tr/versions', rec([{ name: 'a', type: 'int' }]))
    await call('PUT', '/config/tr', { compatibility: 'NONE' })
    await call(
      'POST',
      '/subjects/tr/versions',
      rec([
        { name: 'a', type: 'int' },
        { name: 'b', type: 'int' },
      ]),
    )
    await call('PUT', '/config/tr', { compatibility: 'BACKWARD_TRANSITIVE' })
    // Backward from v2 (drops nothing it needs) but not from v1, which lacks b.
    const candidate = rec([
      { name: 'a', type: 'int' },
      { name: 'b', type: 'int' },
      { name: 'c', type: 'int', default: 0 },
    ])
    expect((await call('POST', '/subjects/tr/versions', candidate)).status).toBe(409)
    await call('PUT', '/config/tr', { compatibility: 'BACKWARD' })
    expect((await call('POST', '/subjects/tr/versions', candidate)).body).toMatchObject({ version: 3 })
  })
})

describe('normalize', () => {
  const messy = JSON.stringify({
    namespace: 'n',
    fields: [{ type: 'int', name: 'a' }],
    name: 'Norm',
    type: 'record',
  })
  it('stores the normalized form and finds it again from the plain text', async () => {
    const reg = await call('POST', '/subjects/norm/versions?normalize=true', { schema: messy })
    expect(reg.status).toBe(200)
    const stored = (await call('GET', '/subjects/norm/versions/1')).body.schema
    expect(JSON.parse(stored)).toMatchObject({ name: 'n.Norm' })
    expect((await call('POST', '/subjects/norm?normalize=true', { schema: messy })).body).toMatchObject({
      id: reg.body.id,
    })
    expect((await call('POST', '/subjects/norm', { schema: messy })).body).toMatchObject({ id: reg.body.id })
  })
  it('is forced on by the subject config', async () => {
    await call('PUT', '/config/norm2', { normalize: true })
    const reg = await call('POST', '/subjects/norm2/versions', { schema: messy })
    expect(JSON.parse(reg.body.schema)).toMatchObject({ name: 'n.Norm' })
    expect((await call('GET', '/config/norm2')).body).toEqual({ compatibilityLevel: 'BACKWARD', normalize: true })
  })
})

describe('references in lookup and re-registration', () => {
  it('a referrer registered against a newer referenced version becomes a new version', async () => {
    await call('PUT', '/config/ref-base', { compatibility: 'NONE' })
    const base1 = { type: 'record', name: 'Base', namespace: 'r', fields: [{ name: 'a', type: 'int' }] }
    const base2 = { ...base1, fields: [...base1.fields, { name: 'b', type: 'int', default: 0 }] }
    await call('POST', '/subjects/ref-base/versions', avro(base1))
    const user = JSON.stringify({
      type: 'record',
      name: 'User',
      namespace: 'r',
      fields: [{ name: 'base', type: 'r.Base' }],
    })
    const v1 = await call('POST', '/subjects/ref-user/versions', {
      schema: user,
      references: [{ name: 'r.Base', subject: 'ref-base', version: -1 }],
    })
    expect(v1.body).toMatchObject({ version: 1, references: [{ name: 'r.Base', subject: 'ref-base', version: 1 }] })
    await call('POST', '/subjects/ref-base/versions', avro(base2))
    const latestRefs = { schema: user, references: [{ name: 'r.Base', subject: 'ref-base', version: -1 }] }
    expect(await call('POST', '/subjects/ref-user', latestRefs)).toMatchObject({
      status: 404,
      body: { error_code: 40403 },
    })
    const v2 = await call('POST', '/subjects/ref-user/versions', latestRefs)
    expect(v2.body).toMatchObject({ version: 2, references: [{ name: 'r.Base', subject: 'ref-base', version: 2 }] })
    expect(v2.body.id).not.toBe(v1.body.id)
    const pinned = { schema: user, references: [{ name: 'r.Base', subject: 'ref-base', version: 1 }] }
    expect((await call('POST', '/subjects/ref-user', pinned)).body).toMatchObject({ version: 1, id: v1.body.id })
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.js'

// Hot reads are answered from a cache that keeps each answer until a write touches what it was
// derived from. Every write that can change an answer must be seen by the next read.

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(() => server.close())

const headers = { 'content-type': 'application/vnd.schemaregistry.v1+json' }
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(server.url + path, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: res.status, body: (await res.json()) as any }
}
const record = (name: string, extra = 0) =>
  JSON.stringify({
    type: 'record',
    name,
    fields: Array.from({ length: extra + 1 }, (_, i) => ({ name: `f${i}`, type: 'string', default: '' })),
  })

describe('cached reads', () => {
  it('follow every write to the subject, the id and the settings they were derived from', async () => {
    const { body: v1 } = await call('POST', '/subjects/cached/versions', { schema: record('C') })
    const latest = () => call('GET', '/subjects/cached/versions/latest')
    expect((await latest()).body.version).toBe(1)
    expect((await call('GET', '/subjects/cached/versions')).body).toEqual([1])
    const byId = await call('GET', `/schemas/ids/${v1.id}`)
    expect(byId.body.schema).toBe(record('C'))

    // A write to another subject leaves these answers as they were.
    await call('POST', '/subjects/other/versions', { schema: record('O') })
    expect((await latest()).body.version).toBe(1)

    // A new version of the subject is the new latest, and in its list.
    const { body: v2 } = await call('POST', '/subjects/cached/versions', { schema: record('C', 1) })
    expect((await latest()).body).toMatchObject({ version: 2, id: v2.id })
    expect((await call('GET', '/subjects/cached/versions')).body).toEqual([1, 2])

    // The same id used by another subject: still served, and a soft delete of every use shows.
    await call('POST', '/subjects/again/versions', { schema: record('C') })
    expect((await call('GET', `/schemas/ids/${v1.id}?subject=again`)).body).toMatchObject({ subject: 'again' })
    await call('DELETE', '/subjects/cached/versions/2')
    expect((await latest()).body.version).toBe(1)
    expect((await call('GET', '/subjects/cached/versions')).body).toEqual([1])
    expect((await call('GET', `/schemas/ids/${v2.id}`)).body.deleted).toBe(true)
    await call('DELETE', '/subjects/cached/versions/2?permanent=true')
    expect((await call('GET', `/schemas/ids/${v2.id}`)).status).toBe(404)

    // fetchMaxId follows new ids even when the id's own uses are unchanged.
    const before = (await call('GET', `/schemas/ids/${v1.id}?fetchMaxId=true`)).body.maxId
    const { body: v3 } = await call('POST', '/subjects/more/versions', { schema: record('M') })
    expect((await call('GET', `/schemas/ids/${v1.id}?fetchMaxId=true`)).body.maxId).toBe(v3.id)
    expect(v3.id).toBeGreaterThan(before)

    // An alias set in the settings redirects the cached path to its target.
    expect((await call('PUT', '/config/cached', { alias: 'more' })).status).toBe(200)
    expect((await latest()).body).toMatchObject({ subject: 'more', id: v3.id })
    expect((await call('DELETE', '/config/cached')).status).toBe(200)
    expect((await latest()).body).toMatchObject({ subject: 'cached', version: 1 })
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.js'

const CT = 'application/vnd.schemaregistry.v1+json'

let server: TestServer
beforeAll(async () => {
  server = await startServer()
})
afterAll(async () => {
  await server.close()
})

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'content-type': CT, ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  })
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : undefined
  } catch {
    // plain text stays text
  }
  return { status: res.status, body: parsed as any, contentType: res.headers.get('content-type') }
}

const avro = (schema: unknown) => ({ schema: JSON.stringify(schema) })

describe('Content-Type is the bare media type, as Confluent sends it', () => {
  // Confluent's Jersey resources produce `application/vnd.schemaregistry.v1+json` (Versions
  // SCHEMA_REGISTRY_V1_JSON_WEIGHTED) and no charset parameter is appended to the header.
  it('on success, error, not-found and raw schema routes alike', async () => {
    await call('POST', '/subjects/ct/versions', avro('string'))
    const responses = await Promise.all([
      call('GET', '/subjects'),
      call('GET', '/subjects/ct/versions/1'),
      call('GET', '/subjects/ct/versions/1/schema'),
      call('GET', '/schemas/ids/1'),
      call('GET', '/config'),
      call('GET', '/subjects/missing/versions'),
      call('GET', '/no/such/route'),
      call('POST', '/subjects/ct/versions', avro({ type: 'bogus' })),
    ])
    for (const r of responses) expect(r.contentType).toBe(CT)
  })

  it('keeps the negotiated type bare too', async () => {
    const r = await call('GET', '/subjects', undefined, { accept: 'application/json' })
    expect(r.contentType).toBe('application/json')
  })
})

describe('Avro namespaces are validated like names', () => {
  it('refuses a namespace with an invalid part with 42201 naming it', async () => {
    const r = await call(
      'POST',
      '/subjects/ns/versions',
      avro({ type: 'record', name: 'foo', namespace: 'foo-bar-baz', fields: [] }),
    )
    expect(r.status).toBe(422)
    expect(r.body.error_code).toBe(42201)
    expect(r.body.message).toContain('foo-bar-baz')
  })

  it('refuses an invalid part of a dotted name and of a nested namespace', async () => {
    const dotted = await call('POST', '/subjects/ns/versions', avro({ type: 'record', name: 'a.1b.C', fields: [] }))
    expect(dotted.body.error_code).toBe(42201)
    const nested = await call(
      'POST',
      '/subjects/ns/versions',
      avro({
        type: 'record',
        name: 'R',
        fields: [{ name: 'e', type: { type: 'enum', name: 'E', namespace: 'ok.x y', symbols: ['A'] } }],
      }),
    )
    expect(nested.body.error_code).toBe(42201)
  })

  it('accepts valid dotted namespaces', async () => {
    const r = await call(
      'POST',
      '/subjects/ns/versions',
      avro({ type: 'record', name: 'foo', namespace: 'com.acme_1.Ünits', fields: [] }),
    )
    expect(r.status).toBe(200)
  })
})

describe('ids across a permanent delete', () => {
  const hd = { type: 'record', name: 'hd', fields: [{ name: 'f', type: 'int' }] }

  it('re-registering after a permanent delete answers the original id, as Confluent does', async () => {
    const first = await call('POST', '/subjects/hd1/versions', avro(hd))
    expect(first.status).toBe(200)
    const byIdBefore = await call('GET', `/schemas/ids/${first.body.id}`)
    expect((await call('DELETE', '/subjects/hd1')).status).toBe(200)
    expect((await call('DELETE', '/subjects/hd1?permanent=true')).status).toBe(200)
    const again = await call('POST', '/subjects/hd1/versions', avro(hd))
    expect(again.body.id).toBe(first.body.id)
    const byIdAfter = await call('GET', `/schemas/ids/${again.body.id}`)
    expect(byIdAfter.body.guid).toBe(byIdBefore.body.guid)
    expect(byIdAfter.body.schema).toBe(byIdBefore.body.schema)
    expect((await call('GET', '/subjects/hd1/versions')).body).toEqual([1])
  })

  it('never gives that id to a different schema', async () => {
    const a = await call('POST', '/subjects/hd2/versions', avro({ type: 'record', name: 'hd2', fields: [] }))
    await call('DELETE', '/subjects/hd2')
    await call('DELETE', '/subjects/hd2?permanent=true')
    const other = await call('POST', '/subjects/hd2/versions', avro({ type: 'record', name: 'other', fields: [] }))
    expect(other.body.id).not.toBe(a.body.id)
    // The old id still names only the old schema (it answers 40403 while no version uses it).
    const byId = await call('GET', `/schemas/ids/${other.body.id}`)
    expect(JSON.parse(byId.body.schema).name).toBe('other')
  })
})

describe('deleted versions and ids, as Confluent answers them', () => {
  it('latest?deleted=true when every version is soft-deleted is 40402', async () => {
    // Confluent AbstractSchemaRegistry.get(subject, version, returnDeleted): `latest` goes to
    // getLatestVersion, which skips deleted versions whatever `deleted` says; the resource
    // (SubjectVersionsResource.getSchemaByVersion) then finds the subject with deleted versions
    // and answers version-not-found (40402), not the newest deleted version.
    await call('POST', '/subjects/alldel/versions', avro('int'))
    await call('DELETE', '/subjects/alldel')
    const r = await call('GET', '/subjects/alldel/versions/latest?deleted=true')
    expect(r.status).toBe(404)
    expect(r.body.error_code).toBe(40402)
    // An explicit version number with deleted=true does see it.
    expect((await call('GET', '/subjects/alldel/versions/1?deleted=true')).status).toBe(200)
  })

  it('GET /schemas/ids/{id} is 40403 once only permanently deleted versions used the id', async () => {
    // Confluent InMemoryCache.schemaTombstoned drops the subject-version from the id's uses and
    // the id itself once none is left; SchemasResource.getSchema then answers 40403.
    const reg = await call('POST', '/subjects/gone/versions', avro({ type: 'record', name: 'gone', fields: [] }))
    await call('DELETE', '/subjects/gone')
    expect((await call('GET', `/schemas/ids/${reg.body.id}`)).status).toBe(200)
    await call('DELETE', '/subjects/gone?permanent=true')
    const r = await call('GET', `/schemas/ids/${reg.body.id}`)
    expect(r.status).toBe(404)
    expect(r.body.error_code).toBe(40403)
  })

  it('referencedby on a soft-deleted version is 200 with its live referrers', async () => {
    // Confluent SubjectVersionsResource.getReferencedBy looks the version up with deleted=true,
    // so a soft-deleted version is found; KafkaSchemaRegistry.getReferencedBy lists the ids in
    // the lookup cache's referencedBy, from which InMemoryCache.schemaDeleted removes a referrer
    // once it is soft-deleted. A soft-deleted version with no live referrer answers 200 [].
    const base = { type: 'record', name: 'Base', namespace: 'rb', fields: [{ name: 'x', type: 'int' }] }
    await call('POST', '/subjects/rb-base/versions', avro(base))
    const user = await call('POST', '/subjects/rb-user/versions', {
      schema: JSON.stringify({
        type: 'record',
        name: 'User',
        namespace: 'rb',
        fields: [{ name: 'b', type: 'rb.Base' }],
      }),
      references: [{ name: 'rb.Base', subject: 'rb-base', version: 1 }],
    })
    expect((await call('GET', '/subjects/rb-base/versions/1/referencedby')).body).toEqual([user.body.id])
    await call('DELETE', '/subjects/rb-user/versions/1')
    await call('DELETE', '/subjects/rb-base/versions/1')
    const r = await call('GET', '/subjects/rb-base/versions/1/referencedby')
    expect(r.status).toBe(200)
    expect(r.body).toEqual([])
  })
})

describe('Protobuf custom options in a oneof', () => {
  it('registers the schema and serves it back, also as a descriptor', async () => {
    const schema = `syntax = "proto3";
import "google/protobuf/descriptor.proto";
extend google.protobuf.OneofOptions { bool my_option = 50001; }
message M { oneof o { option (my_option) = true; int32 a = 1; } }`
    const r = await call('POST', '/subjects/pb-oneof/versions', { schemaType: 'PROTOBUF', schema })
    expect(r.status).toBe(200)
    const back = await call('GET', `/schemas/ids/${r.body.id}`)
    expect(back.body.schema).toContain('option (my_option) = true;')
    const serialized = await call('GET', `/schemas/ids/${r.body.id}?format=serialized`)
    expect(serialized.status).toBe(200)
  })
})

describe('error messages that say what to do', () => {
  it('42206 names the referring subject and version', async () => {
    const base = { type: 'record', name: 'Ref', namespace: 'em', fields: [{ name: 'x', type: 'int' }] }
    await call('POST', '/subjects/em-base/versions', avro(base))
    await call('POST', '/subjects/em-user/versions', {
      schema: JSON.stringify({ type: 'record', name: 'U', namespace: 'em', fields: [{ name: 'r', type: 'em.Ref' }] }),
      references: [{ name: 'em.Ref', subject: 'em-base', version: 1 }],
    })
    const r = await call('DELETE', '/subjects/em-base/versions/1')
    expect(r.status).toBe(422)
    expect(r.body.error_code).toBe(42206)
    expect(r.body.message).toContain("'em-user' version 1")
    expect(r.body.message).toContain("'em-base' version 1")
    expect(r.body.message).not.toContain('keytype')
    const subject = await call('DELETE', '/subjects/em-base')
    expect(subject.body.error_code).toBe(42206)
    expect(subject.body.message).toContain("'em-user' version 1")
  })

  it('refusing IMPORT mode over existing subjects mentions ?force=true', async () => {
    await call('POST', '/subjects/imp/versions', avro('long'))
    const r = await call('PUT', '/mode/imp', { mode: 'IMPORT' })
    expect(r.status).toBe(422)
    expect(r.body.error_code).toBe(42205)
    expect(r.body.message).toContain('?force=true')
    expect((await call('PUT', '/mode/imp?force=true', { mode: 'IMPORT' })).status).toBe(200)
    await call('PUT', '/mode/imp', { mode: 'READWRITE' })
  })

  it('415 lists the accepted media types', async () => {
    const r = await call('POST', '/subjects/x/versions', avro('int'), { 'content-type': 'text/plain' })
    expect(r.status).toBe(415)
    expect(r.body.error_code).toBe(415)
    for (const t of [
      'application/vnd.schemaregistry.v1+json',
      'application/vnd.schemaregistry+json',
      'application/json',
      'application/octet-stream',
    ]) {
      expect(r.body.message).toContain(t)
    }
  })
})

describe('GET /schemas/ids/{id}?subject= when a named context has the same id', () => {
  it('answers the schema the subject itself uses under that id', async () => {
    // Confluent getSchemaKeyUsingContexts tries the subject's own use of the id first.
    const own = await call('POST', '/subjects/same-id/versions', avro({ type: 'record', name: 'SameId', fields: [] }))
    for (let i = 0; i < own.body.id; i++)
      await call('POST', `/subjects/:.other:filler${i}/versions`, avro({ type: 'enum', name: `F${i}`, symbols: ['A'] }))
    const r = await call('GET', `/schemas/ids/${own.body.id}?subject=same-id`)
    expect(JSON.parse(r.body.schema).name).toBe('SameId')
  })
})

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.js'
import { basic, usersYaml } from './fixtures.js'

// A principal allowed only team-a subjects must not reach team-b's schemas through references.

const JSON_TYPE = 'application/vnd.schemaregistry.v1+json'
const TEAM_A_PASSWORD = 'team-a-pass'
const SECRET = JSON.stringify({
  type: 'record',
  name: 'Secret',
  namespace: 'b',
  fields: [{ name: 'pin', type: 'string' }],
})
const REFERRING = JSON.stringify({
  type: 'record',
  name: 'Holder',
  namespace: 'a',
  fields: [{ name: 's', type: 'b.Secret' }],
})
const SECRET_PROTO = 'syntax = "proto3";\npackage b;\nmessage Secret { string pin = 1; }\n'
const REFERRING_PROTO = 'syntax = "proto3";\npackage a;\nimport "secret.proto";\nmessage Holder { b.Secret s = 1; }\n'

/** A record with one field of the referenced type `b.Secret`. */
const holderOf = (namespace: string, name: string) =>
  JSON.stringify({ type: 'record', name, namespace, fields: [{ name: 's', type: 'b.Secret' }] })

let server: TestServer
let dir: string

async function call(method: string, path: string, auth: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: auth, ...(body !== undefined ? { 'content-type': JSON_TYPE } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> }
}

let admin: string
let teamA: string
const avroRef = (subject: string, version = 1) => ({
  schema: REFERRING,
  references: [{ name: 'b.Secret', subject, version }],
})
const protoRef = (subject: string) => ({
  schemaType: 'PROTOBUF',
  schema: REFERRING_PROTO,
  references: [{ name: 'secret.proto', subject, version: 1 }],
})

function expectDenied(res: { status: number; body: Record<string, unknown> }, subject: string) {
  expect(res.status).toBe(403)
  expect(res.body.error_code).toBe(40301)
  expect(res.body.message).toBe(`User is denied operation Read on Subject: ${subject}`)
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'registrum-auth-refs-'))
  const file = join(dir, 'users.yaml')
  const { hashPassword } = await import('../../src/http/auth/password.js')
  const yaml = (
    await usersYaml(`  - { principal: team-a, subject: "team-a-*", grant: admin }
  - { principal: team-a, subject: ":.*:team-a-*", grant: admin }
`)
  ).replace('users:\n', `users:\n  team-a: { password: ${JSON.stringify(await hashPassword(TEAM_A_PASSWORD))} }\n`)
  writeFileSync(file, yaml)
  server = await startServer({ authFile: file })
  const { PASSWORDS } = await import('./fixtures.js')
  admin = basic('admin', PASSWORDS.admin)
  teamA = basic('team-a', TEAM_A_PASSWORD)
  for (const subject of ['team-b-secret', ':.ctx:team-b-secret']) {
    expect((await call('POST', `/subjects/${subject}/versions`, admin, { schema: SECRET })).status).toBe(200)
  }
  expect(
    (await call('POST', '/subjects/team-b-proto/versions', admin, { schemaType: 'PROTOBUF', schema: SECRET_PROTO }))
      .status,
  ).toBe(200)
  // team-b-mid is readable to nobody but admins and references the secret: a transitive path.
  expect((await call('POST', '/subjects/team-a-open/versions', admin, { schema: SECRET })).status).toBe(200)
})

afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('references and access control', () => {
  it('refuses to register a schema referencing a subject the caller cannot read, in any context', async () => {
    expectDenied(await call('POST', '/subjects/team-a-ref/versions', teamA, avroRef('team-b-secret')), 'team-b-secret')
    expectDenied(
      await call('POST', '/subjects/:.ctx:team-a-ref/versions', teamA, avroRef('team-b-secret')),
      ':.ctx:team-b-secret',
    )
    expectDenied(
      await call('POST', '/contexts/.ctx/subjects/team-a-ref/versions', teamA, avroRef('team-b-secret')),
      ':.ctx:team-b-secret',
    )
    expectDenied(
      await call('POST', '/subjects/team-a-ref/versions', teamA, avroRef(':.ctx:team-b-secret')),
      ':.ctx:team-b-secret',
    )
    expectDenied(await call('POST', '/subjects/team-a-proto/versions', teamA, protoRef('team-b-proto')), 'team-b-proto')
    // Nothing was registered, so nothing can be read back resolved or serialized.
    expect((await call('GET', '/subjects/team-a-ref/versions/1?format=resolved', teamA)).status).toBe(404)
    expect((await call('GET', '/subjects/team-a-proto/versions/1?format=serialized', teamA)).status).toBe(404)
  })

  it('refuses to inline, on read, a reference the caller cannot read', async () => {
    // An administrator registered team-a-held referencing team-b-secret; team-a may read it,
    // but not with team-b's schema inlined.
    expect((await call('POST', '/subjects/team-a-held/versions', admin, avroRef('team-b-secret'))).status).toBe(200)
    await call('GET', '/subjects/team-a-held/versions/1?format=resolved', admin)
    for (const path of ['/subjects/team-a-held/versions/1', '/subjects/team-a-held/versions/1/schema']) {
      expectDenied(await call('GET', `${path}?format=resolved`, teamA), 'team-b-secret')
      expect((await call('GET', path, teamA)).status).toBe(200)
    }
    expect((await call('GET', '/subjects/team-a-held/versions/1?format=resolved', admin)).status).toBe(200)
  })

  it('refuses a lookup that would resolve a reference the caller cannot read', async () => {
    expect((await call('POST', '/subjects/team-a-held/versions', admin, avroRef('team-b-secret'))).status).toBe(200)
    expectDenied(
      await call('POST', '/subjects/team-a-held?format=resolved', teamA, avroRef('team-b-secret')),
      'team-b-secret',
    )
  })

  it('answers the compatibility endpoint the same whether or not the referenced subject exists', async () => {
    for (const subject of ['team-b-secret', 'team-b-nothing-here']) {
      expectDenied(await call('POST', '/compatibility/subjects/team-a-open/versions', teamA, avroRef(subject)), subject)
      expectDenied(
        await call('POST', '/compatibility/subjects/team-a-open/versions/latest', teamA, avroRef(subject, 7)),
        subject,
      )
    }
  })

  it('checks references transitively', async () => {
    // A readable subject whose schema references an unreadable one.
    const viaMid = {
      schema: holderOf('a', 'Mid'),
      references: [{ name: 'b.Secret', subject: 'team-b-secret', version: 1 }],
    }
    expect((await call('POST', '/subjects/team-a-mid/versions', admin, viaMid)).status).toBe(200)
    const top = JSON.stringify({ type: 'record', name: 'Top', namespace: 'a', fields: [{ name: 'm', type: 'a.Mid' }] })
    const body = { schema: top, references: [{ name: 'a.Mid', subject: 'team-a-mid', version: 1 }] }
    expectDenied(await call('POST', '/subjects/team-a-top/versions', teamA, body), 'team-b-secret')
    expect((await call('POST', '/subjects/team-a-top/versions', admin, body)).status).toBe(200)
  })

  it('still lets the caller use references it may read', async () => {
    const own = { schema: REFERRING, references: [{ name: 'b.Secret', subject: 'team-a-open', version: 1 }] }
    const res = await call('POST', '/subjects/team-a-own/versions', teamA, own)
    expect(res.status).toBe(200)
    expect((await call('GET', '/subjects/team-a-own/versions/1?format=resolved', teamA)).status).toBe(200)
  })

  it('names only the referrers the caller may see when a delete is refused', async () => {
    // team-a-open v1 is referenced by team-a-own (readable) and, below, by a team-b schema.
    const hidden = { schema: REFERRING, references: [{ name: 'b.Secret', subject: 'team-a-open', version: 1 }] }
    expect((await call('POST', '/subjects/team-b-user/versions', admin, hidden)).status).toBe(200)
    const res = await call('DELETE', '/subjects/team-a-open/versions/1', teamA)
    expect(res.status).toBe(422)
    expect(res.body.error_code).toBe(42206)
    expect(res.body.message).toContain('team-a-own')
    expect(res.body.message).not.toContain('team-b-user')
    expect(res.body.message).toContain('subjects you may not read')
    const hiddenBody = {
      schema: holderOf('b', 'Other'),
      references: [{ name: 'b.Secret', subject: 'team-a-open', version: 1 }],
    }
    const hiddenId = (await call('POST', '/subjects/team-b-only/versions', admin, hiddenBody)).body.id
    const referrers = (await call('GET', '/subjects/team-a-open/versions/1/referencedby', teamA))
      .body as unknown as number[]
    expect(referrers).not.toContain(hiddenId)
    expect(referrers.length).toBe(1)
    const all = (await call('GET', '/subjects/team-a-open/versions/1/referencedby', admin)).body as unknown as number[]
    expect(all).toContain(hiddenId)
    const asAdmin = await call('DELETE', '/subjects/team-a-open/versions/1', admin)
    expect(asAdmin.body.message).toContain('team-b-user')
    expect(asAdmin.body.message).toContain('team-a-own')
  })

  it("applies the same rule to the web UI's try-a-schema check and register", async () => {
    expect(
      (
        await call('POST', '/subjects/team-a-ui/versions', teamA, {
          schema: holderOf('a', 'Plain').replace('"b.Secret"', '"string"'),
        })
      ).status,
    ).toBe(200)
    const page = await fetch(`${server.url}/ui/subjects/team-a-ui/try`, { headers: { authorization: teamA } })
    expect(page.status).toBe(200)
    const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1]
    expect(csrf).toBeDefined()
    const attempt = async (subject: string, action: string) => {
      const form = new URLSearchParams({
        csrf: csrf!,
        action,
        schemaType: 'AVRO',
        schema: REFERRING,
        references: JSON.stringify([{ name: 'b.Secret', subject, version: 1 }]),
      })
      const res = await fetch(`${server.url}/ui/subjects/team-a-ui/try`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          authorization: teamA,
          'content-type': 'application/x-www-form-urlencoded',
          'sec-fetch-site': 'same-origin',
        },
        body: form.toString(),
      })
      return { status: res.status, text: await res.text() }
    }
    const existing = await attempt('team-b-secret', 'check')
    const missing = await attempt('team-b-missing', 'check')
    expect(existing.status).toBe(403)
    expect(missing.status).toBe(403)
    expect(existing.text).toContain('Read on Subject: team-b-secret')
    expect(existing.text).not.toContain('pin')
    expect((await attempt('team-b-secret', 'register')).status).toBe(403)
    const versions = (await call('GET', '/subjects/team-a-ui/versions', admin)).body as unknown as number[]
    expect(versions).toEqual([1])
  })

  it('refuses the resolved form of a schema by id or guid when a referenced subject is unreadable', async () => {
    const held = await call('POST', '/subjects/team-a-held/versions', admin, avroRef('team-b-secret'))
    expect(held.status).toBe(200)
    const { id, guid } = held.body as { id: number; guid: string }
    // An answer cached for the admin must not be served past team-a's check.
    expect((await call('GET', `/schemas/ids/${id}?format=resolved`, admin)).status).toBe(200)
    expectDenied(await call('GET', `/schemas/ids/${id}?format=resolved`, teamA), 'team-b-secret')
    expectDenied(await call('GET', `/schemas/ids/${id}/schema?format=resolved`, teamA), 'team-b-secret')
    expectDenied(await call('GET', `/schemas/guids/${guid}?format=resolved`, teamA), 'team-b-secret')
    const plain = await call('GET', `/schemas/ids/${id}`, teamA)
    expect(plain.status).toBe(200)
    expect(JSON.stringify(plain.body)).not.toContain('pin')
  })
})

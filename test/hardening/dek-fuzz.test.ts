/**
 * The DEK registry under generated requests: any route, odd path segments and query values,
 * bodies of any JSON shape. No answer is a 5xx or anything but the JSON error envelope, and
 * whatever the registry stored still holds together afterwards.
 */
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/http/app.js'
import { DEK_ALGORITHMS, KEY_LIMITS } from '../../src/registry/encryption-keys.js'
import { createRegistry } from '../../src/registry/registry.js'
import { MemoryStore } from '../../src/store/memory/memory-store.js'

const RUNS = 4_000
const KEKS = '/dek-registry/v1/keks'
const WRAPPED = Buffer.from('wrapped').toString('base64')

let app: FastifyInstance
let store: MemoryStore
const statuses = new Map<number, number>()

beforeAll(async () => {
  store = new MemoryStore()
  app = await buildApp({ registry: createRegistry({ store, options: { maxEncryptionKeys: 500 } }) })
  const seed = async (url: string, payload: unknown) => {
    const res = await app.inject({ method: 'POST', url, payload: payload as object })
    expect(res.statusCode, res.body).toBe(200)
  }
  await seed(KEKS, { name: 'k1', kmsType: 'aws-kms', kmsKeyId: 'arn' })
  await seed(`${KEKS}/k1/deks`, { subject: 's1', encryptedKeyMaterial: WRAPPED })
})

afterAll(async () => {
  await app?.close()
  const counts = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`)
  console.log(`fuzz DEK registry: ${RUNS} requests, statuses ${counts.join(' ')}`)
})

/** Path segments: the seeded names, plausible ones, and anything at all. */
const segment = fc.oneof(
  fc.constantFrom('k1', 's1', 'k2', 's-value', '_k', 'latest', '-1', '1', '2', '0', '2147483648', ''),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer().map(String),
)
const queryValue = fc.oneof(
  fc.constantFrom(...DEK_ALGORITHMS, 'true', 'false', 'TRUE', '', '-1', '1', 'x', '.', '.ctx'),
  fc.string({ maxLength: 20 }),
)
const query = fc
  .array(
    fc.tuple(
      fc.constantFrom('algorithm', 'deleted', 'permanent', 'subjectPrefix', 'offset', 'limit', 'context'),
      queryValue,
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : ''))

const enc = encodeURIComponent
const route = fc.oneof(
  fc.constant(['GET', KEKS] as const),
  fc.constant(['POST', KEKS] as const),
  segment.map((n) => ['GET', `${KEKS}/${enc(n)}`] as const),
  segment.map((n) => ['PUT', `${KEKS}/${enc(n)}`] as const),
  segment.map((n) => ['DELETE', `${KEKS}/${enc(n)}`] as const),
  segment.map((n) => ['POST', `${KEKS}/${enc(n)}/undelete`] as const),
  segment.map((n) => ['GET', `${KEKS}/${enc(n)}/deks`] as const),
  segment.map((n) => ['POST', `${KEKS}/${enc(n)}/deks`] as const),
  fc
    .tuple(fc.constantFrom('GET', 'POST', 'DELETE'), segment, segment)
    .map(([m, n, s]) => [m, `${KEKS}/${enc(n)}/deks/${enc(s)}`] as const),
  fc.tuple(segment, segment).map(([n, s]) => ['POST', `${KEKS}/${enc(n)}/deks/${enc(s)}/undelete`] as const),
  fc.tuple(segment, segment).map(([n, s]) => ['GET', `${KEKS}/${enc(n)}/deks/${enc(s)}/versions`] as const),
  fc
    .tuple(fc.constantFrom('GET', 'DELETE', 'POST'), segment, segment, segment)
    .map(
      ([m, n, s, v]) =>
        [m, `${KEKS}/${enc(n)}/deks/${enc(s)}/versions/${enc(v)}${m === 'POST' ? '/undelete' : ''}`] as const,
    ),
)

/** Bodies: well-formed keys with odd values, and JSON of any shape. */
const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), segment, fc.constant(WRAPPED))
const body = fc.oneof(
  fc.record(
    {
      name: anyValue,
      kmsType: anyValue,
      kmsKeyId: anyValue,
      kmsProps: fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })), anyValue),
      doc: anyValue,
      shared: fc.oneof(fc.boolean(), anyValue),
      deleted: fc.oneof(fc.boolean(), anyValue),
      subject: anyValue,
      version: fc.oneof(fc.integer({ min: -2, max: 4 }), anyValue),
      algorithm: fc.oneof(fc.constantFrom(...DEK_ALGORITHMS), anyValue),
      encryptedKeyMaterial: fc.oneof(fc.constant(WRAPPED), fc.base64String({ maxLength: 40 }), anyValue),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 4 }),
)

const NAME = /^[\p{L}_][\p{L}\p{N}_-]*$/u

describe('fuzzing the DEK registry', () => {
  it(`answers ${RUNS} generated requests without a 5xx, and keeps the stored keys consistent`, async () => {
    await fc.assert(
      fc.asyncProperty(route, query, fc.option(body, { nil: undefined }), async ([method, path], q, payload) => {
        const res = await app.inject({
          method,
          url: `${path}${q}`,
          ...(payload !== undefined
            ? { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payload) }
            : {}),
        })
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
        if (res.statusCode >= 500) throw new Error(`${method} ${path}${q}: ${res.statusCode} ${res.body}`)
        if (res.statusCode >= 400) {
          const error = JSON.parse(res.body) as { error_code?: unknown; message?: unknown }
          if (typeof error.error_code !== 'number' || typeof error.message !== 'string') {
            throw new Error(`${method} ${path}${q}: ${res.statusCode} without the envelope: ${res.body}`)
          }
        }
      }),
      { numRuns: RUNS },
    )
    const keks = [...store.keks()]
    for (const k of keks) {
      expect(k.name).toMatch(NAME)
      expect(k.name.length).toBeLessThanOrEqual(KEY_LIMITS.name)
      expect(k.shared).toBe(false)
      expect(typeof k.kmsKeyId).toBe('string')
      for (const d of store.deksOf(k.name)) {
        expect(DEK_ALGORITHMS).toContain(d.algorithm)
        expect(Number.isInteger(d.version) && d.version >= 1).toBe(true)
        expect(Buffer.from(d.encryptedKeyMaterial, 'base64').toString('base64')).toBe(d.encryptedKeyMaterial)
        // A live DEK never hangs under a soft-deleted KEK.
        if (!d.deleted) expect(k.deleted).toBe(false)
      }
    }
  }, 300_000)
})

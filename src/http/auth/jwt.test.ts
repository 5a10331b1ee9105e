import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { createJwtVerifier } from './jwt.js'

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

function token(alg: string, kid: string, claims: object, key: KeyObject, extraHeader: object = {}): string {
  const data = `${b64({ alg, kid, typ: 'JWT', ...extraHeader })}.${b64(claims)}`
  const sig = alg.startsWith('ES')
    ? sign('sha256', Buffer.from(data), { key, dsaEncoding: 'ieee-p1363' })
    : sign('sha256', Buffer.from(data), key)
  return `${data}.${sig.toString('base64url')}`
}

describe('JWT verification against a JWKS', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwks = {
    keys: [
      { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'r1' },
      { ...ec.publicKey.export({ format: 'jwk' }), kid: 'e1' },
    ],
  }
  const verifier = createJwtVerifier({ jwks, issuer: 'https://issuer', audience: 'registrum' })
  const claims = { sub: 'alice', iss: 'https://issuer', aud: 'registrum', exp: 2_000_000_000 }

  it('accepts RS256 and ES256 tokens signed by a listed key', () => {
    expect(verifier.verify(token('RS256', 'r1', claims, rsa.privateKey))?.sub).toBe('alice')
    expect(verifier.verify(token('ES256', 'e1', claims, ec.privateKey))?.sub).toBe('alice')
  })

  it('rejects a token signed by another key, expired, or for another audience or issuer', () => {
    expect(verifier.verify(token('RS256', 'r1', claims, other.privateKey))).toBeUndefined()
    expect(verifier.verify(token('RS256', 'r1', { ...claims, exp: 1000 }, rsa.privateKey))).toBeUndefined()
    expect(verifier.verify(token('RS256', 'r1', { ...claims, aud: 'x' }, rsa.privateKey))).toBeUndefined()
    expect(verifier.verify(token('RS256', 'r1', { ...claims, iss: 'x' }, rsa.privateKey))).toBeUndefined()
  })

  it('refuses alg none, HMAC and garbage', () => {
    expect(verifier.verify(`${b64({ alg: 'none' })}.${b64(claims)}.`)).toBeUndefined()
    expect(verifier.verify(`${b64({ alg: 'HS256', kid: 'r1' })}.${b64(claims)}.AAAA`)).toBeUndefined()
    expect(verifier.verify('not a token')).toBeUndefined()
    expect(verifier.verify('a.b.c')).toBeUndefined()
  })

  it('refuses a token without exp unless exp is optional', () => {
    const { exp: _exp, ...noExp } = claims
    expect(verifier.verify(token('RS256', 'r1', noExp, rsa.privateKey))).toBeUndefined()
    const lenient = createJwtVerifier({ jwks, issuer: 'https://issuer', audience: 'registrum', requireExp: false })
    expect(lenient.verify(token('RS256', 'r1', noExp, rsa.privateKey))?.sub).toBe('alice')
  })

  it('refuses exp and nbf that are not numbers', () => {
    const lenient = createJwtVerifier({ jwks, requireExp: false })
    for (const bad of [
      { exp: '2000000000' },
      { exp: null },
      { exp: true },
      { nbf: '0' },
      { nbf: [1] },
      { exp: 2_000_000_000, nbf: 'now' },
    ]) {
      expect(
        lenient.verify(token('RS256', 'r1', { sub: 'alice', ...bad }, rsa.privateKey)),
        JSON.stringify(bad),
      ).toBeUndefined()
    }
    expect(lenient.verify(token('RS256', 'r1', { sub: 'alice', nbf: 0 }, rsa.privateKey))?.sub).toBe('alice')
  })

  it('refuses a token whose crit header names an extension, understood or not (RFC 7515 4.1.11)', () => {
    expect(verifier.verify(token('RS256', 'r1', claims, rsa.privateKey, { crit: ['exp'], exp: 1 }))).toBeUndefined()
    expect(
      verifier.verify(token('RS256', 'r1', claims, rsa.privateKey, { crit: ['x-custom'], 'x-custom': 1 })),
    ).toBeUndefined()
    expect(verifier.verify(token('RS256', 'r1', claims, rsa.privateKey, { crit: [] }))).toBeUndefined()
  })
})

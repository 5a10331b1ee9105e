import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto'

/** Algorithms accepted, with the digest and signature encoding node:crypto needs for each. */
const ALGORITHMS: Record<string, { digest: string; dsaEncoding?: 'ieee-p1363'; kty: string }> = {
  RS256: { digest: 'sha256', kty: 'RSA' },
  RS384: { digest: 'sha384', kty: 'RSA' },
  RS512: { digest: 'sha512', kty: 'RSA' },
  ES256: { digest: 'sha256', dsaEncoding: 'ieee-p1363', kty: 'EC' },
  ES384: { digest: 'sha384', dsaEncoding: 'ieee-p1363', kty: 'EC' },
}

export interface JwtVerifier {
  /** The claims of a valid token, or undefined (bad signature, unknown key, expired, wrong iss/aud). */
  verify(token: string, nowSeconds?: number): Record<string, unknown> | undefined
}

export interface JwtOptions {
  /** A JWKS document: `{ "keys": [ { "kty": "RSA", "kid": ..., "n": ..., "e": ... } ] }`. */
  readonly jwks: { readonly keys: readonly JsonWebKey[] }
  readonly issuer?: string
  readonly audience?: string
  /** Allowed clock skew for `exp`/`nbf`, seconds. */
  readonly leewaySeconds?: number
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

/**
 * Verifies compact JWS tokens (RS256/384/512, ES256/384) against a static JWKS. `alg: none` and
 * HMAC algorithms are refused, and a key is only used with the algorithm family of its `kty`.
 *
 * @example
 * const jwt = createJwtVerifier({ jwks: JSON.parse(readFileSync('jwks.json', 'utf8')), audience: 'registrum' })
 * const claims = jwt.verify(token) // undefined when invalid
 */
export function createJwtVerifier({ jwks, issuer, audience, leewaySeconds = 30 }: JwtOptions): JwtVerifier {
  const keys: { kid: string | undefined; kty: string; key: KeyObject }[] = jwks.keys.map((jwk) => ({
    kid: typeof jwk.kid === 'string' ? jwk.kid : undefined,
    kty: String(jwk.kty),
    key: createPublicKey({ key: jwk, format: 'jwk' }),
  }))
  return {
    verify(token, nowSeconds = Date.now() / 1000) {
      const parts = token.split('.')
      if (parts.length !== 3) return undefined
      const [h, p, s] = parts as [string, string, string]
      const header = decodeSegment(h)
      const claims = decodeSegment(p)
      if (!header || !claims) return undefined
      const alg = ALGORITHMS[String(header.alg)]
      if (!alg) return undefined
      const candidates = keys.filter((k) => k.kty === alg.kty && (header.kid === undefined || k.kid === header.kid))
      const signature = Buffer.from(s, 'base64url')
      const data = Buffer.from(`${h}.${p}`)
      const ok = candidates.some((k) => {
        try {
          return verify(alg.digest, data, alg.dsaEncoding ? { key: k.key, dsaEncoding: alg.dsaEncoding } : k.key, signature)
        } catch {
          return false
        }
      })
      if (!ok) return undefined
      if (typeof claims.exp === 'number' && nowSeconds > claims.exp + leewaySeconds) return undefined
      if (typeof claims.nbf === 'number' && nowSeconds + leewaySeconds < claims.nbf) return undefined
      if (issuer !== undefined && claims.iss !== issuer) return undefined
      if (audience !== undefined) {
        const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
        if (!aud.includes(audience)) return undefined
      }
      return claims
    },
  }
}

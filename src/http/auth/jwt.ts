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
  /** Refuse tokens without an `exp` claim (default true): such a token would never expire. */
  readonly requireExp?: boolean
}

/** A NumericDate claim (RFC 7519 2): absent, or a finite number; anything else refuses the token. */
function numericDate(claims: Record<string, unknown>, name: string): number | undefined | 'invalid' {
  const v = claims[name]
  if (v === undefined) return undefined
  return typeof v === 'number' && Number.isFinite(v) ? v : 'invalid'
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Verifies compact JWS tokens (RS256/384/512, ES256/384) against a static JWKS. `alg: none` and
 * HMAC algorithms are refused, and a key is only used with the algorithm family of its `kty`.
 * `exp` is required unless `requireExp` is false; a non-numeric `exp`/`nbf` and any `crit`
 * header refuse the token.
 *
 * @example
 * const jwt = createJwtVerifier({ jwks: JSON.parse(readFileSync('jwks.json', 'utf8')), audience: 'registrum' })
 * const claims = jwt.verify(token) // undefined when invalid
 */
export function createJwtVerifier({
  jwks,
  issuer,
  audience,
  leewaySeconds = 30,
  requireExp = true,
}: JwtOptions): JwtVerifier {
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
      // No extension is understood, so any `crit` header refuses the token (RFC 7515 4.1.11).
      if (header.crit !== undefined) return undefined
      const alg = ALGORITHMS[String(header.alg)]
      if (!alg) return undefined
      const candidates = keys.filter((k) => k.kty === alg.kty && (header.kid === undefined || k.kid === header.kid))
      const signature = Buffer.from(s, 'base64url')
      const data = Buffer.from(`${h}.${p}`)
      const ok = candidates.some((k) => {
        try {
          return verify(
            alg.digest,
            data,
            alg.dsaEncoding ? { key: k.key, dsaEncoding: alg.dsaEncoding } : k.key,
            signature,
          )
        } catch {
          return false
        }
      })
      if (!ok) return undefined
      const exp = numericDate(claims, 'exp')
      const nbf = numericDate(claims, 'nbf')
      if (exp === 'invalid' || nbf === 'invalid') return undefined
      if (exp === undefined ? requireExp : nowSeconds > exp + leewaySeconds) return undefined
      if (nbf !== undefined && nowSeconds + leewaySeconds < nbf) return undefined
      if (issuer !== undefined && claims.iss !== issuer) return undefined
      if (audience !== undefined) {
        const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
        if (!aud.includes(audience)) return undefined
      }
      return claims
    },
  }
}

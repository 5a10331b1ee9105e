import type { AuthSettings } from './auth-file.js'
import { sha256Hex } from './auth-file.js'
import { verifyPassword } from './password.js'
import type { Principal } from './permissions.js'

/** `missing`: no credentials sent; `invalid`: credentials sent and refused. */
export type AuthResult = Principal | 'missing' | 'invalid'

const CACHE_SIZE = 1024

/**
 * Turns an `Authorization` header into a principal. scrypt is deliberately slow, so a verified
 * basic credential is remembered (by its sha256, never in clear) and later requests skip it.
 *
 * @example
 * const authenticate = createAuthenticator(settings)
 * await authenticate('Basic YWxpY2U6czNjcmV0') // { name: 'alice', via: 'basic' }
 */
export function createAuthenticator(settings: AuthSettings): (header: string | undefined) => Promise<AuthResult> {
  const verified = new Map<string, Principal>()
  const remember = (key: string, p: Principal) => {
    if (verified.size >= CACHE_SIZE) verified.delete(verified.keys().next().value!)
    verified.set(key, p)
  }

  const basic = async (encoded: string): Promise<AuthResult> => {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0) return 'invalid'
    const name = decoded.slice(0, colon)
    const cacheKey = sha256Hex(decoded)
    const cached = verified.get(cacheKey)
    if (cached) return cached
    const hash = settings.users.get(name)
    if (hash === undefined || !(await verifyPassword(decoded.slice(colon + 1), hash))) return 'invalid'
    const principal: Principal = { name, via: 'basic' }
    remember(cacheKey, principal)
    return principal
  }

  const bearer = (token: string): AuthResult => {
    const keyOwner = settings.apiKeys.get(sha256Hex(token))
    if (keyOwner !== undefined) return { name: keyOwner, via: 'api-key' }
    if (settings.jwt) {
      const claims = settings.jwt.verifier.verify(token)
      const name = claims?.[settings.jwt.principalClaim]
      if (typeof name === 'string' && name !== '') return { name, via: 'jwt' }
    }
    return 'invalid'
  }

  return async (header) => {
    if (header === undefined || header.trim() === '') return 'missing'
    const m = /^(\S+)\s+(.+)$/.exec(header.trim())
    if (!m) return 'invalid'
    const scheme = m[1]!.toLowerCase()
    if (scheme === 'basic') return basic(m[2]!.trim())
    if (scheme === 'bearer') return bearer(m[2]!.trim())
    return 'invalid'
  }
}

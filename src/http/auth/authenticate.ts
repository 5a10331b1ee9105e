import { randomBytes } from 'node:crypto'
import type { AuthSettings } from './auth-file.js'
import { sha256Hex } from './auth-file.js'
import { hashPassword, verifyPassword } from './password.js'
import type { Principal } from './permissions.js'
import { FailureThrottle, Semaphore } from './throttle.js'

/**
 * `missing`: no credentials sent; `invalid`: credentials sent and refused; `throttled`: too many
 * recent failures for this principal or address, or too many checks in flight from the address.
 */
export type AuthResult = Principal | 'missing' | 'invalid' | { readonly throttledMs: number }

const CACHE_SIZE = 1024
/** Password checks (scrypt, in libuv's pool of 4 threads) running at once, server-wide. */
export const MAX_CONCURRENT_PASSWORD_CHECKS = 2
/** Password checks one client address may have waiting or running at once. */
export const MAX_PENDING_CHECKS_PER_ADDRESS = 4
/** Failures before a principal name, then a client address, is slowed down. */
export const FREE_FAILURES_PER_PRINCIPAL = 5
export const FREE_FAILURES_PER_ADDRESS = 20

export interface Authenticator {
  (header: string | undefined, address?: string): Promise<AuthResult>
  /** Counts for metrics: scrypt checks run, and requests refused by throttling. */
  readonly stats: { passwordChecks: number; throttled: number }
}

/**
 * Turns an `Authorization` header into a principal. scrypt is deliberately slow, so a verified
 * basic credential is remembered (by its sha256, never in clear) and later requests skip it.
 * An unknown user is checked against a dummy hash, so timing does not reveal who exists; checks
 * run at most MAX_CONCURRENT_PASSWORD_CHECKS at a time, and repeated failures slow down their
 * principal name and client address (`throttledMs`), so a flood of wrong passwords neither
 * stalls other users' sign-ins nor guesses fast.
 *
 * @example
 * const authenticate = createAuthenticator(settings)
 * await authenticate('Basic YWxpY2U6czNjcmV0', '10.0.0.7') // { name: 'alice', via: 'basic' }
 */
export function createAuthenticator(settings: AuthSettings, now: () => number = Date.now): Authenticator {
  const verified = new Map<string, Principal>()
  const remember = (key: string, p: Principal) => {
    if (verified.size >= CACHE_SIZE) verified.delete(verified.keys().next().value!)
    verified.set(key, p)
  }
  const stats = { passwordChecks: 0, throttled: 0 }
  const checks = new Semaphore(MAX_CONCURRENT_PASSWORD_CHECKS)
  const pending = new Map<string, number>()
  const byPrincipal = new FailureThrottle(FREE_FAILURES_PER_PRINCIPAL)
  const byAddress = new FailureThrottle(FREE_FAILURES_PER_ADDRESS)
  // An unknown user is checked against this, so a refusal takes as long whether or not the user exists.
  const dummy = hashPassword(randomBytes(16).toString('base64'))

  const basic = async (encoded: string, address: string): Promise<AuthResult> => {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0) return 'invalid'
    const name = decoded.slice(0, colon)
    const cacheKey = sha256Hex(decoded)
    const cached = verified.get(cacheKey)
    if (cached) return cached
    const userKey = `user:${name}`
    const addressKey = `address:${address}`
    const wait = Math.max(byPrincipal.waitMs(userKey, now()), byAddress.waitMs(addressKey, now()))
    const inFlight = pending.get(address) ?? 0
    if (wait > 0 || inFlight >= MAX_PENDING_CHECKS_PER_ADDRESS) {
      stats.throttled++
      return { throttledMs: Math.max(wait, 1000) }
    }
    pending.set(address, inFlight + 1)
    let ok: boolean
    try {
      const hash = settings.users.get(name)
      const against = hash ?? (await dummy)
      ok = await checks.run(() => {
        stats.passwordChecks++
        return verifyPassword(decoded.slice(colon + 1), against)
      })
      ok &&= hash !== undefined
    } finally {
      const left = (pending.get(address) ?? 1) - 1
      if (left > 0) pending.set(address, left)
      else pending.delete(address)
    }
    if (!ok) {
      byPrincipal.fail(userKey, now())
      byAddress.fail(addressKey, now())
      return 'invalid'
    }
    byPrincipal.succeed(userKey)
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
      if (typeof name === 'string' && name !== '') return { name: `${settings.jwt.principalPrefix}${name}`, via: 'jwt' }
    }
    return 'invalid'
  }

  const authenticate = async (header: string | undefined, address = ''): Promise<AuthResult> => {
    if (header === undefined || header.trim() === '') return 'missing'
    const m = /^(\S+)\s+(.+)$/.exec(header.trim())
    if (!m) return 'invalid'
    const scheme = m[1]!.toLowerCase()
    if (scheme === 'basic') return basic(m[2]!.trim(), address)
    if (scheme === 'bearer') return bearer(m[2]!.trim())
    return 'invalid'
  }
  return Object.assign(authenticate, { stats })
}

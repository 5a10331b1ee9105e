import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'

/**
 * Cross-site request forgery guard for the UI's forms. Browsers attach basic credentials to
 * any request to this origin, so each form carries a token only a page of this origin can read:
 * an HMAC of the principal under a secret that lives in memory for the life of the process.
 */
export class CsrfGuard {
  readonly #secret = randomBytes(32)

  token(user: string | undefined): string {
    return createHmac('sha256', this.#secret)
      .update(`ui-form\u0000${user ?? ''}`)
      .digest('base64url')
  }

  /** True when the form may be acted on: a matching token, and no cross-site fetch metadata. */
  accepts(request: FastifyRequest, user: string | undefined, sent: unknown): boolean {
    const site = request.headers['sec-fetch-site']
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return false
    if (typeof sent !== 'string') return false
    const expected = Buffer.from(this.token(user))
    const given = Buffer.from(sent)
    return given.length === expected.length && timingSafeEqual(given, expected)
  }
}

import type { AccessControl, Principal } from '../auth/permissions.js'

/** What the caller of a UI page may do, by the same rules as the API; everything when auth is off. */
export interface UiAccess {
  /** The signed-in principal; undefined when authentication is off. */
  readonly user: string | undefined
  canRead(subject: string): boolean
  /** Register under the subject (`POST /subjects/{s}/versions`). */
  canWrite(subject: string): boolean
  /** Change the subject's config and mode (`PUT /config/{s}`, `PUT /mode/{s}`). */
  canAdmin(subject: string): boolean
}

const EVERYTHING: UiAccess = { user: undefined, canRead: () => true, canWrite: () => true, canAdmin: () => true }

export function accessFor(acl: AccessControl | undefined, principal: Principal | undefined): UiAccess {
  if (!acl) return EVERYTHING
  const name = principal?.name
  if (name === undefined) return { user: undefined, canRead: () => false, canWrite: () => false, canAdmin: () => false }
  const readAll = acl.allowsGlobally(name, 'read')
  return {
    user: name,
    canRead: (s) => readAll || acl.allows(name, 'read', s),
    canWrite: (s) => acl.allows(name, 'write', s),
    canAdmin: (s) => acl.allows(name, 'admin', s),
  }
}

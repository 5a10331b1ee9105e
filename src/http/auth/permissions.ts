/** What a grant allows, each level including the ones before it. */
export const ACCESS_LEVELS = ['read', 'write', 'admin'] as const
export type Access = (typeof ACCESS_LEVELS)[number]

const RANK: Record<Access, number> = { read: 1, write: 2, admin: 3 }

/**
 * One access rule. Without `subject` or `subjectPrefix` it is global: it covers every subject
 * and the global scope (`/config`, `/mode`, `/contexts`).
 */
export interface AccessRule {
  /** A principal name, or `*` for any authenticated principal. */
  readonly principal: string
  /** Glob over the qualified subject: `*` any run of characters, `?` one character. */
  readonly subject?: string
  readonly subjectPrefix?: string
  readonly grant: Access
}

export interface Principal {
  readonly name: string
  readonly via: 'basic' | 'api-key' | 'jwt'
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${body}$`, 's')
}

interface CompiledRule {
  readonly principal: string
  readonly rank: number
  /** undefined: a global rule. */
  readonly matches?: (subject: string) => boolean
}

/**
 * Answers "may this principal do this": the highest grant over all rules that apply wins; there
 * are no deny rules.
 *
 * @example
 * const acl = new AccessControl([{ principal: 'alice', subject: 'orders-*', grant: 'write' }])
 * acl.allows('alice', 'write', 'orders-value') // true
 */
export class AccessControl {
  readonly #rules: readonly CompiledRule[]

  constructor(rules: readonly AccessRule[]) {
    this.#rules = rules.map((r): CompiledRule => {
      const rank = RANK[r.grant]
      if (r.subject !== undefined) {
        const re = globToRegExp(r.subject)
        return { principal: r.principal, rank, matches: (s) => re.test(s) }
      }
      if (r.subjectPrefix !== undefined) {
        const prefix = r.subjectPrefix
        return { principal: r.principal, rank, matches: (s) => s.startsWith(prefix) }
      }
      return { principal: r.principal, rank }
    })
  }

  #applies(rule: CompiledRule, principal: string): boolean {
    return rule.principal === '*' || rule.principal === principal
  }

  /** `access` on a qualified subject, by a subject rule or a global one. */
  allows(principal: string, access: Access, subject: string): boolean {
    const need = RANK[access]
    return this.#rules.some(
      (r) => r.rank >= need && this.#applies(r, principal) && (r.matches === undefined || r.matches(subject)),
    )
  }

  /** `access` granted by a global rule (the global scope, or every subject at once). */
  allowsGlobally(principal: string, access: Access): boolean {
    const need = RANK[access]
    return this.#rules.some((r) => r.rank >= need && r.matches === undefined && this.#applies(r, principal))
  }
}

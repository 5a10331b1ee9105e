import { createHash, type JsonWebKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { createJwtVerifier, type JwtVerifier } from './jwt.js'
import { parsePasswordHash } from './password.js'
import { ACCESS_LEVELS, type Access, type AccessRule } from './permissions.js'

/** Who may sign in and what they may do, as loaded from the users file. */
export interface AuthSettings {
  readonly realm: string
  /** User name → `scrypt$...` password hash (HTTP basic). */
  readonly users: ReadonlyMap<string, string>
  /** sha256 hex of an API key → principal name (`Authorization: Bearer <key>`). */
  readonly apiKeys: ReadonlyMap<string, string>
  /**
   * The principal of a JWT is `principalPrefix` + the `principalClaim` claim. With no prefix it
   * shares one namespace with user and API key names.
   */
  readonly jwt?: { readonly verifier: JwtVerifier; readonly principalClaim: string; readonly principalPrefix: string }
  readonly rules: readonly AccessRule[]
}

export class AuthFileError extends Error {}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

export const sha256Hex = (text: string) => createHash('sha256').update(text).digest('hex')

function entries(v: unknown, what: string): [string, unknown][] {
  if (v === undefined || v === null) return []
  if (!isObj(v)) throw new AuthFileError(`${what} must be a map of name → settings`)
  return Object.entries(v)
}

function users(raw: unknown): Map<string, string> {
  const out = new Map<string, string>()
  for (const [name, v] of entries(raw, 'users')) {
    const hash = typeof v === 'string' ? v : isObj(v) ? v.password : undefined
    if (typeof hash !== 'string' || !parsePasswordHash(hash)) {
      throw new AuthFileError(`users.${name}.password must be a scrypt hash (scrypt$N$r$p$salt$hash)`)
    }
    out.set(name, hash)
  }
  return out
}

/** Keys are stored as `sha256:<hex>` (preferred) or in plain text. */
function apiKeys(raw: unknown): Map<string, string> {
  const out = new Map<string, string>()
  for (const [name, v] of entries(raw, 'apiKeys')) {
    const key = typeof v === 'string' ? v : isObj(v) ? v.key : undefined
    if (typeof key !== 'string' || key === '') throw new AuthFileError(`apiKeys.${name}.key must be a non-empty string`)
    const digest = key.startsWith('sha256:') ? key.slice(7).toLowerCase() : sha256Hex(key)
    if (!/^[0-9a-f]{64}$/.test(digest))
      throw new AuthFileError(`apiKeys.${name}.key: sha256: must be followed by 64 hex digits`)
    out.set(digest, name)
  }
  return out
}

function jwt(raw: unknown, baseDir: string): AuthSettings['jwt'] {
  if (raw === undefined || raw === null) return undefined
  if (!isObj(raw)) throw new AuthFileError('jwt must be a map')
  let jwks = raw.jwks
  if (typeof jwks === 'string') jwks = JSON.parse(readFileSync(resolve(baseDir, jwks), 'utf8'))
  if (!isObj(jwks) || !Array.isArray(jwks.keys))
    throw new AuthFileError('jwt.jwks must be a JWKS file path or object with keys')
  const opt = (k: string) => {
    const v = raw[k]
    if (v !== undefined && typeof v !== 'string') throw new AuthFileError(`jwt.${k} must be a string`)
    return v
  }
  const known = new Set(['jwks', 'issuer', 'audience', 'principalClaim', 'principalPrefix', 'requireExp'])
  for (const k of Object.keys(raw)) if (!known.has(k)) throw new AuthFileError(`unknown key 'jwt.${k}'`)
  const issuer = opt('issuer')
  const audience = opt('audience')
  const requireExp = raw.requireExp ?? true
  if (typeof requireExp !== 'boolean') throw new AuthFileError('jwt.requireExp must be true or false')
  return {
    verifier: createJwtVerifier({
      jwks: { keys: jwks.keys as JsonWebKey[] },
      ...(issuer !== undefined ? { issuer } : {}),
      ...(audience !== undefined ? { audience } : {}),
      requireExp,
    }),
    principalClaim: opt('principalClaim') ?? 'sub',
    principalPrefix: opt('principalPrefix') ?? '',
  }
}

function rules(raw: unknown): AccessRule[] {
  if (raw === undefined || raw === null) return []
  if (!Array.isArray(raw)) throw new AuthFileError('access must be a list of rules')
  return raw.map((r, i): AccessRule => {
    if (!isObj(r)) throw new AuthFileError(`access[${i}] must be a map`)
    const { principal, subject, subjectPrefix, grant } = r
    if (typeof principal !== 'string' || principal === '')
      throw new AuthFileError(`access[${i}].principal must be a name or *`)
    if (!ACCESS_LEVELS.includes(grant as Access))
      throw new AuthFileError(`access[${i}].grant must be one of ${ACCESS_LEVELS.join(', ')}`)
    if (subject !== undefined && subjectPrefix !== undefined)
      throw new AuthFileError(`access[${i}]: give subject or subjectPrefix, not both`)
    for (const [k, v] of [
      ['subject', subject],
      ['subjectPrefix', subjectPrefix],
    ] as const) {
      if (v !== undefined && typeof v !== 'string') throw new AuthFileError(`access[${i}].${k} must be a string`)
    }
    return {
      principal,
      grant: grant as Access,
      ...(typeof subject === 'string' ? { subject } : {}),
      ...(typeof subjectPrefix === 'string' ? { subjectPrefix } : {}),
    }
  })
}

/** Parses users-file text (JSON or YAML; JSON is YAML). `baseDir` resolves a relative JWKS path. */
export function parseAuthSettings(text: string, baseDir = '.'): AuthSettings {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (e) {
    throw new AuthFileError(`not valid YAML or JSON: ${(e as Error).message}`, { cause: e })
  }
  if (!isObj(doc)) throw new AuthFileError('the users file must hold a map')
  const known = new Set(['realm', 'users', 'apiKeys', 'jwt', 'access'])
  for (const k of Object.keys(doc)) if (!known.has(k)) throw new AuthFileError(`unknown key '${k}'`)
  return {
    realm: typeof doc.realm === 'string' ? doc.realm : 'registrum',
    users: users(doc.users),
    apiKeys: apiKeys(doc.apiKeys),
    jwt: jwt(doc.jwt, baseDir),
    rules: rules(doc.access),
  }
}

/** Reads and parses a users file; errors name the file. */
export function loadAuthFile(path: string): AuthSettings {
  try {
    return parseAuthSettings(readFileSync(path, 'utf8'), dirname(resolve(path)))
  } catch (e) {
    throw new AuthFileError(`${path}: ${(e as Error).message}`, { cause: e })
  }
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hashPassword } from '../../src/http/auth/password.js'
import { parseAuthSettings, sha256Hex, type AuthSettings } from '../../src/http/auth/auth-file.js'
import { startServer } from '../support/server.js'

export const PASSWORDS = { reader: 'r-pass', orders: 'o-pass', admin: 'a-pass', prefixed: 'p-pass' } as const
export const API_KEY = 'ci-key-0123456789'

/** A users file covering each kind of rule, as YAML text. */
export async function usersYaml(extra = ''): Promise<string> {
  const h = async (p: string) => JSON.stringify(await hashPassword(p))
  return `
users:
  reader: { password: ${await h(PASSWORDS.reader)} }
  orders: { password: ${await h(PASSWORDS.orders)} }
  admin: { password: ${await h(PASSWORDS.admin)} }
  prefixed: ${await h(PASSWORDS.prefixed)}
apiKeys:
  ci-bot: { key: "sha256:${sha256Hex(API_KEY)}" }
access:
  - { principal: reader, grant: read }
  - { principal: orders, subject: "orders-*", grant: write }
  - { principal: prefixed, subjectPrefix: "team.a.", grant: admin }
  - { principal: admin, grant: admin }
  - { principal: ci-bot, subject: "ci-*", grant: write }
  - { principal: "*", subject: "public-*", grant: read }
${extra}`
}

export async function authSettings(): Promise<AuthSettings> {
  return parseAuthSettings(await usersYaml())
}

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

/** The Authorization headers of the users in {@link usersYaml}. */
export const SIGN_IN = {
  admin: basic('admin', PASSWORDS.admin),
  reader: basic('reader', PASSWORDS.reader),
  orders: basic('orders', PASSWORDS.orders),
  prefixed: basic('prefixed', PASSWORDS.prefixed),
} as const

/**
 * One request to `base`, signed in with `auth` when given, a JSON body when given; the answer's
 * body parsed when it is JSON, else its text.
 */
export async function request(base: string, method: string, path: string, auth?: string, body?: unknown) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(auth ? { authorization: auth } : {}),
      ...(body !== undefined ? { 'content-type': 'application/vnd.schemaregistry.v1+json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  })
  const text = await res.text()
  return {
    status: res.status,
    headers: res.headers,
    body: text && res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as unknown) : text,
  }
}

/** A real server with the users file of {@link usersYaml}, holding `subjects` (one Avro record each). */
export interface AuthServer {
  readonly url: string
  /** One request as `request` makes it, to this server. */
  call(method: string, path: string, auth?: string, body?: unknown): ReturnType<typeof request>
  close(): Promise<void>
}

export async function startAuthServer(subjects: readonly string[]): Promise<AuthServer> {
  const dir = mkdtempSync(join(tmpdir(), 'registrum-auth-'))
  const file = join(dir, 'users.yaml')
  writeFileSync(file, await usersYaml())
  const server = await startServer({ authFile: file })
  const call = (method: string, path: string, auth?: string, body?: unknown) =>
    request(server.url, method, path, auth, body)
  const { admin } = SIGN_IN
  const schema = JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'string' }] })
  for (const s of subjects) {
    const res = await call('POST', `/subjects/${s}/versions`, admin, { schema })
    if (res.status !== 200) throw new Error(`seeding ${s}: ${res.status} ${JSON.stringify(res.body)}`)
  }
  return {
    url: server.url,
    call,
    close: async () => {
      await server.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

import { describe, expect, it } from 'vitest'
import { AuthFileError, parseAuthSettings, sha256Hex } from './auth-file.js'

const HASH = 'scrypt$16384$8$1$c2FsdHNhbHQ=$aGFzaGhhc2g='

describe('users file', () => {
  it('reads users, API keys and rules from YAML', () => {
    const s = parseAuthSettings(`
users:
  alice: { password: "${HASH}" }
  bob: "${HASH}"
apiKeys:
  ci: { key: plain-key }
  cd: { key: "sha256:${sha256Hex('other')}" }
access:
  - { principal: alice, subject: "orders-*", grant: write }
  - { principal: ops, grant: admin }
`)
    expect([...s.users.keys()]).toEqual(['alice', 'bob'])
    expect(s.apiKeys.get(sha256Hex('plain-key'))).toBe('ci')
    expect(s.apiKeys.get(sha256Hex('other'))).toBe('cd')
    expect(s.rules).toEqual([
      { principal: 'alice', subject: 'orders-*', grant: 'write' },
      { principal: 'ops', grant: 'admin' },
    ])
    expect(s.realm).toBe('registrum')
  })

  it('reads JSON too', () => {
    const s = parseAuthSettings(JSON.stringify({ users: { a: { password: HASH } }, access: [] }))
    expect(s.users.get('a')).toBe(HASH)
  })

  it.each([
    ['users: { a: { password: plain } }', /scrypt hash/],
    ['access: [{ principal: a, grant: root }]', /grant must be one of/],
    ['access: [{ principal: a, grant: read, subject: x, subjectPrefix: y }]', /not both/],
    ['apiKeys: { a: { key: "sha256:zz" } }', /64 hex/],
    ['surprise: 1', /unknown key/],
    ['- a list', /must hold a map/],
  ])('refuses %s', (text, message) => {
    expect(() => parseAuthSettings(text)).toThrow(AuthFileError)
    expect(() => parseAuthSettings(text)).toThrow(message)
  })
})

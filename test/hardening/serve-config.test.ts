import { describe, expect, it } from 'vitest'
import { serveConfig } from '../../src/cli/serve.js'
import { startServer } from '../support/server.js'

describe('serve hardening options', () => {
  it('has the documented defaults', () => {
    const c = serveConfig([], {})
    expect(c).toMatchObject({
      requestTimeout: 30_000,
      connectionTimeout: 0,
      maxConcurrency: 1024,
      audit: true,
      shutdownTimeout: 30_000,
    })
    expect(c.authFile).toBeUndefined()
    expect(c.tlsCert).toBeUndefined()
  })

  it('reads flags over environment variables', () => {
    const env = {
      REGISTRUM_AUTH_FILE: '/env/users.yaml',
      REGISTRUM_TLS_CERT: 'c.pem',
      REGISTRUM_TLS_KEY: 'k.pem',
      REGISTRUM_TLS_CA: 'ca.pem',
      REGISTRUM_MAX_CONCURRENCY: '5',
      REGISTRUM_AUDIT: 'false',
      REGISTRUM_REQUEST_TIMEOUT: '100',
    }
    const c = serveConfig(
      ['--auth-file', 'users.yaml', '--max-concurrency', '7', '--shutdown-timeout', '0', '--connection-timeout', '9'],
      env,
    )
    expect(c).toMatchObject({
      authFile: 'users.yaml',
      tlsCert: 'c.pem',
      tlsKey: 'k.pem',
      tlsCa: 'ca.pem',
      maxConcurrency: 7,
      audit: false,
      requestTimeout: 100,
      connectionTimeout: 9,
      shutdownTimeout: 0,
    })
    expect(serveConfig(['--no-audit'], {}).audit).toBe(false)
  })

  it('reads the schema element limit and the compatibility budget', () => {
    expect(serveConfig([], {})).toMatchObject({ maxSchemaElements: 100_000, compatibilityBudget: 10_000 })
    const c = serveConfig(['--max-schema-elements', '500'], { REGISTRUM_COMPATIBILITY_BUDGET: '0' })
    expect(c).toMatchObject({ maxSchemaElements: 500, compatibilityBudget: 0 })
    expect(() => serveConfig(['--compatibility-budget', 'soon'], {})).toThrow(/non-negative integer/)
  })

  it('reads the encryption key limit', () => {
    expect(serveConfig([], {}).maxEncryptionKeys).toBe(10_000)
    expect(serveConfig(['--max-encryption-keys', '5'], {}).maxEncryptionKeys).toBe(5)
    expect(serveConfig([], { REGISTRUM_MAX_ENCRYPTION_KEYS: '0' }).maxEncryptionKeys).toBe(0)
    expect(() => serveConfig(['--max-encryption-keys', 'many'], {})).toThrow(/non-negative integer/)
  })

  it('serves the web UI at /ui unless --no-ui or REGISTRUM_UI=false', async () => {
    expect(serveConfig([], {}).ui).toBe(true)
    expect(serveConfig(['--no-ui'], {}).ui).toBe(false)
    expect(serveConfig([], { REGISTRUM_UI: 'false' }).ui).toBe(false)
    const on = await startServer()
    const off = await startServer({ ui: false })
    try {
      const page = await fetch(`${on.url}/ui`)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
      expect((await fetch(`${off.url}/ui`)).status).toBe(404)
    } finally {
      await on.close()
      await off.close()
    }
  })

  it('refuses a negative limit', () => {
    expect(() => serveConfig(['--max-concurrency=-1'], {})).toThrow(/non-negative/)
  })
})

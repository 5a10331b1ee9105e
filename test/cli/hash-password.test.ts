import { spawnSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { verifyPassword } from '../../src/http/auth/password.js'
import { assertBuilt, ROOT } from './cli.js'

const hashPassword = (input: string) =>
  spawnSync('node', ['bin/registrum.js', 'hash-password'], { cwd: ROOT, input, encoding: 'utf8' })

beforeAll(() => assertBuilt())

describe('registrum hash-password', () => {
  it('prints an scrypt hash of the password on stdin that the server verifies', async () => {
    const out = hashPassword('s3cret pass\n')
    expect(out.status).toBe(0)
    const hash = out.stdout.trim()
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(await verifyPassword('s3cret pass', hash)).toBe(true)
    expect(await verifyPassword('s3cret pass\n', hash)).toBe(false)
  })
  it('refuses an empty password with exit code 2', () => {
    const out = hashPassword('')
    expect(out.status).toBe(2)
    expect(out.stderr).toContain('empty')
  })
})

import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { hashPassword, parsePasswordHash, verifyPassword } from './password.js'

describe('password hashes', () => {
  it('verifies the password it hashed and rejects another', async () => {
    const hash = await hashPassword('s3cret')
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/)
    expect(await verifyPassword('s3cret', hash)).toBe(true)
    expect(await verifyPassword('S3cret', hash)).toBe(false)
  })

  it('salts every hash', async () => {
    expect(await hashPassword('x')).not.toBe(await hashPassword('x'))
  })

  it('accepts hashes from the documented node one-liner', async () => {
    const script =
      'const c=require("crypto"),s=c.randomBytes(16);console.log("scrypt$16384$8$1$"+s.toString("base64")+"$"+c.scryptSync(process.argv[1],s,32).toString("base64"))'
    const hash = execFileSync(process.execPath, ['-e', script, 'pass word'], { encoding: 'utf8' }).trim()
    expect(await verifyPassword('pass word', hash)).toBe(true)
  })

  it('treats a malformed hash as a mismatch', async () => {
    expect(parsePasswordHash('plain')).toBeUndefined()
    expect(parsePasswordHash('scrypt$1000$8$1$YQ==$YQ==')).toBeUndefined()
    expect(await verifyPassword('x', 'scrypt$abc')).toBe(false)
  })
})

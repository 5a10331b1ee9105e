import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

const scrypt = (password: string, salt: Buffer, length: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, length, options, (err, key) => (err ? reject(err) : resolve(key))),
  )

/** Cost parameters of new hashes: N=2^14, r=8, p=1 (about 16 MiB, tens of milliseconds). */
const DEFAULT = { N: 16384, r: 8, p: 1 }
const KEY_LENGTH = 32

/**
 * Hashes a password as `scrypt$N$r$p$<salt base64>$<hash base64>`, the format the users file
 * expects. The same string comes out of this shell one-liner:
 *
 * @example
 * node -e 'const c=require("crypto"),s=c.randomBytes(16);console.log("scrypt$16384$8$1$"+s.toString("base64")+"$"+c.scryptSync(process.argv[1],s,32).toString("base64"))' 's3cret'
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const hash = await scrypt(password, salt, KEY_LENGTH, DEFAULT)
  return `scrypt$${DEFAULT.N}$${DEFAULT.r}$${DEFAULT.p}$${salt.toString('base64')}$${hash.toString('base64')}`
}

/** Parsed `scrypt$...` hash, or undefined when the string is not one. */
export function parsePasswordHash(
  encoded: string,
): { N: number; r: number; p: number; salt: Buffer; hash: Buffer } | undefined {
  const parts = encoded.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || (N & (N - 1)) !== 0) return undefined
  const salt = Buffer.from(parts[4]!, 'base64')
  const hash = Buffer.from(parts[5]!, 'base64')
  if (salt.length === 0 || hash.length === 0) return undefined
  return { N, r, p, salt, hash }
}

/** Checks a password against a `scrypt$...` hash in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parsePasswordHash(encoded)
  if (!parsed) return false
  const { N, r, p, salt, hash } = parsed
  const actual = await scrypt(password, salt, hash.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 })
  return timingSafeEqual(actual, hash)
}

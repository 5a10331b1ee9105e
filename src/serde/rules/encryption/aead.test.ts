/**
 * The ciphers, key protos and the local KMS key against the Tink code @confluentinc/schemaregistry
 * encrypts with: the same bytes where the algorithm is deterministic, each decrypting the other's
 * output where it is not.
 */
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import {
  AesGcm,
  AesSiv,
  aeadFor,
  DecryptionError,
  generateKeyMaterial,
  hkdfSha256,
  parseKey,
  serializeKey,
} from './aead.js'
import { localKmsDriver } from './kms.js'

const require = createRequire(import.meta.url)
const tink = (m: string) => require(`@confluentinc/schemaregistry/dist/rules/encryption/${m}`)
const EMPTY = new Uint8Array(0)

describe('AES-SIV', () => {
  it('writes the bytes Confluent writes, for lengths around the block size, and each opens the other', async () => {
    const key = randomBytes(64)
    const ours = new AesSiv(key)
    const theirs = await tink('tink/aes_siv.js').fromRawKey(key)
    for (const n of [0, 1, 15, 16, 17, 31, 32, 33, 100, 1000]) {
      const plain = randomBytes(n)
      const mine = ours.encrypt(plain)
      expect(mine.toString('hex')).toBe(Buffer.from(await theirs.encrypt(plain, EMPTY)).toString('hex'))
      expect(Buffer.from(await theirs.decrypt(mine, EMPTY)).equals(plain)).toBe(true)
      expect(ours.decrypt(mine).equals(plain)).toBe(true)
      expect(ours.encrypt(plain).equals(mine)).toBe(true)
    }
  })

  it('refuses a changed ciphertext or another key', () => {
    const siv = new AesSiv(randomBytes(64))
    const sealed = siv.encrypt(Buffer.from('123-45-6789'))
    sealed[sealed.length - 1]! ^= 1
    expect(() => siv.decrypt(sealed)).toThrow(DecryptionError)
    expect(() => new AesSiv(randomBytes(64)).decrypt(siv.encrypt(Buffer.from('x')))).toThrow(/authentication/)
    expect(() => siv.decrypt(Buffer.alloc(3))).toThrow(/too short/)
  })
})

describe('AES-GCM', () => {
  it('opens what Confluent seals and the reverse, with 128- and 256-bit keys', async () => {
    for (const size of [16, 32]) {
      const key = randomBytes(size)
      const ours = new AesGcm(key)
      const theirs = await tink('tink/aes_gcm.js').fromRawKey(key)
      const plain = Buffer.from('Ada Lovelace')
      const mine = ours.encrypt(plain)
      expect(mine.length).toBe(12 + plain.length + 16)
      expect(Buffer.from(await theirs.decrypt(mine, EMPTY)).toString()).toBe('Ada Lovelace')
      expect(ours.decrypt(Buffer.from(await theirs.encrypt(plain, EMPTY))).toString()).toBe('Ada Lovelace')
      expect(ours.encrypt(plain).equals(mine)).toBe(false)
    }
  })

  it('refuses a changed ciphertext', () => {
    const gcm = new AesGcm(randomBytes(32))
    const sealed = gcm.encrypt(Buffer.from('secret'))
    sealed[14]! ^= 1
    expect(() => gcm.decrypt(sealed)).toThrow(DecryptionError)
  })
})

describe('key material', () => {
  it('is the Tink key proto Confluent serializes', () => {
    const { create, toBinary } = require('@bufbuild/protobuf')
    const { AesGcmKeySchema } = tink('tink/proto/aes_gcm_pb.js')
    const { AesSivKeySchema } = tink('tink/proto/aes_siv_pb.js')
    const gcm = randomBytes(32)
    const siv = randomBytes(64)
    const proto = (schema: unknown, keyValue: Uint8Array) =>
      Buffer.from(toBinary(schema, create(schema, { version: 0, keyValue })))
    expect(serializeKey('AES256_GCM', gcm).equals(proto(AesGcmKeySchema, gcm))).toBe(true)
    expect(serializeKey('AES256_SIV', siv).equals(proto(AesSivKeySchema, siv))).toBe(true)
    expect(parseKey('AES256_GCM', proto(AesGcmKeySchema, gcm)).equals(gcm)).toBe(true)
    expect(parseKey('AES256_SIV', proto(AesSivKeySchema, siv)).equals(siv)).toBe(true)
  })

  it('is generated at the algorithm size and refused at another', () => {
    expect(parseKey('AES128_GCM', generateKeyMaterial('AES128_GCM')).length).toBe(16)
    expect(parseKey('AES256_SIV', generateKeyMaterial('AES256_SIV')).length).toBe(64)
    expect(() => aeadFor('AES256_SIV', generateKeyMaterial('AES256_GCM'))).toThrow(/not a AES256_SIV key/)
    expect(() => parseKey('AES256_GCM', Buffer.from([0x1a, 0x20, 1, 2]))).toThrow(/truncated/)
  })
})

describe('local KMS', () => {
  it('derives the key Confluent derives from the secret, so each unwraps the other', async () => {
    const hkdf = tink('tink/hkdf.js')
    const expected = Buffer.from(await hkdf.compute(16, 'SHA-256', Buffer.from('s3cret', 'utf8'), EMPTY))
    expect(hkdfSha256(Buffer.from('s3cret'), 16).equals(expected)).toBe(true)

    const { LocalKmsClient } = require('@confluentinc/schemaregistry/dist/rules/encryption/localkms/local-client.js')
    const theirs = new LocalKmsClient('s3cret')
    const ours = await localKmsDriver.newClient({ secret: 's3cret' }, 'any-key')
    const dek = generateKeyMaterial('AES256_GCM')
    expect(Buffer.from(await theirs.decrypt(Buffer.from(await ours.encrypt(dek)))).equals(dek)).toBe(true)
    expect(Buffer.from(await ours.decrypt(await theirs.encrypt(dek))).equals(dek)).toBe(true)
    const other = await localKmsDriver.newClient({ secret: 'other' }, 'any-key')
    await expect(async () => other.decrypt(await ours.encrypt(dek))).rejects.toThrow(DecryptionError)
  })

  it('needs a secret', () => {
    const saved = process.env.LOCAL_SECRET
    delete process.env.LOCAL_SECRET
    try {
      expect(() => localKmsDriver.newClient({}, 'k')).toThrow(/needs a secret/)
    } finally {
      if (saved !== undefined) process.env.LOCAL_SECRET = saved
    }
  })
})

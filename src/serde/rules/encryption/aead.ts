/**
 * The ciphers of field-level encryption, in the byte formats Tink (and so Confluent's clients)
 * use, on node:crypto:
 * - AES-GCM (`AES128_GCM`, `AES256_GCM`): 12-byte random IV ‖ ciphertext ‖ 16-byte tag.
 * - AES-SIV (`AES256_SIV`, RFC 5297 with AES-CMAC, a 64-byte key: MAC half then CTR half):
 *   16-byte synthetic IV ‖ ciphertext; deterministic, one empty associated-data string.
 * - Key material: the Tink key protos (`google.crypto.tink.AesGcmKey` {version = 1, key_value = 3},
 *   `AesSivKey` {version = 1, key_value = 2}), which is what a KMS wraps and the DEK registry keeps.
 * A cipher holds its key objects (for SIV an open AES-ECB context and the S2V state of the empty
 * associated data), so a message costs the cipher work only.
 */
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  hkdfSync,
  randomBytes,
  randomFillSync,
  timingSafeEqual,
} from 'node:crypto'
import type { KeyObject } from 'node:crypto'

/** The DEK algorithms of Confluent's `encrypt.dek.algorithm`. */
export type DekAlgorithm = 'AES128_GCM' | 'AES256_GCM' | 'AES256_SIV'

export const DEK_ALGORITHMS: readonly DekAlgorithm[] = ['AES128_GCM', 'AES256_GCM', 'AES256_SIV']

export const isDekAlgorithm = (s: string): s is DekAlgorithm => (DEK_ALGORITHMS as readonly string[]).includes(s)

/** Authenticated encryption with empty associated data. */
export interface Aead {
  encrypt(plaintext: Uint8Array): Buffer
  /** Throws {@link DecryptionError} when the ciphertext is not authentic under this key. */
  decrypt(ciphertext: Uint8Array): Buffer
}

export class DecryptionError extends Error {
  override readonly name = 'DecryptionError'
}

const RAW_KEY_SIZE: Record<DekAlgorithm, number> = { AES128_GCM: 16, AES256_GCM: 32, AES256_SIV: 64 }
// The field number of key_value in AesGcmKey (3) and AesSivKey (2), as a length-delimited tag.
const KEY_VALUE_TAG: Record<DekAlgorithm, number> = { AES128_GCM: 0x1a, AES256_GCM: 0x1a, AES256_SIV: 0x12 }

/** Fresh key material for `algorithm`, serialized as its Tink key proto. */
export function generateKeyMaterial(algorithm: DekAlgorithm): Buffer {
  return serializeKey(algorithm, randomBytes(RAW_KEY_SIZE[algorithm]))
}

/** The Tink key proto of a raw key (version 0, which proto3 leaves out). */
export function serializeKey(algorithm: DekAlgorithm, raw: Uint8Array): Buffer {
  if (raw.length > 127) throw new RangeError('key too long')
  return Buffer.concat([Buffer.from([KEY_VALUE_TAG[algorithm], raw.length]), raw])
}

/** The raw key in a Tink AesGcmKey/AesSivKey proto; throws when it is not one of `algorithm`'s size. */
export function parseKey(algorithm: DekAlgorithm, proto: Uint8Array): Buffer {
  const keyField = KEY_VALUE_TAG[algorithm] >> 3
  let raw: Buffer | undefined
  let i = 0
  const varint = (): number => {
    let n = 0
    for (let shift = 0; shift < 35; shift += 7) {
      if (i >= proto.length) throw new Error('truncated key material')
      const b = proto[i++]!
      n += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return n
    }
    throw new Error('malformed varint in key material')
  }
  while (i < proto.length) {
    const tag = varint()
    const field = Math.floor(tag / 8)
    const wire = tag & 7
    if (wire === 0) {
      const v = varint()
      if (field === 1 && v !== 0) throw new Error(`key version ${v} is not supported`)
    } else if (wire === 2) {
      const len = varint()
      if (i + len > proto.length) throw new Error('truncated key material')
      if (field === keyField) raw = Buffer.from(proto.subarray(i, i + len))
      i += len
    } else {
      throw new Error(`unexpected wire type ${wire} in key material`)
    }
  }
  const size = RAW_KEY_SIZE[algorithm]
  const ok = algorithm === 'AES256_SIV' ? raw?.length === 64 : raw?.length === 16 || raw?.length === 32
  if (raw === undefined || !ok) {
    throw new Error(
      `key material is not a ${algorithm} key (${raw === undefined ? 'no key' : `${raw.length} bytes`}, expected ${size})`,
    )
  }
  return raw
}

/** The cipher of a DEK's key material (its Tink key proto). */
export function aeadFor(algorithm: DekAlgorithm, keyMaterial: Uint8Array): Aead {
  const raw = parseKey(algorithm, keyMaterial)
  return algorithm === 'AES256_SIV' ? new AesSiv(raw) : new AesGcm(raw)
}

const GCM_IV = 12
const GCM_TAG = 16

/**
 * Random IVs drawn from a pool refilled 4 KiB of CSPRNG output at a time: one call to the random
 * source per ~340 messages instead of one each (it was a fifth of a message's cost). Each IV is
 * handed out once and copied into its ciphertext before the pool is refilled.
 */
const ivPool = Buffer.alloc(GCM_IV * 341)
let ivAt = ivPool.length

function nextIv(): Buffer {
  if (ivAt + GCM_IV > ivPool.length) {
    randomFillSync(ivPool)
    ivAt = 0
  }
  const iv = ivPool.subarray(ivAt, ivAt + GCM_IV)
  ivAt += GCM_IV
  return iv
}

export class AesGcm implements Aead {
  readonly #key: KeyObject
  readonly #name: string

  constructor(raw: Uint8Array) {
    if (raw.length !== 16 && raw.length !== 32)
      throw new RangeError(`AES-GCM takes a 16- or 32-byte key, not ${raw.length}`)
    this.#key = createSecretKey(raw)
    this.#name = raw.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm'
  }

  encrypt(plaintext: Uint8Array): Buffer {
    const iv = nextIv()
    const c = createCipheriv(this.#name as 'aes-256-gcm', this.#key, iv, { authTagLength: GCM_TAG })
    const body = c.update(plaintext)
    c.final()
    return Buffer.concat([iv, body, c.getAuthTag()])
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    if (ciphertext.length < GCM_IV + GCM_TAG) throw new DecryptionError('ciphertext too short')
    const d = createDecipheriv(this.#name as 'aes-256-gcm', this.#key, ciphertext.subarray(0, GCM_IV), {
      authTagLength: GCM_TAG,
    })
    d.setAuthTag(ciphertext.subarray(ciphertext.length - GCM_TAG))
    const body = d.update(ciphertext.subarray(GCM_IV, ciphertext.length - GCM_TAG))
    try {
      d.final()
    } catch {
      throw new DecryptionError('authentication failed')
    }
    return body
  }
}

const BLOCK = 16
const ZERO_BLOCK = new Uint8Array(BLOCK)

/** Doubling in GF(2^128) (RFC 5297 `dbl`), into a new block. */
function dbl(s: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK)
  for (let i = 0; i < BLOCK; i++) out[i] = ((s[i]! << 1) & 0xff) | (i < BLOCK - 1 ? s[i + 1]! >>> 7 : 0)
  if ((s[0]! & 0x80) !== 0) out[BLOCK - 1]! ^= 0x87
  return out
}

function xorInto(target: Uint8Array, at: number, other: Uint8Array): void {
  for (let i = 0; i < other.length; i++) target[at + i]! ^= other[i]!
}

/** AES-CMAC (RFC 4493) over a kept-open AES-ECB context. */
class Cmac {
  readonly #ecb
  readonly #k1: Uint8Array
  readonly #k2: Uint8Array

  constructor(key: Uint8Array) {
    this.#ecb = createCipheriv(`aes-${key.length * 8}-ecb`, key, null)
    this.#ecb.setAutoPadding(false)
    this.#k1 = dbl(this.block(ZERO_BLOCK))
    this.#k2 = dbl(this.#k1)
  }

  /** AES of one block (the context has no padding, so a whole block comes straight back). */
  block(b: Uint8Array): Uint8Array {
    return this.#ecb.update(b)
  }

  mac(m: Uint8Array): Uint8Array {
    const n = Math.max(1, Math.ceil(m.length / BLOCK))
    const complete = m.length > 0 && m.length % BLOCK === 0
    const last = new Uint8Array(BLOCK)
    last.set(m.subarray((n - 1) * BLOCK))
    if (complete) xorInto(last, 0, this.#k1)
    else {
      last[m.length - (n - 1) * BLOCK] = 0x80
      xorInto(last, 0, this.#k2)
    }
    let x: Uint8Array = new Uint8Array(BLOCK)
    for (let i = 0; i < n - 1; i++) {
      xorInto(x, 0, m.subarray(i * BLOCK, (i + 1) * BLOCK))
      x = this.block(x)
    }
    xorInto(x, 0, last)
    return this.block(x)
  }
}

/**
 * AES-SIV (RFC 5297) with one empty associated-data string, as Tink's deterministic AEAD: the
 * S2V state after the associated data is the same for every message, so it is computed once.
 */
export class AesSiv implements Aead {
  readonly #cmac: Cmac
  readonly #ctr: Cmac
  readonly #afterAd: Uint8Array

  constructor(raw: Uint8Array) {
    if (raw.length !== 64) throw new RangeError(`AES-SIV takes a 64-byte key, not ${raw.length}`)
    this.#cmac = new Cmac(raw.subarray(0, 32))
    this.#ctr = new Cmac(raw.subarray(32))
    // D = CMAC(0); then one associated-data string (empty): D = dbl(D) xor CMAC("").
    const d = dbl(this.#cmac.mac(ZERO_BLOCK))
    xorInto(d, 0, this.#cmac.mac(new Uint8Array(0)))
    this.#afterAd = d
  }

  #s2v(plaintext: Uint8Array): Uint8Array {
    let t: Uint8Array
    if (plaintext.length >= BLOCK) {
      t = Uint8Array.from(plaintext)
      xorInto(t, t.length - BLOCK, this.#afterAd)
    } else {
      t = dbl(this.#afterAd)
      const padded = new Uint8Array(BLOCK)
      padded.set(plaintext)
      padded[plaintext.length] = 0x80
      xorInto(t, 0, padded)
    }
    return this.#cmac.mac(t)
  }

  /** AES-CTR from the synthetic IV with bits 63 and 31 cleared, the counter a 128-bit big-endian number. */
  #ctrXor(v: Uint8Array, input: Uint8Array): Buffer {
    const blocks = Math.ceil(input.length / BLOCK)
    const counters = Buffer.alloc(blocks * BLOCK)
    const q = Uint8Array.from(v)
    q[8]! &= 0x7f
    q[12]! &= 0x7f
    for (let b = 0; b < blocks; b++) {
      counters.set(q, b * BLOCK)
      for (let i = BLOCK - 1; i >= 0; i--) {
        q[i] = (q[i]! + 1) & 0xff
        if (q[i] !== 0) break
      }
    }
    const stream = this.#ctr.block(counters)
    const out = Buffer.allocUnsafe(input.length)
    for (let i = 0; i < input.length; i++) out[i] = input[i]! ^ stream[i]!
    return out
  }

  encrypt(plaintext: Uint8Array): Buffer {
    const v = this.#s2v(plaintext)
    return Buffer.concat([v, this.#ctrXor(v, plaintext)])
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    if (ciphertext.length < BLOCK) throw new DecryptionError('ciphertext too short')
    const v = ciphertext.subarray(0, BLOCK)
    const plaintext = this.#ctrXor(v, ciphertext.subarray(BLOCK))
    if (!timingSafeEqual(this.#s2v(plaintext), v)) throw new DecryptionError('authentication failed')
    return plaintext
  }
}

/** HKDF-SHA256 with an empty salt and info, as Tink's `Hkdf.compute` that the local KMS derives its key with. */
export function hkdfSha256(secret: Uint8Array, size: number): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, new Uint8Array(0), new Uint8Array(0), size))
}

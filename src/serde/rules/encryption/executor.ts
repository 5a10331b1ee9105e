/**
 * Field-level encryption (`ENCRYPT` rules on tagged fields) and payload encryption
 * (`ENCRYPT_PAYLOAD` encoding rules), compatible with Confluent's clients: the same rule
 * parameters, KEKs and DEKs in the DEK registry, key material and ciphertext formats.
 *
 * On write a string field becomes base64 of its ciphertext and a bytes field its ciphertext; on
 * read the reverse. With `encrypt.dek.expiry.days` the DEK is rotated (a new version once the
 * latest is that old) and each ciphertext starts with `00` + the DEK version (int32 big-endian).
 * KEKs and DEKs are fetched (or created) once and kept, with their cipher, for the executor's
 * life; concurrent first uses share one request.
 */
import { SchemaRegistryError } from '../../errors.js'
import type { RegistryTransportOptions } from '../../registry-transport.js'
import { skippedForSameTag, type FieldContext, type RuleContext } from '../context.js'
import { RuleError, type RuleExecutor } from '../engine.js'
import {
  aeadFor,
  DEK_ALGORITHMS,
  DecryptionError,
  generateKeyMaterial,
  isDekAlgorithm,
  type Aead,
  type DekAlgorithm,
} from './aead.js'
import { DekRegistryClient, type Dek, type DekRegistry, type Kek } from './dek-client.js'
import { kmsDriver, type KmsClient, type KmsDriver } from './kms.js'

export const ENCRYPT_KEK_NAME = 'encrypt.kek.name'
export const ENCRYPT_KMS_TYPE = 'encrypt.kms.type'
export const ENCRYPT_KMS_KEY_ID = 'encrypt.kms.key.id'
export const ENCRYPT_DEK_ALGORITHM = 'encrypt.dek.algorithm'
export const ENCRYPT_DEK_EXPIRY_DAYS = 'encrypt.dek.expiry.days'
export const ENCRYPT_ALTERNATE_KMS_KEY_IDS = 'encrypt.alternate.kms.key.ids'

const DAY_MS = 24 * 60 * 60 * 1000
const LATEST = -1
const VERSION_PREFIX = 5

export interface EncryptionOptions {
  /** The DEK registry: a client, or how to reach it (usually the schema registry's own URL and auth). */
  readonly dekRegistry: DekRegistry | RegistryTransportOptions
  /**
   * Handed to the KMS drivers: `secret` for the local KMS, credentials for others; also
   * `encrypt.alternate.kms.key.ids` (comma-separated), tried after the KEK's own key.
   */
  readonly config?: Readonly<Record<string, string>>
  /** KMS drivers by type; default the registered ones ({@link registerKmsDriver}), with `local-kms`. */
  readonly kmsDrivers?: readonly KmsDriver[]
  /** The clock DEK expiry is measured with (epoch milliseconds). */
  readonly now?: () => number
}

interface Params {
  readonly kekName: string
  readonly kmsType: string | undefined
  readonly kmsKeyId: string | undefined
  readonly algorithm: DekAlgorithm
  readonly expiryDays: number
}

interface DekEntry {
  readonly dek: Dek
  readonly aead: Aead
}

/**
 * The KEK, DEK and KMS-client caches both executors share.
 *
 * @example
 * const rules = await createRuleEngine({
 *   executors: encryptionExecutors({ dekRegistry: { baseUrl }, config: { secret: process.env.KMS_SECRET! } }),
 * })
 */
export class FieldEncryption {
  readonly #registry: DekRegistry
  readonly #ownClient: DekRegistryClient | undefined
  readonly #config: Readonly<Record<string, string>>
  readonly #drivers: ReadonlyMap<string, KmsDriver> | undefined
  readonly #now: () => number
  readonly #keks = new Map<string, Promise<Kek>>()
  readonly #deks = new Map<string, Promise<DekEntry>>()
  // Resolved DEKs by the same key, for the synchronous per-field path.
  readonly #ready = new Map<string, DekEntry>()
  readonly #kms = new Map<string, Promise<KmsClient>>()

  constructor(options: EncryptionOptions) {
    this.#ownClient = 'getDek' in options.dekRegistry ? undefined : new DekRegistryClient(options.dekRegistry)
    this.#registry = this.#ownClient ?? (options.dekRegistry as DekRegistry)
    this.#config = options.config ?? {}
    this.#drivers = options.kmsDrivers === undefined ? undefined : new Map(options.kmsDrivers.map((d) => [d.type, d]))
    this.#now = options.now ?? Date.now
  }

  /** Closes the kept-alive sockets of the DEK registry client it made (not of one it was given). */
  close(): void {
    this.#ownClient?.close()
  }

  /** The `ENCRYPT` executor: a field transform on the fields the rule's tags select. */
  fieldExecutor(): RuleExecutor {
    return {
      type: 'ENCRYPT',
      transform: async (ctx, message) => {
        if (skippedForSameTag(ctx)) return message
        if (ctx.walkFields === undefined) {
          throw new RuleError(
            ctx.rule,
            `Rule '${ctx.rule.name}' is a field rule, but this serde cannot walk the fields of ${ctx.target.schemaType} messages.`,
          )
        }
        const cipher = await this.#cipherFor(ctx)
        return ctx.walkFields(ctx, message, (field, value) => {
          if (value === null || value === undefined || !ctx.appliesTo(field)) return value
          return cipher(field, value)
        })
      },
    }
  }

  /** The `ENCRYPT_PAYLOAD` executor: an encoding rule on the serialized payload's bytes. */
  payloadExecutor(): RuleExecutor {
    return {
      type: 'ENCRYPT_PAYLOAD',
      transform: async (ctx, message) => {
        if (!(message instanceof Uint8Array)) {
          throw new RuleError(ctx.rule, `Rule '${ctx.rule.name}' encrypts payload bytes, not ${typeof message}.`)
        }
        const cipher = await this.#cipherFor(ctx)
        return cipher(undefined, message)
      },
    }
  }

  /** Encrypts (write) or decrypts (read) one value; `field` undefined for a whole payload. */
  async #cipherFor(ctx: RuleContext): Promise<(field: FieldContext | undefined, value: unknown) => unknown> {
    const p = this.#params(ctx)
    const rotated = p.expiryDays > 0
    if (ctx.mode === 'WRITE') {
      const { dek, aead } = await this.#writeDek(ctx, p)
      const prefix = rotated ? versionPrefix(dek.version) : undefined
      return (field, value) => {
        const type = field?.type ?? 'BYTES'
        let plaintext: Uint8Array
        if (type === 'STRING' && typeof value === 'string') plaintext = Buffer.from(value, 'utf8')
        else if (type === 'BYTES' && value instanceof Uint8Array) plaintext = value
        else {
          throw new RuleError(
            ctx.rule,
            `Rule '${ctx.rule.name}': field '${field?.fullName ?? '$'}' has type ${type}; only STRING and BYTES fields can be encrypted.`,
          )
        }
        const sealed = aead.encrypt(plaintext)
        const out = prefix === undefined ? sealed : Buffer.concat([prefix, sealed])
        return type === 'STRING' ? out.toString('base64') : out
      }
    }
    if (ctx.mode !== 'READ') {
      throw new RuleError(ctx.rule, `Rule '${ctx.rule.name}': encryption runs on WRITE and READ, not ${ctx.mode}.`)
    }
    const kek = await this.#kekFor(ctx, p)
    return (field, value) => {
      const type = field?.type ?? 'BYTES'
      let ciphertext: Uint8Array
      if (type === 'STRING' && typeof value === 'string') ciphertext = Buffer.from(value, 'base64')
      else if (type === 'BYTES' && value instanceof Uint8Array) ciphertext = value
      else return value
      let version = 1
      if (rotated) {
        if (ciphertext.length < VERSION_PREFIX || ciphertext[0] !== 0) {
          throw new RuleError(
            ctx.rule,
            `Rule '${ctx.rule.name}': field '${field?.fullName ?? '$'}' does not start with a DEK version (magic byte 0 and 4 bytes), as encrypt.dek.expiry.days requires.`,
          )
        }
        version = Buffer.from(ciphertext.buffer, ciphertext.byteOffset, ciphertext.length).readInt32BE(1)
        ciphertext = ciphertext.subarray(VERSION_PREFIX)
      }
      const open = ({ aead, dek }: DekEntry): unknown => {
        let plain: Buffer
        try {
          plain = aead.decrypt(ciphertext)
        } catch (cause) {
          throw new RuleError(
            ctx.rule,
            `Rule '${ctx.rule.name}': field '${field?.fullName ?? '$'}' does not decrypt with DEK version ${dek.version} of subject '${dek.subject}' (KEK '${dek.kekName}'): ${(cause as Error).message}.`,
            { cause },
          )
        }
        return type === 'STRING' ? plain.toString('utf8') : plain
      }
      const key = dekKey(p.kekName, ctx.subject, version, p.algorithm, true)
      const ready = this.#ready.get(key)
      return ready === undefined ? this.#dek(ctx, kek, p, version, true).then(open) : open(ready)
    }
  }

  #params(ctx: RuleContext): Params {
    const fail = (what: string): never => {
      throw new RuleError(ctx.rule, `Rule '${ctx.rule.name}': ${what}.`)
    }
    const kekName = ctx.parameter(ENCRYPT_KEK_NAME)
    if (kekName === undefined || kekName === '')
      fail(`no ${ENCRYPT_KEK_NAME} in the rule's params or the schema's metadata`)
    const algorithm = ctx.parameter(ENCRYPT_DEK_ALGORITHM) ?? 'AES256_GCM'
    if (!isDekAlgorithm(algorithm))
      fail(`${ENCRYPT_DEK_ALGORITHM} '${algorithm}' is not one of ${DEK_ALGORITHMS.join(', ')}`)
    const days = ctx.parameter(ENCRYPT_DEK_EXPIRY_DAYS)
    const expiryDays = days === undefined || days.trim() === '' ? 0 : Number(days)
    if (!Number.isFinite(expiryDays) || expiryDays < 0) {
      fail(`${ENCRYPT_DEK_EXPIRY_DAYS} '${days}' is not a number of days (0 or more)`)
    }
    const kmsType = ctx.parameter(ENCRYPT_KMS_TYPE)
    const kmsKeyId = ctx.parameter(ENCRYPT_KMS_KEY_ID)
    return {
      kekName: kekName!,
      kmsType: kmsType === '' ? undefined : kmsType,
      kmsKeyId: kmsKeyId === '' ? undefined : kmsKeyId,
      algorithm: algorithm as DekAlgorithm,
      expiryDays,
    }
  }

  /** The KEK of the rule: fetched, or on write registered when absent; it must match the rule's KMS. */
  async #kekFor(ctx: RuleContext, p: Params): Promise<Kek> {
    let kek = this.#keks.get(p.kekName)
    if (kek === undefined) {
      kek = this.#loadKek(ctx, p)
      this.#keks.set(p.kekName, kek)
      kek.catch(() => this.#keks.delete(p.kekName))
    }
    const found = await kek
    if (p.kmsType !== undefined && p.kmsType !== found.kmsType) {
      throw new RuleError(
        ctx.rule,
        `Rule '${ctx.rule.name}': KEK '${p.kekName}' has KMS type '${found.kmsType}', but the rule says '${p.kmsType}'.`,
      )
    }
    if (p.kmsKeyId !== undefined && p.kmsKeyId !== found.kmsKeyId) {
      throw new RuleError(
        ctx.rule,
        `Rule '${ctx.rule.name}': KEK '${p.kekName}' has KMS key id '${found.kmsKeyId}', but the rule says '${p.kmsKeyId}'.`,
      )
    }
    return found
  }

  async #loadKek(ctx: RuleContext, p: Params): Promise<Kek> {
    const existing = await this.#call(ctx, `get KEK '${p.kekName}'`, () => this.#registry.getKek(p.kekName, false))
    if (existing !== undefined) return existing
    if (ctx.mode !== 'WRITE') {
      throw new RuleError(ctx.rule, `Rule '${ctx.rule.name}': the DEK registry has no KEK '${p.kekName}'.`)
    }
    if (p.kmsType === undefined || p.kmsKeyId === undefined) {
      throw new RuleError(
        ctx.rule,
        `Rule '${ctx.rule.name}': KEK '${p.kekName}' does not exist, and registering it needs ${ENCRYPT_KMS_TYPE} and ${ENCRYPT_KMS_KEY_ID}.`,
      )
    }
    const created = await this.#call(ctx, `register KEK '${p.kekName}'`, () =>
      this.#registry.registerKek({ name: p.kekName, kmsType: p.kmsType!, kmsKeyId: p.kmsKeyId!, shared: false }),
    )
    // 409: another client registered it first.
    return created ?? (await this.#call(ctx, `get KEK '${p.kekName}'`, () => this.#registry.getKek(p.kekName, false)))!
  }

  /** The DEK to write with: version 1, or with rotation the latest, replaced by a new version once expired. */
  async #writeDek(ctx: RuleContext, p: Params): Promise<DekEntry> {
    const kek = await this.#kekFor(ctx, p)
    if (p.expiryDays === 0) return this.#dek(ctx, kek, p, 1, false)
    const latest = await this.#dek(ctx, kek, p, LATEST, false)
    if (!this.#expired(latest.dek, p)) return latest
    const key = dekKey(p.kekName, ctx.subject, LATEST, p.algorithm, false)
    const next = this.#deks.get(key)
    if (next !== undefined && (await next) !== latest) return next
    const rotated = this.#create(ctx, kek, p, latest.dek.version + 1).then((e) => {
      this.#ready.set(key, e)
      return e
    })
    this.#deks.set(key, rotated)
    rotated.catch(() => {
      this.#deks.delete(key)
      this.#ready.delete(key)
    })
    return rotated
  }

  #expired(dek: Dek, p: Params): boolean {
    return p.expiryDays > 0 && dek.ts !== undefined && (this.#now() - dek.ts) / DAY_MS >= p.expiryDays
  }

  /** A DEK version (-1: the latest), fetched once; on write created when absent. */
  #dek(ctx: RuleContext, kek: Kek, p: Params, version: number, read: boolean): Promise<DekEntry> {
    const key = dekKey(p.kekName, ctx.subject, version, p.algorithm, read)
    let entry = this.#deks.get(key)
    if (entry === undefined) {
      entry = (async () => {
        const found = await this.#call(ctx, `get DEK version ${version} of subject '${ctx.subject}'`, () =>
          this.#registry.getDek(p.kekName, ctx.subject, version, p.algorithm, read),
        )
        if (found !== undefined && (found.encryptedKeyMaterial !== undefined || found.keyMaterial !== undefined)) {
          return this.#open(ctx, kek, found)
        }
        if (read) {
          throw new RuleError(
            ctx.rule,
            `Rule '${ctx.rule.name}': the DEK registry has no DEK version ${version} of subject '${ctx.subject}' under KEK '${p.kekName}' (${p.algorithm}).`,
          )
        }
        return this.#create(ctx, kek, p, 1)
      })()
      this.#deks.set(key, entry)
      entry.then(
        (e) => this.#ready.set(key, e),
        () => this.#deks.delete(key),
      )
    }
    return entry
  }

  /** Generates key material, wraps it with the KMS (unless the KEK is shared) and registers the DEK. */
  async #create(ctx: RuleContext, kek: Kek, p: Params, version: number): Promise<DekEntry> {
    const encryptedKeyMaterial =
      kek.shared === true
        ? undefined
        : Buffer.from(await this.#wrap(ctx, kek, generateKeyMaterial(p.algorithm))).toString('base64')
    const what = `register DEK version ${version} of subject '${ctx.subject}'`
    const created =
      (await this.#call(ctx, what, () =>
        this.#registry.registerDek(p.kekName, {
          subject: ctx.subject,
          version,
          algorithm: p.algorithm,
          ...(encryptedKeyMaterial === undefined ? {} : { encryptedKeyMaterial }),
        }),
      )) ??
      // 409: another client created this version first; use theirs.
      (await this.#call(ctx, `get DEK version ${version} of subject '${ctx.subject}'`, () =>
        this.#registry.getDek(p.kekName, ctx.subject, version, p.algorithm, false),
      ))
    if (created === undefined) throw new RuleError(ctx.rule, `Rule '${ctx.rule.name}': could not ${what}.`)
    const entry = await this.#open(ctx, kek, created)
    this.#ready.set(dekKey(p.kekName, ctx.subject, created.version, p.algorithm, false), entry)
    return entry
  }

  /** The cipher of a DEK: its plain key material, or its wrapped one unwrapped by the KEK's KMS. */
  async #open(ctx: RuleContext, kek: Kek, dek: Dek): Promise<DekEntry> {
    const material =
      dek.keyMaterial !== undefined && dek.keyMaterial !== ''
        ? Buffer.from(dek.keyMaterial, 'base64')
        : await this.#unwrap(ctx, kek, dek)
    try {
      return { dek, aead: aeadFor(dek.algorithm, material) }
    } catch (cause) {
      throw new RuleError(
        ctx.rule,
        `Rule '${ctx.rule.name}': DEK version ${dek.version} of subject '${dek.subject}': ${(cause as Error).message}.`,
        { cause },
      )
    }
  }

  #keyIds(kek: Kek): string[] {
    const alternates = kek.kmsProps?.[ENCRYPT_ALTERNATE_KMS_KEY_IDS] ?? this.#config[ENCRYPT_ALTERNATE_KMS_KEY_IDS]
    const extra =
      alternates === undefined
        ? []
        : alternates
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
    return [kek.kmsKeyId, ...extra]
  }

  async #wrap(ctx: RuleContext, kek: Kek, material: Uint8Array): Promise<Uint8Array> {
    return this.#withKms(ctx, kek, 'wrap a new DEK', (c) => c.encrypt(material))
  }

  async #unwrap(ctx: RuleContext, kek: Kek, dek: Dek): Promise<Uint8Array> {
    const wrapped = Buffer.from(dek.encryptedKeyMaterial ?? '', 'base64')
    return this.#withKms(ctx, kek, `unwrap DEK version ${dek.version} of subject '${dek.subject}'`, (c) =>
      c.decrypt(wrapped),
    )
  }

  /** Runs `op` with the KEK's KMS key, then each alternate key id, until one succeeds. */
  async #withKms(
    ctx: RuleContext,
    kek: Kek,
    what: string,
    op: (client: KmsClient) => Uint8Array | Promise<Uint8Array>,
  ): Promise<Uint8Array> {
    const failures: string[] = []
    let last: unknown
    for (const keyId of this.#keyIds(kek)) {
      try {
        return await op(await this.#kmsClient(kek.kmsType, keyId))
      } catch (err) {
        last = err
        const reason =
          err instanceof DecryptionError
            ? `${err.message} (is it the KMS key, or the secret, the DEK was wrapped with?)`
            : (err as Error).message
        failures.push(`${kek.kmsType}://${keyId}: ${reason}`)
      }
    }
    throw new RuleError(
      ctx.rule,
      `Rule '${ctx.rule.name}': cannot ${what} with KEK '${kek.name}': ${failures.join('; ')}`,
      { cause: last },
    )
  }

  #kmsClient(type: string, keyId: string): Promise<KmsClient> {
    const url = `${type}://${keyId}`
    let client = this.#kms.get(url)
    if (client === undefined) {
      const driver = this.#drivers === undefined ? kmsDriver(type) : this.#drivers.get(type)
      if (driver === undefined) return Promise.reject(new Error(`no KMS driver is registered for type '${type}'`))
      client = (async () => driver.newClient(this.#config, keyId))()
      this.#kms.set(url, client)
      client.catch(() => this.#kms.delete(url))
    }
    return client
  }

  /** A registry call; undefined for 404 (get) and 409 (register), a RuleError for anything else. */
  async #call<T>(ctx: RuleContext, what: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call()
    } catch (err) {
      if (err instanceof SchemaRegistryError && (err.status === 404 || err.status === 409)) return undefined
      throw new RuleError(ctx.rule, `Rule '${ctx.rule.name}': could not ${what}: ${(err as Error).message}`, {
        cause: err,
      })
    }
  }
}

/** The `ENCRYPT` and `ENCRYPT_PAYLOAD` executors over one {@link FieldEncryption}, for `createRuleEngine`. */
export function encryptionExecutors(options: EncryptionOptions): RuleExecutor[] {
  const e = new FieldEncryption(options)
  return [e.fieldExecutor(), e.payloadExecutor()]
}

function dekKey(kekName: string, subject: string, version: number, algorithm: DekAlgorithm, read: boolean): string {
  return `${kekName}\u0000${subject}\u0000${version}\u0000${algorithm}\u0000${read}`
}

function versionPrefix(version: number): Buffer {
  const b = Buffer.alloc(VERSION_PREFIX)
  b.writeInt32BE(version, 1)
  return b
}

/**
 * Key management services that wrap and unwrap DEKs under a KEK. A KEK names its KMS by
 * `kmsType` (`local-kms`, `aws-kms`, `azure-kms`, `gcp-kms`, `hcvault`) and its key there by
 * `kmsKeyId`; a {@link KmsDriver} per type makes the {@link KmsClient} for a key. The local driver
 * ships here; a cloud KMS plugs in with {@link registerKmsDriver} (or the executor's `kmsDrivers`).
 */
import { AesGcm, hkdfSha256 } from './aead.js'

/** Wraps and unwraps key material with one KMS key. */
export interface KmsClient {
  encrypt(plaintext: Uint8Array): Uint8Array | Promise<Uint8Array>
  decrypt(ciphertext: Uint8Array): Uint8Array | Promise<Uint8Array>
}

/**
 * Makes KMS clients for one KMS type.
 *
 * @example
 * registerKmsDriver({
 *   type: 'aws-kms',
 *   newClient: (config, keyId) => myAwsKmsClient(keyId, config['access.key.id'], config['secret.access.key']),
 * })
 */
export interface KmsDriver {
  /** The `kmsType` of the KEKs it serves. */
  readonly type: string
  /** A client for the key `keyId`; `config` is the executor's configuration (secrets, credentials). */
  newClient(config: Readonly<Record<string, string>>, keyId: string): KmsClient | Promise<KmsClient>
}

/**
 * The local KMS: no service, the KEK is derived from a secret (HKDF-SHA256, empty salt and info,
 * 16 bytes) and wraps with AES-128-GCM, as Confluent's `LocalKmsDriver`, so either client unwraps
 * the other's DEKs given the same secret. The secret is the configuration's `secret`, else the
 * `LOCAL_SECRET` environment variable. The key id is only a name.
 */
export const localKmsDriver: KmsDriver = {
  type: 'local-kms',
  newClient(config) {
    const secret = config.secret ?? process.env.LOCAL_SECRET
    if (secret === undefined || secret === '') {
      throw new Error("the local KMS needs a secret: set 'secret' in the encryption config or LOCAL_SECRET")
    }
    const aead = new AesGcm(hkdfSha256(Buffer.from(secret, 'utf8'), 16))
    return { encrypt: (p) => aead.encrypt(p), decrypt: (c) => aead.decrypt(c) }
  },
}

const drivers = new Map<string, KmsDriver>([[localKmsDriver.type, localKmsDriver]])

/** Makes a KMS type known to every encryption executor that does not name its own drivers. */
export function registerKmsDriver(driver: KmsDriver): void {
  drivers.set(driver.type, driver)
}

/** The registered driver for a KMS type, or undefined. */
export function kmsDriver(type: string): KmsDriver | undefined {
  return drivers.get(type)
}

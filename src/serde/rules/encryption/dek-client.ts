/**
 * A client of the DEK registry (`/dek-registry/v1/keks…`), the registry's store of KEKs (a
 * name for a key in a KMS) and DEKs (per subject and version, their key material wrapped by the
 * KEK), as Confluent's `DekRegistryClient` calls it. Requests go through {@link RegistryTransport}
 * (auth, retries, the error envelope). Nothing is cached here: the encryption executor caches.
 */
import { SchemaRegistryError } from '../../errors.js'
import { RegistryTransport, type RegistryTransportOptions } from '../../registry-transport.js'
import type { DekAlgorithm } from './aead.js'

export interface Kek {
  readonly name: string
  readonly kmsType: string
  readonly kmsKeyId: string
  readonly kmsProps?: Readonly<Record<string, string>>
  readonly doc?: string
  /** The registry holds the DEKs' key material (it may call the KMS); clients then send none. */
  readonly shared?: boolean
  readonly ts?: number
  readonly deleted?: boolean
}

export interface Dek {
  readonly kekName: string
  readonly subject: string
  readonly version: number
  readonly algorithm: DekAlgorithm
  /** Base64 of the key material wrapped by the KEK. */
  readonly encryptedKeyMaterial?: string
  /** Base64 of the plain key material (only from a shared KEK's registry). */
  readonly keyMaterial?: string
  /** Creation time, epoch milliseconds: a DEK older than `encrypt.dek.expiry.days` is replaced. */
  readonly ts?: number
  readonly deleted?: boolean
}

/** The calls the encryption executor makes; tests and other transports may implement it. */
export interface DekRegistry {
  getKek(name: string, deleted: boolean): Promise<Kek>
  registerKek(kek: Pick<Kek, 'name' | 'kmsType' | 'kmsKeyId' | 'kmsProps' | 'doc' | 'shared'>): Promise<Kek>
  /** `version` -1 is the latest version. */
  getDek(kekName: string, subject: string, version: number, algorithm: DekAlgorithm, deleted: boolean): Promise<Dek>
  registerDek(
    kekName: string,
    dek: { subject: string; version: number; algorithm: DekAlgorithm; encryptedKeyMaterial?: string },
  ): Promise<Dek>
}

/**
 * @example
 * const deks = new DekRegistryClient({ baseUrl: 'http://127.0.0.1:8081' })
 * const kek = await deks.getKek('orders-kek', false)
 */
export class DekRegistryClient implements DekRegistry {
  readonly #transport: RegistryTransport

  constructor(options: RegistryTransportOptions | RegistryTransport) {
    this.#transport = options instanceof RegistryTransport ? options : new RegistryTransport(options)
  }

  getKek(name: string, deleted: boolean): Promise<Kek> {
    return this.#transport.request('GET', `dek-registry/v1/keks/${enc(name)}?deleted=${deleted}`)
  }

  registerKek(kek: Pick<Kek, 'name' | 'kmsType' | 'kmsKeyId' | 'kmsProps' | 'doc' | 'shared'>): Promise<Kek> {
    return this.#transport.request('POST', 'dek-registry/v1/keks', JSON.stringify({ shared: false, ...kek }))
  }

  getDek(kekName: string, subject: string, version: number, algorithm: DekAlgorithm, deleted: boolean): Promise<Dek> {
    return this.#transport.request(
      'GET',
      `dek-registry/v1/keks/${enc(kekName)}/deks/${enc(subject)}/versions/${version}?algorithm=${algorithm}&deleted=${deleted}`,
    )
  }

  async registerDek(
    kekName: string,
    dek: { subject: string; version: number; algorithm: DekAlgorithm; encryptedKeyMaterial?: string },
  ): Promise<Dek> {
    const body = JSON.stringify(dek)
    try {
      return await this.#transport.request(
        'POST',
        `dek-registry/v1/keks/${enc(kekName)}/deks/${enc(dek.subject)}`,
        body,
      )
    } catch (err) {
      // Registries before the subject moved into the path answer 405 there.
      if (!(err instanceof SchemaRegistryError) || err.status !== 405) throw err
      return this.#transport.request('POST', `dek-registry/v1/keks/${enc(kekName)}/deks`, body)
    }
  }

  close(): void {
    this.#transport.close()
  }
}

const enc = encodeURIComponent

import { GLOBAL_SCOPE } from '../formats/model.js'
import type { DekKey, DekRecord, KekRecord, StoreReader, StoreTx } from '../store/store.js'
import type { CanRead, RegistryCore } from './core.js'
import {
  invalidKey,
  invalidVersion,
  keyAlreadyExists,
  keyNotFound,
  keyNotSoftDeleted,
  keyReferenceExists,
  keySoftDeleted,
  operationNotPermitted,
  tooManyKeys,
} from './errors.js'
import { MAX_VERSION } from './limits.js'
import { qualify } from './subjects.js'
import type { VersionSpec } from './types.js'

/**
 * Confluent's DEK registry (`/dek-registry/v1`): key encryption keys (KEKs) name a key in a KMS;
 * data encryption keys (DEKs) are per-subject keys that clients generate, wrap with the KEK in
 * their own KMS and store here. The registry never sees a KMS or an unwrapped key: a KEK marked
 * `shared` (where Confluent's server itself calls the KMS to make and unwrap DEKs) is refused.
 */

export const DEK_ALGORITHMS = ['AES128_GCM', 'AES256_GCM', 'AES256_SIV'] as const
export type DekAlgorithm = (typeof DEK_ALGORITHMS)[number]
/** The algorithm of a DEK named without one (Confluent's default). */
export const DEFAULT_ALGORITHM: DekAlgorithm = 'AES256_GCM'
/** The version of a DEK created without one, and the one `GET .../deks/{subject}` answers. */
export const MIN_DEK_VERSION = 1

/** Size limits of the fields a client sends (characters); beyond them the key is refused (42271). */
export const KEY_LIMITS = {
  name: 64,
  kmsType: 255,
  kmsKeyId: 2048,
  kmsProps: 64,
  kmsPropKey: 255,
  kmsPropValue: 4096,
  doc: 4096,
  subject: 4096,
  encryptedKeyMaterial: 8192,
} as const

/**
 * `kmsProps` keys that carry KMS credentials in Confluent's KMS drivers (a Vault token or AppRole
 * secret, an AWS secret key, an Azure client secret, a GCP private key, the local KMS secret).
 * This registry never calls a KMS, so it never needs them: a KEK carrying one is refused, and
 * one is never answered (Confluent's server also leaves them out of its answers).
 */
export const SECRET_KMS_PROPS: ReadonlySet<string> = new Set([
  'token.id',
  'approle.secret.id',
  'ssl.keystore.password',
  'secret.access.key',
  'client.secret',
  'private.key',
  'secret',
])

/** Most KEKs and DEKs stored together, unless configured otherwise. */
export const DEFAULT_MAX_ENCRYPTION_KEYS = 10_000

/** `POST /dek-registry/v1/keks`. */
export interface CreateKekRequest {
  readonly name?: string | undefined
  readonly kmsType?: string | undefined
  readonly kmsKeyId?: string | undefined
  readonly kmsProps?: Readonly<Record<string, string>> | undefined
  readonly doc?: string | undefined
  readonly shared?: boolean | undefined
  readonly deleted?: boolean | undefined
}

/** `PUT /dek-registry/v1/keks/{name}`: absent fields keep their value; `null` clears one. */
export interface UpdateKekRequest {
  readonly kmsProps?: Readonly<Record<string, string>> | null | undefined
  readonly doc?: string | null | undefined
  readonly shared?: boolean | undefined
}

/** `POST /dek-registry/v1/keks/{name}/deks`. */
export interface CreateDekRequest {
  readonly subject?: string | undefined
  readonly version?: number | undefined
  readonly algorithm?: string | undefined
  readonly encryptedKeyMaterial?: string | undefined
  readonly deleted?: boolean | undefined
}

// KEK names: a letter or `_`, then letters, digits, `_` and `-` (Confluent's `checkName`).
const NAME = /^[\p{L}_][\p{L}\p{N}_-]*$/u
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
// Canonical base64 only: the bits a padded last group leaves over must be zero, so the stored text
// is the one encoding of its bytes (`6X23R4rwlE==` and `6X23R4rwlA==` would name the same key).
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/

/** A KEK name, checked as Confluent checks it (42271 otherwise). */
export function assertKekName(name: unknown): string {
  if (typeof name !== 'string' || name === '') throw invalidKey('name', 'a KEK name is required')
  if (name.length > KEY_LIMITS.name) throw invalidKey('name', `at most ${KEY_LIMITS.name} characters`)
  if (!NAME.test(name)) {
    throw invalidKey('name', `'${name}' must start with a letter or _ and hold only letters, digits, _ and -`)
  }
  return name
}

/** A DEK subject: non-empty, no control characters (42271 otherwise). */
export function assertDekSubject(subject: unknown): string {
  if (typeof subject !== 'string' || subject === '') throw invalidKey('subject', 'a subject is required')
  if (subject.length > KEY_LIMITS.subject) throw invalidKey('subject', `at most ${KEY_LIMITS.subject} characters`)
  if (CONTROL.test(subject)) throw invalidKey('subject', 'control characters are not allowed')
  return subject
}

/** A DEK algorithm; absent is the default one (42271 for an unknown one). */
export function dekAlgorithm(raw: string | undefined): DekAlgorithm {
  if (raw === undefined) return DEFAULT_ALGORITHM
  if (!(DEK_ALGORITHMS as readonly string[]).includes(raw)) {
    throw invalidKey('algorithm', `'${raw}' is not one of ${DEK_ALGORITHMS.join(', ')}`)
  }
  return raw as DekAlgorithm
}

/** Confluent stores the three cloud KMS types under one spelling each. */
export function normalizeKmsType(kmsType: string): string {
  const t = kmsType.toLowerCase()
  if (t.startsWith('aws')) return 'aws-kms'
  if (t.startsWith('azure')) return 'azure-kms'
  if (t.startsWith('gcp')) return 'gcp-kms'
  return kmsType
}

function limited(field: string, value: string, max: number): string {
  if (value.length > max) throw invalidKey(field, `at most ${max} characters`)
  return value
}

function kmsProps(raw: Readonly<Record<string, string>> | undefined | null): Record<string, string> {
  const entries = Object.entries(raw ?? {})
  if (entries.length > KEY_LIMITS.kmsProps) throw invalidKey('kmsProps', `at most ${KEY_LIMITS.kmsProps} entries`)
  const secret = entries.find(([k]) => SECRET_KMS_PROPS.has(k))
  if (secret) {
    throw invalidKey(
      `kmsProps.${secret[0]}`,
      'KMS credentials are not stored here: this registry never calls the KMS; give them to the clients that do',
    )
  }
  // fromEntries defines own properties, so a key such as `__proto__` is kept as data.
  return Object.fromEntries(
    entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => [
        limited('kmsProps', k, KEY_LIMITS.kmsPropKey),
        limited(`kmsProps.${k}`, v, KEY_LIMITS.kmsPropValue),
      ]),
  )
}

const NOT_SHARED =
  'this registry holds no KMS credentials, so it cannot generate or unwrap DEKs for a shared KEK; register the KEK with shared=false and let clients wrap their DEKs'

function sameProps(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a)
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k])
}

/** Same key, whatever its state and timestamp (Confluent's `isEquivalent`). */
function sameKek(a: KekRecord, b: KekRecord): boolean {
  return (
    a.name === b.name &&
    a.kmsType === b.kmsType &&
    a.kmsKeyId === b.kmsKeyId &&
    sameProps(a.kmsProps, b.kmsProps) &&
    a.doc === b.doc &&
    a.shared === b.shared
  )
}

/** The count every create is held to: KEKs and DEKs together, soft-deleted included. */
function keyCount(store: StoreReader): number {
  let n = 0
  for (const kek of store.keks()) n += 1 + store.deksOf(kek.name).length
  return n
}

function assertRoomFor(core: RegistryCore, store: StoreReader): void {
  const max = core.deps.options.maxEncryptionKeys
  if (max > 0 && keyCount(store) >= max) throw tooManyKeys(max)
}

/** KEKs are global: they are written only when the default context's global mode allows writes. */
function assertKeksWritable(core: RegistryCore): void {
  if (core.effectiveMode(GLOBAL_SCOPE) === 'READONLY') throw operationNotPermitted('The registry is in read-only mode')
}

/** A DEK is written only when its subject's mode allows writes, as its schemas are. */
function assertDeksWritable(core: RegistryCore, subject: string): void {
  const q = qualify(subject)
  if (core.effectiveMode(q.qualified) === 'READONLY') {
    throw operationNotPermitted(`Subject ${q.qualified} in context ${q.context} is in read-only mode`)
  }
}

/** A KEK, live only unless `deleted` (40470 otherwise). */
export function getKek(store: StoreReader, name: string, deleted: boolean): KekRecord {
  assertKekName(name)
  const kek = store.kek(name)
  if (!kek || (kek.deleted && !deleted)) throw keyNotFound(name)
  return kek
}

/** `GET /keks`: names, sorted; with prefixes, those of KEKs holding a DEK of a matching subject. */
export function kekNames(
  store: StoreReader,
  {
    deleted,
    subjectPrefixes = [],
    canRead,
  }: { deleted: boolean; subjectPrefixes?: readonly string[]; canRead?: CanRead | undefined },
): string[] {
  const keks = [...store.keks()]
  const names =
    subjectPrefixes.length === 0
      ? keks.filter((k) => deleted || !k.deleted).map((k) => k.name)
      : keks
          .filter((k) =>
            store
              .deksOf(k.name)
              .some(
                (d) =>
                  (deleted || !d.deleted) &&
                  subjectPrefixes.some((p) => d.subject.startsWith(p)) &&
                  (!canRead || canRead(qualify(d.subject).qualified)),
              ),
          )
          .map((k) => k.name)
  return names.sort()
}

/** `POST /keks`. Creating over a soft-deleted equivalent KEK undeletes it, as in Confluent. */
export function createKek(core: RegistryCore, tx: StoreTx, req: CreateKekRequest): KekRecord {
  const name = assertKekName(req.name)
  if (typeof req.kmsKeyId !== 'string' || req.kmsKeyId === '') throw invalidKey('kmsKeyId', 'a KMS key id is required')
  if (typeof req.kmsType !== 'string' || req.kmsType === '') throw invalidKey('kmsType', 'a KMS type is required')
  if (req.shared) throw invalidKey('shared', NOT_SHARED)
  assertKeksWritable(core)
  const record: KekRecord = {
    name,
    kmsType: normalizeKmsType(limited('kmsType', req.kmsType, KEY_LIMITS.kmsType)),
    kmsKeyId: limited('kmsKeyId', req.kmsKeyId, KEY_LIMITS.kmsKeyId),
    kmsProps: kmsProps(req.kmsProps),
    ...(req.doc !== undefined ? { doc: limited('doc', req.doc, KEY_LIMITS.doc) } : {}),
    shared: false,
    deleted: req.deleted === true,
    ts: core.deps.now(),
  }
  const old = tx.kek(name)
  // Confluent lets a create also soft-delete a live equivalent KEK; here deleting needs DELETE.
  if (old && (old.deleted === record.deleted || !old.deleted || !sameKek(old, record))) throw keyAlreadyExists(name)
  if (!old) assertRoomFor(core, tx)
  tx.putKek(name, record)
  return record
}

/** `PUT /keks/{name}`: kmsProps, doc and shared; a live KEK only (40470 otherwise). */
export function updateKek(core: RegistryCore, tx: StoreTx, name: string, req: UpdateKekRequest): KekRecord {
  const old = getKek(tx, name, false)
  if (req.shared) throw invalidKey('shared', NOT_SHARED)
  assertKeksWritable(core)
  const doc = req.doc === undefined ? old.doc : (req.doc ?? undefined)
  const next: KekRecord = {
    name,
    kmsType: old.kmsType,
    kmsKeyId: old.kmsKeyId,
    kmsProps: req.kmsProps === undefined ? old.kmsProps : kmsProps(req.kmsProps),
    ...(doc !== undefined ? { doc: limited('doc', doc, KEY_LIMITS.doc) } : {}),
    shared: req.shared ?? old.shared,
    deleted: false,
    ts: core.deps.now(),
  }
  if (sameKek(old, next)) return old
  tx.putKek(name, next)
  return next
}

/**
 * `DELETE /keks/{name}`: soft, while no live DEK uses it; permanent, once soft-deleted and no DEK
 * at all uses it (42272 / 40471 otherwise).
 */
export function deleteKek(core: RegistryCore, tx: StoreTx, name: string, permanent: boolean): void {
  const kek = getKek(tx, name, true)
  const using = tx.deksOf(name).filter((d) => permanent || !d.deleted)
  if (using.length > 0) {
    throw keyReferenceExists(
      name,
      permanent
        ? `${using.length} DEK version(s) still use it; delete them permanently first`
        : `${using.length} live DEK version(s) still use it; delete them first`,
    )
  }
  if (permanent && !kek.deleted) throw keyNotSoftDeleted(name)
  assertKeksWritable(core)
  if (permanent) tx.putKek(name, null)
  else if (!kek.deleted) tx.putKek(name, { ...kek, deleted: true, ts: core.deps.now() })
}

/** `POST /keks/{name}/undelete`. */
export function undeleteKek(core: RegistryCore, tx: StoreTx, name: string): void {
  const kek = getKek(tx, name, true)
  if (!kek.deleted) return
  assertKeksWritable(core)
  tx.putKek(name, { ...kek, deleted: false, ts: core.deps.now() })
}

/** `GET /keks/{name}/deks`: subjects with a DEK under the KEK, sorted. */
export function dekSubjects(store: StoreReader, kekName: string, deleted: boolean): string[] {
  getKek(store, kekName, deleted)
  const subjects = new Set<string>()
  for (const d of store.deksOf(kekName)) if (deleted || !d.deleted) subjects.add(d.subject)
  return [...subjects].sort()
}

/** The DEKs of a subject and algorithm under a KEK, ascending by version. */
function versionsOf(store: StoreReader, kekName: string, subject: string, algorithm: DekAlgorithm): DekRecord[] {
  return store.deksOf(kekName).filter((d) => d.subject === subject && d.algorithm === algorithm)
}

/** `GET /keks/{name}/deks/{subject}/versions`. */
export function dekVersions(
  store: StoreReader,
  kekName: string,
  subject: string,
  algorithm: string | undefined,
  deleted: boolean,
): number[] {
  assertDekSubject(subject)
  const alg = dekAlgorithm(algorithm)
  getKek(store, kekName, deleted)
  return versionsOf(store, kekName, subject, alg)
    .filter((d) => deleted || !d.deleted)
    .map((d) => d.version)
}

/** One DEK version (`latest`: the newest visible one); 40470 when the KEK or the DEK is absent. */
export function getDek(
  store: StoreReader,
  kekName: string,
  subject: string,
  version: VersionSpec,
  algorithm: string | undefined,
  deleted: boolean,
): DekRecord {
  assertDekSubject(subject)
  const alg = dekAlgorithm(algorithm)
  getKek(store, kekName, deleted)
  const visible = versionsOf(store, kekName, subject, alg).filter((d) => deleted || !d.deleted)
  const dek = version === 'latest' ? visible.at(-1) : visible.find((d) => d.version === version)
  if (!dek) throw keyNotFound(subject)
  return dek
}

/**
 * `POST /keks/{name}/deks`: stores a DEK its client wrapped. Version 1 and AES256_GCM unless
 * given. Creating over a soft-deleted equivalent DEK undeletes it, as in Confluent.
 */
export function createDek(core: RegistryCore, tx: StoreTx, kekName: string, req: CreateDekRequest): DekRecord {
  assertKekName(kekName)
  const subject = assertDekSubject(req.subject)
  const algorithm = dekAlgorithm(req.algorithm)
  const version = req.version ?? MIN_DEK_VERSION
  if (!Number.isInteger(version) || version < 1 || version > MAX_VERSION) throw invalidVersion(String(version))
  const deleted = req.deleted === true
  const kek = getKek(tx, kekName, deleted)
  if (kek.shared) throw invalidKey('shared', NOT_SHARED)
  const material = req.encryptedKeyMaterial
  if (material === undefined || material === '') {
    throw invalidKey(
      'encryptedKeyMaterial',
      'the KEK is not shared, so the client must send its DEK wrapped by the KEK (base64)',
    )
  }
  limited('encryptedKeyMaterial', material, KEY_LIMITS.encryptedKeyMaterial)
  if (!BASE64.test(material))
    throw invalidKey('encryptedKeyMaterial', 'expected canonical base64 text (RFC 4648, padded, zero pad bits)')
  assertDeksWritable(core, subject)
  const key: DekKey = { kekName, subject, algorithm, version }
  const record: DekRecord = { ...key, encryptedKeyMaterial: material, deleted, ts: core.deps.now() }
  const old = versionsOf(tx, kekName, subject, algorithm).find((d) => d.version === version)
  if (old && (old.deleted === deleted || !old.deleted || old.encryptedKeyMaterial !== material)) {
    throw keyAlreadyExists(subject)
  }
  if (!old) assertRoomFor(core, tx)
  tx.putDek(key, record)
  return record
}

/** Which DEK versions a delete or undelete acts on: every version when `version` is absent. */
export interface DekSelector {
  readonly kekName: string
  readonly subject: string
  readonly algorithm?: string | undefined
  readonly version?: VersionSpec | undefined
}

/** The KEK (soft-deleted too) and the DEK versions a delete or undelete acts on (40470 when none). */
function dekTargets(tx: StoreReader, sel: DekSelector): { kek: KekRecord; deks: DekRecord[] } {
  assertDekSubject(sel.subject)
  const alg = dekAlgorithm(sel.algorithm)
  const kek = getKek(tx, sel.kekName, true)
  const all = versionsOf(tx, sel.kekName, sel.subject, alg)
  const v = sel.version
  const deks = v === undefined ? all : v === 'latest' ? all.slice(-1) : all.filter((d) => d.version === v)
  if (deks.length === 0) throw keyNotFound(sel.subject)
  return { kek, deks }
}

/**
 * `DELETE /keks/{name}/deks/{subject}[/versions/{version}]`: soft marks the versions deleted;
 * permanent removes them once every one is soft-deleted (40471 otherwise).
 */
export function deleteDeks(core: RegistryCore, tx: StoreTx, sel: DekSelector, permanent: boolean): void {
  const { deks } = dekTargets(tx, sel)
  if (permanent && deks.some((d) => !d.deleted)) throw keyNotSoftDeleted(sel.subject)
  assertDeksWritable(core, sel.subject)
  const now = core.deps.now()
  for (const d of deks) {
    if (permanent) tx.putDek(d, null)
    else if (!d.deleted) tx.putDek(d, { ...d, deleted: true, ts: now })
  }
}

/** `POST /keks/{name}/deks/{subject}[/versions/{version}]/undelete`: needs a live KEK (40472). */
export function undeleteDeks(core: RegistryCore, tx: StoreTx, sel: DekSelector): void {
  const { kek, deks } = dekTargets(tx, sel)
  if (kek.deleted) throw keySoftDeleted(sel.kekName)
  assertDeksWritable(core, sel.subject)
  const now = core.deps.now()
  for (const d of deks) if (d.deleted) tx.putDek(d, { ...d, deleted: false, ts: now })
}

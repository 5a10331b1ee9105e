import type { DumpDek, DumpKek } from '../dump.js'
import { enc, type RegistryCalls, SchemaRegistryError } from '../registry-calls.js'
import { inParallel, TRANSFER_CONCURRENCY } from './in-parallel.js'

const KEKS = '/dek-registry/v1/keks'
const ALGORITHMS = ['AES128_GCM', 'AES256_GCM', 'AES256_SIV'] as const

interface KekView {
  name: string
  kmsType: string
  kmsKeyId: string
  kmsProps?: Record<string, string>
  doc?: string
  shared?: boolean
  deleted?: boolean
}

interface DekView {
  kekName: string
  subject: string
  version: number
  algorithm: string
  encryptedKeyMaterial?: string
  deleted?: boolean
}

function kekRecord(k: KekView): DumpKek {
  return {
    kind: 'kek',
    name: k.name,
    kmsType: k.kmsType,
    kmsKeyId: k.kmsKeyId,
    kmsProps: k.kmsProps ?? {},
    ...(k.doc !== undefined && k.doc !== null ? { doc: k.doc } : {}),
    shared: k.shared === true,
    deleted: k.deleted === true,
  }
}

/**
 * The DEK registry's KEKs and DEK versions (soft-deleted ones included), through Confluent's
 * `/dek-registry/v1` routes; none when the registry has no DEK registry (404). A DEK is
 * exported wrapped, as stored; an unwrapped `keyMaterial` a registry may answer is left out.
 */
export async function collectKeys(rest: RegistryCalls): Promise<{ keks: DumpKek[]; deks: DumpDek[] }> {
  const names = (await rest.getOptional<string[]>(`${KEKS}?deleted=true`, [404])) ?? []
  const keks: DumpKek[] = []
  const deks: DumpDek[] = []
  for (const name of [...names].sort()) {
    const k = `${KEKS}/${enc(name)}`
    keks.push(kekRecord(await rest.get<KekView>(`${k}?deleted=true`)))
    const subjects = (await rest.get<string[]>(`${k}/deks?deleted=true`)).sort()
    const found: DumpDek[][] = []
    await inParallel([...subjects.entries()], TRANSFER_CONCURRENCY, async ([i, subject]) => {
      const mine: DumpDek[] = []
      for (const algorithm of ALGORITHMS) {
        const d = `${k}/deks/${enc(subject)}`
        const versions = await rest.get<number[]>(`${d}/versions?deleted=true&algorithm=${algorithm}`)
        for (const v of versions) {
          const view = await rest.get<DekView>(`${d}/versions/${v}?deleted=true&algorithm=${algorithm}`)
          if (view.encryptedKeyMaterial === undefined) continue
          mine.push({
            kind: 'dek',
            kekName: name,
            subject,
            version: view.version,
            algorithm: view.algorithm,
            encryptedKeyMaterial: view.encryptedKeyMaterial,
            deleted: view.deleted === true,
          })
        }
      }
      found[i] = mine
    })
    deks.push(...found.flat())
  }
  return { keks, deks }
}

/** What loading the keys did: written, already there with the same content, refused (with why). */
export interface KeyCounts {
  imported: number
  skipped: number
  readonly refused: string[]
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * Creates the dump's KEKs, then its DEKs, each in its exported state. One the target already
 * holds with the same content is skipped (a repeated import); with other content it is refused.
 */
export async function loadKeys(
  rest: RegistryCalls,
  keks: readonly DumpKek[],
  deks: readonly DumpDek[],
): Promise<KeyCounts> {
  const counts: KeyCounts = { imported: 0, skipped: 0, refused: [] }
  /** Creates with `create`; on 40971 compares what the target holds (read by `existing`). */
  const put = async (what: string, create: () => Promise<unknown>, existing: () => Promise<unknown>, want: unknown) => {
    try {
      await create()
      counts.imported++
    } catch (e) {
      if (!(e instanceof SchemaRegistryError) || e.status >= 500) throw e
      if (e.errorCode === 40971 && same(await existing(), want)) counts.skipped++
      else counts.refused.push(`${what}: ${e.message}`)
    }
  }
  for (const k of keks) {
    const { kind: _kind, ...body } = k
    await put(
      `KEK ${k.name}`,
      () => rest.post(KEKS, body),
      async () => kekRecord(await rest.get<KekView>(`${KEKS}/${enc(k.name)}?deleted=true`)),
      k,
    )
  }
  await inParallel([...deks], TRANSFER_CONCURRENCY, async (d) => {
    const { kind: _kind, kekName, ...body } = d
    const path = `${KEKS}/${enc(kekName)}/deks`
    const version = `${path}/${enc(d.subject)}/versions/${d.version}?deleted=true&algorithm=${d.algorithm}`
    await put(
      `DEK ${kekName}/${d.subject} ${d.algorithm} version ${d.version}`,
      () => rest.post(path, body),
      async () => {
        const v = await rest.get<DekView>(version)
        return { encryptedKeyMaterial: v.encryptedKeyMaterial, deleted: v.deleted === true }
      },
      { encryptedKeyMaterial: d.encryptedKeyMaterial, deleted: d.deleted },
    )
  })
  return counts
}

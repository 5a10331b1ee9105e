import { afterEach, describe, expect, it } from 'vitest'
import { type DekRecord, type KekRecord, type SchemaRecord, type Store, Topic, type VersionRecord } from './store.js'
import { GLOBAL_SCOPE } from '../formats/model.js'

export interface StoreContractOptions {
  /** Closes `store` and opens it again on the same data; omit for stores that keep nothing. */
  readonly reopen?: (store: Store) => Promise<Store>
}

const schema = (id: number, over: Partial<SchemaRecord> = {}): SchemaRecord => ({
  context: '.',
  id,
  schemaType: 'AVRO',
  schema: `{"type":"fixed","name":"f${id}","size":${id}}`,
  references: [],
  guid: `00000000-0000-0000-0000-${String(id).padStart(12, '0')}`,
  ...over,
})

const version = (subject: string, v: number, id: number, over: Partial<VersionRecord> = {}): VersionRecord => ({
  subject,
  version: v,
  context: '.',
  id,
  deleted: false,
  ts: 1_700_000_000_000 + v,
  ...over,
})

const kek = (name: string, over: Partial<KekRecord> = {}): KekRecord => ({
  name,
  kmsType: 'aws-kms',
  kmsKeyId: `arn:aws:kms:eu-west-1:1:key/${name}`,
  kmsProps: { region: 'eu-west-1' },
  doc: `doc of ${name}`,
  shared: false,
  deleted: false,
  ts: 1_700_000_000_000,
  ...over,
})

const dek = (kekName: string, subject: string, v: number, over: Partial<DekRecord> = {}): DekRecord => ({
  kekName,
  subject,
  algorithm: 'AES256_GCM',
  version: v,
  encryptedKeyMaterial: Buffer.from(`${kekName}/${subject}/${v}`).toString('base64'),
  deleted: false,
  ts: 1_700_000_000_000 + v,
  ...over,
})

/**
 * The behaviour every {@link Store} shares, as one vitest block per store.
 *
 * @example
 * describeStoreContract('MemoryStore', async () => new MemoryStore())
 */
export function describeStoreContract(
  name: string,
  makeStore: () => Promise<Store>,
  cleanup?: () => Promise<void>,
  options: StoreContractOptions = {},
): void {
  describe(`store contract: ${name}`, () => {
    const open: Store[] = []
    const make = async () => {
      const s = await makeStore()
      open.push(s)
      await s.ready()
      return s
    }
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close()
      await cleanup?.()
    })

    it('starts empty and ready', async () => {
      const s = await make()
      expect([...s.subjects()]).toEqual([])
      expect(s.maxId('.')).toBe(0)
      expect(s.contexts()).toEqual(['.'])
      expect(s.config(GLOBAL_SCOPE)).toBeUndefined()
      expect(s.mode(GLOBAL_SCOPE)).toBeUndefined()
    })

    it('serves writes once the transaction resolves, with fn result', async () => {
      const s = await make()
      const out = await s.transaction((tx) => {
        tx.putSchema(schema(1))
        tx.putVersion(version('a', 1, 1))
        return 'done'
      })
      expect(out).toBe('done')
      expect(s.schemaById('.', 1)?.schema).toBe(schema(1).schema)
      expect(s.versionsOf('a').map((v) => v.id)).toEqual([1])
      expect(s.idByHash('.', 'AVRO', schema(1).guid)).toBe(1)
      expect([...s.subjects()]).toEqual(['a'])
    })

    it('writes nothing when fn throws', async () => {
      const s = await make()
      await expect(
        s.transaction((tx) => {
          tx.putSchema(schema(1))
          tx.putVersion(version('a', 1, 1))
          throw new Error('refused')
        }),
      ).rejects.toThrow('refused')
      expect(s.schemaById('.', 1)).toBeUndefined()
      expect(s.versionsOf('a')).toEqual([])
      expect(s.maxId('.')).toBe(0)
    })

    it('lets fn read the state before its own writes', async () => {
      const s = await make()
      await s.transaction((tx) => {
        tx.putSchema(schema(1))
        expect(tx.schemaById('.', 1)).toBeUndefined()
      })
      expect(s.schemaById('.', 1)).toBeDefined()
    })

    it('keeps the id high-water mark after versions are deleted', async () => {
      const s = await make()
      await s.transaction((tx) => {
        tx.putSchema(schema(1))
        tx.putSchema(schema(2))
        tx.putVersion(version('a', 1, 1))
        tx.putVersion(version('a', 2, 2))
      })
      await s.transaction((tx) => {
        tx.deleteVersion('a', 2)
        tx.deleteVersion('a', 1)
      })
      expect(s.versionsOf('a')).toEqual([])
      expect([...s.subjects()]).toEqual([])
      expect(s.maxId('.')).toBe(2)
      expect(s.schemaById('.', 2)).toBeDefined()
      expect(s.usesOf('.', 2)).toEqual([])
    })

    it('orders versions ascending and keeps soft-deleted ones', async () => {
      const s = await make()
      await s.transaction((tx) => {
        tx.putSchema(schema(1))
        tx.putSchema(schema(2))
        tx.putVersion(version('a', 3, 2))
        tx.putVersion(version('a', 1, 1))
        tx.putVersion(version('a', 2, 1, { deleted: true }))
      })
      expect(s.versionsOf('a').map((v) => [v.version, v.deleted])).toEqual([
        [1, false],
        [2, true],
        [3, false],
      ])
      await s.transaction((tx) => tx.putVersion(version('a', 1, 1, { deleted: true })))
      expect(s.versionsOf('a').map((v) => v.deleted)).toEqual([true, true, false])
      expect(
        s
          .usesOf('.', 1)
          .map((v) => v.version)
          .sort(),
      ).toEqual([1, 2])
    })

    it('indexes uses, referrers and hashes per context', async () => {
      const s = await make()
      await s.transaction((tx) => {
        tx.putSchema(schema(1))
        tx.putVersion(version('base', 1, 1))
        tx.putSchema(schema(2, { references: [{ name: 'b', subject: 'base', version: 1 }] }))
        tx.putVersion(version('top', 1, 2))
        tx.putVersion(version('other', 1, 2))
        tx.putSchema(schema(1, { context: '.ctx' }))
        tx.putVersion(version(':.ctx:x', 1, 1, { context: '.ctx' }))
      })
      expect(s.referrersOf('base', 1)).toEqual([{ context: '.', id: 2 }])
      expect(s.referrersOf('base', 2)).toEqual([])
      expect(
        s
          .usesOf('.', 2)
          .map((v) => v.subject)
          .sort(),
      ).toEqual(['other', 'top'])
      expect(s.idByHash('.ctx', 'AVRO', schema(1).guid)).toBe(1)
      expect(s.idByHash('.', 'JSON', schema(1).guid)).toBeUndefined()
      expect(s.maxId('.ctx')).toBe(1)
      expect(s.contexts()).toEqual(['.', '.ctx'])
      expect(s.usesOf('.ctx', 1).map((v) => v.subject)).toEqual([':.ctx:x'])
    })

    it('sets and clears config and mode per scope', async () => {
      const s = await make()
      await s.transaction((tx) => {
        tx.putConfig(GLOBAL_SCOPE, { compatibilityLevel: 'FULL' })
        tx.putConfig('a', { compatibilityLevel: 'NONE', normalize: true })
        tx.putConfig(':.ctx:', { compatibilityLevel: 'FORWARD' })
        tx.putMode(GLOBAL_SCOPE, 'READONLY')
        tx.putMode('a', 'IMPORT')
      })
      expect(s.config(GLOBAL_SCOPE)).toEqual({ compatibilityLevel: 'FULL' })
      expect(s.config('a')).toEqual({ compatibilityLevel: 'NONE', normalize: true })
      expect(s.config(':.ctx:')).toEqual({ compatibilityLevel: 'FORWARD' })
      expect(s.mode(GLOBAL_SCOPE)).toBe('READONLY')
      expect(s.mode('a')).toBe('IMPORT')
      await s.transaction((tx) => {
        tx.putConfig('a', null)
        tx.putMode(GLOBAL_SCOPE, null)
      })
      expect(s.config('a')).toBeUndefined()
      expect(s.mode(GLOBAL_SCOPE)).toBeUndefined()
      expect(s.mode('a')).toBe('IMPORT')
    })

    it('applies transactions in the order they were issued', async () => {
      const s = await make()
      await Promise.all(
        [1, 2, 3, 4, 5].map((n) =>
          s.transaction((tx) => {
            const next = tx.maxId('.') + 1
            tx.putSchema(schema(next))
            tx.putVersion(version('seq', (tx.versionsOf('seq').at(-1)?.version ?? 0) + 1, next))
            return n
          }),
        ),
      )
      expect(s.versionsOf('seq').map((v) => [v.version, v.id])).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
        [5, 5],
      ])
    })

    it('changes the stamp of exactly the parts a write touches', async () => {
      const s = await make()
      await s.transaction((tx) => {
        tx.putSchema(schema(1))
        tx.putSchema(schema(2))
        tx.putVersion(version('a', 1, 1))
        tx.putVersion(version('b', 1, 2))
      })
      const topics = [
        Topic.subject('a'),
        Topic.subject('b'),
        Topic.id(1),
        Topic.id(2),
        Topic.id(3),
        Topic.subjects,
        Topic.contexts,
        Topic.schemas,
        Topic.settings,
      ]
      let before = topics.map((t) => s.stamp(t))
      const changed = () => {
        const now = topics.map((t) => s.stamp(t))
        const out = topics.filter((_, i) => now[i] !== before[i])
        for (const [i, n] of now.entries()) expect(n).toBeGreaterThanOrEqual(before[i]!)
        before = now
        return out
      }
      await s.transaction((tx) => {
        tx.putSchema(schema(3))
        tx.putVersion(version('b', 2, 3))
      })
      expect(changed()).toEqual([Topic.subject('b'), Topic.id(3), Topic.subjects, Topic.schemas])
      await s.transaction((tx) => tx.putVersion(version('a', 1, 1, { deleted: true })))
      expect(changed()).toEqual([Topic.subject('a'), Topic.id(1), Topic.subjects])
      await s.transaction((tx) => tx.deleteVersion('b', 1))
      expect(changed()).toEqual([Topic.subject('b'), Topic.id(2), Topic.subjects])
      await s.transaction((tx) => {
        tx.putSchema(schema(1, { context: '.ctx' }))
        tx.putVersion(version(':.ctx:c', 1, 1, { context: '.ctx' }))
      })
      expect(changed()).toEqual([Topic.id(1), Topic.subjects, Topic.contexts, Topic.schemas])
      await s.transaction((tx) => tx.putConfig('a', { compatibilityLevel: 'NONE' }))
      expect(changed()).toEqual([Topic.settings])
      await s.transaction((tx) => tx.putMode(GLOBAL_SCOPE, 'READONLY'))
      expect(changed()).toEqual([Topic.settings])
    })

    it('stores KEKs and DEKs, replaces them by identity and removes them for good', async () => {
      const s = await make()
      expect([...s.keks()]).toEqual([])
      expect(s.deksOf('k1')).toEqual([])
      await s.transaction((tx) => {
        tx.putKek('k1', kek('k1'))
        tx.putKek('k2', kek('k2', { doc: undefined, kmsProps: {} }))
        tx.putDek(dek('k1', 'b-value', 2), dek('k1', 'b-value', 2))
        tx.putDek(dek('k1', 'b-value', 1), dek('k1', 'b-value', 1))
        tx.putDek(dek('k1', 'a-value', 1), dek('k1', 'a-value', 1))
        tx.putDek(
          dek('k1', 'a-value', 1, { algorithm: 'AES128_GCM' }),
          dek('k1', 'a-value', 1, { algorithm: 'AES128_GCM' }),
        )
        expect(tx.kek('k1')).toBeUndefined()
      })
      expect(s.kek('k1')).toEqual(kek('k1'))
      expect(s.kek('k2')).toEqual(kek('k2', { doc: undefined, kmsProps: {} }))
      expect([...s.keks()].map((k) => k.name).sort()).toEqual(['k1', 'k2'])
      expect(s.deksOf('k1').map((d) => `${d.subject}/${d.algorithm}/${d.version}`)).toEqual([
        'a-value/AES128_GCM/1',
        'a-value/AES256_GCM/1',
        'b-value/AES256_GCM/1',
        'b-value/AES256_GCM/2',
      ])
      expect(s.deksOf('k2')).toEqual([])
      await s.transaction((tx) => {
        tx.putKek('k1', kek('k1', { deleted: true, ts: 5 }))
        tx.putDek(dek('k1', 'b-value', 2), dek('k1', 'b-value', 2, { deleted: true }))
        tx.putDek(dek('k1', 'a-value', 1, { algorithm: 'AES128_GCM' }), null)
        tx.putKek('k2', null)
      })
      expect(s.kek('k1')).toMatchObject({ deleted: true, ts: 5 })
      expect(s.kek('k2')).toBeUndefined()
      expect([...s.keks()].map((k) => k.name)).toEqual(['k1'])
      expect(s.deksOf('k1').map((d) => [d.subject, d.algorithm, d.version, d.deleted])).toEqual([
        ['a-value', 'AES256_GCM', 1, false],
        ['b-value', 'AES256_GCM', 1, false],
        ['b-value', 'AES256_GCM', 2, true],
      ])
    })

    it('lets each transaction see the DEKs of those issued before it', async () => {
      const s = await make()
      await s.transaction((tx) => tx.putKek('k', kek('k')))
      await Promise.all(
        [1, 2, 3, 4].map(() =>
          s.transaction((tx) => {
            const next = (tx.deksOf('k').at(-1)?.version ?? 0) + 1
            tx.putDek(dek('k', 's', next), dek('k', 's', next))
          }),
        ),
      )
      expect(s.deksOf('k').map((d) => d.version)).toEqual([1, 2, 3, 4])
    })

    if (options.reopen) {
      const reopen = options.reopen
      it('keeps everything across close and re-open', async () => {
        const s = await make()
        await s.transaction((tx) => {
          tx.putSchema(schema(1, { metadata: { properties: { owner: 'x' } }, ruleSet: { domainRules: [] } }))
          tx.putSchema(schema(2))
          tx.putVersion(version('a', 1, 1))
          tx.putVersion(version('a', 2, 2, { deleted: true }))
          tx.putConfig(GLOBAL_SCOPE, { compatibilityLevel: 'FULL' })
          tx.putConfig('a', { compatibilityLevel: 'NONE' })
          tx.putMode('a', 'READONLY')
        })
        await s.transaction((tx) => tx.deleteVersion('a', 2))
        open.splice(open.indexOf(s), 1)
        const again = await reopen(s)
        open.push(again)
        await again.ready()
        expect(again.schemaById('.', 1)).toEqual(s.schemaById('.', 1))
        expect(again.versionsOf('a')).toEqual(s.versionsOf('a'))
        expect(again.maxId('.')).toBe(2)
        expect(again.config(GLOBAL_SCOPE)).toEqual({ compatibilityLevel: 'FULL' })
        expect(again.config('a')).toEqual({ compatibilityLevel: 'NONE' })
        expect(again.mode('a')).toBe('READONLY')
        expect(again.idByHash('.', 'AVRO', schema(2).guid)).toBe(2)
      })

      it('keeps KEKs and DEKs across close and re-open, removed ones gone', async () => {
        const s = await make()
        await s.transaction((tx) => {
          tx.putKek('live', kek('live'))
          tx.putKek('gone', kek('gone', { deleted: true }))
          tx.putKek('nodoc', kek('nodoc', { doc: undefined, kmsProps: {} }))
          tx.putDek(dek('live', 's', 1), dek('live', 's', 1))
          tx.putDek(dek('live', 's', 2), dek('live', 's', 2, { deleted: true }))
          tx.putDek(dek('live', 't', 1), dek('live', 't', 1))
        })
        await s.transaction((tx) => {
          tx.putKek('gone', null)
          tx.putDek(dek('live', 't', 1), null)
        })
        open.splice(open.indexOf(s), 1)
        const again = await reopen(s)
        open.push(again)
        await again.ready()
        expect([...again.keks()].sort((a, b) => (a.name < b.name ? -1 : 1))).toEqual([
          kek('live'),
          kek('nodoc', { doc: undefined, kmsProps: {} }),
        ])
        expect(again.kek('gone')).toBeUndefined()
        expect(again.deksOf('live')).toEqual([dek('live', 's', 1), dek('live', 's', 2, { deleted: true })])
      })
    }
  })
}

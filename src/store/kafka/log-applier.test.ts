import { describe, expect, it } from 'vitest'
import { ConfluentReader } from '../../../test/support/confluent-reader.js'
import type { DekRecord, KekRecord, Mutation, SchemaRecord, VersionRecord } from '../store.js'
import { groupRecords, LogApplier, type IncomingRecord } from './log-applier.js'
import { decodeKey, encodeKey, recordMutations } from './records.js'

const schema = (id: number): SchemaRecord => ({
  context: '.',
  id,
  schemaType: 'AVRO',
  schema: `"s${id}"`,
  references: [],
  guid: `g${id}`,
})
const version = (subject: string, v: number, id: number): VersionRecord => ({
  subject,
  version: v,
  context: '.',
  id,
  deleted: false,
  ts: 1,
})
const registerMutations = (subject: string, v: number, id: number): Mutation[] => [
  { kind: 'schema', record: schema(id) },
  { kind: 'version', record: version(subject, v, id) },
]

/** A log: appends groups built against a given applier's state, as a writing node would. */
class Log {
  readonly records: IncomingRecord[] = []
  append(txn: string, base: number, mutations: Mutation[], writer: LogApplier): void {
    for (const r of groupRecords(txn, base, mutations, writer.state, writer.repairs())) {
      this.records.push({ offset: this.records.length, key: r.key, value: r.value, headers: r.headers, timestamp: 0 })
    }
  }
  feed(a: LogApplier): void {
    for (const r of this.records) a.handle(r)
  }
}

describe('LogApplier', () => {
  it('lets the first of two writes based on the same state win, on every reader', () => {
    const log = new Log()
    const writer = new LogApplier()
    // Two nodes read the empty state and both take id 1 for different schemas.
    log.append('n1:1', 0, registerMutations('a', 1, 1), writer)
    log.append(
      'n2:1',
      0,
      [
        { kind: 'schema', record: { ...schema(1), schema: '"other"', guid: 'other' } },
        { kind: 'version', record: version('b', 1, 1) },
      ],
      writer,
    )
    const fates: [string, boolean][] = []
    const readers = [new LogApplier({ decided: (t, w) => fates.push([t, w]) }), new LogApplier()]
    for (const r of readers) log.feed(r)
    expect(fates).toEqual([
      ['n1:1', true],
      ['n2:1', false],
    ])
    for (const r of readers) {
      expect(r.state.schemaById('.', 1)?.schema).toBe('"s1"')
      expect([...r.state.subjects()]).toEqual(['a'])
    }
  })

  it('marks a losing record that differs from the state outstanding, and a later winner repairs it', () => {
    const log = new Log()
    const a = new LogApplier()
    log.append('n1:1', 0, registerMutations('a', 1, 1), a)
    log.append('n2:1', 0, registerMutations('a', 1, 2), a) // same key, loses
    log.feed(a)
    const stale = encodeKey({ keytype: 'SCHEMA', subject: 'a', version: 1 })
    expect(a.position.outstanding).toEqual([stale])
    // The next write from any node carries the state's value for the stale key.
    log.append('n2:2', a.next, [{ kind: 'mode', scope: 'x', mode: 'READONLY' }], a)
    log.feed(a)
    expect(a.position.outstanding).toEqual([])
    const last = log.records.filter((r) => r.key === stale).at(-1)!
    expect(JSON.parse(last.value!).id).toBe(1)
  })

  it('does not mark a loser that wrote what the state holds', () => {
    const log = new Log()
    const a = new LogApplier()
    log.append('n1:1', 0, [{ kind: 'mode', scope: 'x', mode: 'READONLY' }], a)
    log.append('n2:1', 0, [{ kind: 'mode', scope: 'x', mode: 'READONLY' }], a)
    log.feed(a)
    expect(a.position.outstanding).toEqual([])
  })

  it('applies records without our headers as the incumbent does, and they count as writes', () => {
    const a = new LogApplier()
    const fates: boolean[] = []
    const b = new LogApplier({ decided: (_t, w) => fates.push(w) })
    const log = new Log()
    log.records.push({
      offset: 0,
      key: '{"keytype":"SCHEMA","subject":"a","version":1,"magic":1}',
      value: '{"subject":"a","version":1,"id":5,"schema":"\\"int\\"","deleted":false}',
      headers: {},
      timestamp: 42,
    })
    log.append('n1:1', 0, registerMutations('a', 1, 1), a) // based before the foreign write
    log.feed(b)
    expect(fates).toEqual([false])
    expect(b.state.versionsOf('a')).toEqual([{ subject: 'a', version: 1, context: '.', id: 5, deleted: false, ts: 42 }])
    expect(b.state.maxId('.')).toBe(5)
  })

  it('resumes from a position and skips what it already applied', () => {
    const log = new Log()
    const w = new LogApplier()
    log.append('n1:1', 0, registerMutations('a', 1, 1), w)
    const first = new LogApplier()
    log.feed(first)
    log.append('n1:2', first.next, registerMutations('a', 2, 2), first)
    const resumed = new LogApplier()
    for (const m of registerMutations('a', 1, 1)) resumed.state.apply(m)
    resumed.restore(first.position)
    log.feed(resumed)
    expect(resumed.state.versionsOf('a').map((v) => v.id)).toEqual([1, 2])
  })

  it('applies what is left of a group that compaction cut short, as the incumbent would', () => {
    const log = new Log()
    const w = new LogApplier()
    log.append('n1:1', 0, [...registerMutations('a', 1, 1), ...registerMutations('b', 1, 2)], w)
    // Compaction removed the record for `a` (a later record superseded it).
    const cut = log.records.filter((r) => !r.key?.includes('"a"'))
    const r = new LogApplier()
    for (const rec of cut) r.handle(rec)
    r.settle()
    expect([...r.state.subjects()]).toEqual(['b'])
    expect(r.state.schemaById('.', 2)).toBeDefined()
  })

  describe("the log's plain reading after losers are repaired", () => {
    /** What a Confluent-format reader derives from the log must be what the applier holds. */
    const expectPlainReadingAgrees = (log: Log, a: LogApplier) => {
      const reader = new ConfluentReader()
      for (const r of log.records) reader.apply(r.key, r.value)
      for (let id = 1; id <= a.state.maxId('.'); id++) {
        const held = a.state.usesOf('.', id).length > 0 ? a.state.schemaById('.', id)?.schema : undefined
        expect(reader.schemaById(id), `id ${id}`).toBe(held)
        if (held !== undefined) expect(reader.lastTextById(id), `last record of id ${id}`).toBe(held)
      }
      const subjects = [...a.state.subjects()].sort()
      expect([...reader.subjects().keys()].sort()).toEqual(subjects)
      for (const s of subjects) {
        expect(reader.subjects().get(s)).toEqual(a.state.versionsOf(s).map((v) => [v.version, v.id, v.deleted]))
      }
    }
    const other = (id: number, text: string): Mutation[] => [
      { kind: 'schema', record: { ...schema(id), schema: text, guid: text } },
    ]

    it('re-asserts an id that a loser claimed for another schema after the winner took it', () => {
      const log = new Log()
      const a = new LogApplier()
      log.append('n1:1', 0, registerMutations('a', 1, 1), a)
      log.append('n2:1', 0, [...other(1, '"b"'), { kind: 'version', record: version('b', 1, 1) }], a)
      log.feed(a)
      // The loser's writer runs again on the newer state, carrying the repairs.
      log.append('n2:2', a.next, [...other(2, '"b"'), { kind: 'version', record: version('b', 1, 2) }], a)
      log.feed(a)
      expect(a.position.outstanding).toEqual([])
      expectPlainReadingAgrees(log, a)
    })

    it('writes again a winner whose id a loser claimed earlier in the log', () => {
      const log = new Log()
      const a = new LogApplier()
      log.append('n1:1', 0, [{ kind: 'mode', scope: 'x', mode: 'READONLY' }], a) // offsets 0-1
      // Based before the mode change: loses, but its record claims id 1 for "b".
      log.append('n2:1', 0, [...other(1, '"b"'), { kind: 'version', record: version('b', 1, 1) }], a)
      // Based after the mode change, before the loser: wins, and takes id 1 for "s1".
      log.append('n3:1', 2, registerMutations('c', 1, 1), a)
      log.feed(a)
      expect(a.state.versionsOf('c').map((v) => v.id)).toEqual([1])
      log.append('n2:2', a.next, [...other(2, '"b"'), { kind: 'version', record: version('b', 1, 2) }], a)
      log.feed(a)
      expect(a.position.outstanding).toEqual([])
      expectPlainReadingAgrees(log, a)
    })

    it('tombstones what a loser wrote when its re-run no longer writes it', () => {
      const log = new Log()
      const a = new LogApplier()
      log.append('n1:1', 0, registerMutations('a', 1, 1), a)
      log.append('n2:1', 0, [...other(1, '"b"'), { kind: 'version', record: version('b', 1, 1) }], a)
      log.feed(a)
      log.append('n2:2', a.next, [], a) // a repair-only group
      log.feed(a)
      expect(a.position.outstanding).toEqual([])
      expectPlainReadingAgrees(log, a)
    })
  })

  describe('KEK and DEK records', () => {
    const kek = (over: Partial<KekRecord> = {}): KekRecord => ({
      name: 'k',
      kmsType: 'aws-kms',
      kmsKeyId: 'arn',
      kmsProps: JSON.parse('{"__proto__":"p","region":"eu"}') as Record<string, string>,
      shared: false,
      deleted: false,
      ts: 5,
      ...over,
    })
    const dekKey = { kekName: 'k', subject: 's', algorithm: 'AES256_GCM', version: 1 }
    const dek = (material: string, over: Partial<DekRecord> = {}): DekRecord => ({
      ...dekKey,
      encryptedKeyMaterial: material,
      deleted: false,
      ts: 6,
      ...over,
    })
    const putKek: Mutation = { kind: 'kek', name: 'k', record: kek() }
    const putDek = (material: string): Mutation => ({ kind: 'dek', key: dekKey, record: dek(material) })

    it('have keys of their own that decode to what they encode', () => {
      const k = encodeKey({ keytype: 'KEK', name: 'k' })
      const d = encodeKey({ keytype: 'DEK', ...dekKey })
      expect(k).toBe('{"keytype":"KEK","name":"k","magic":0}')
      expect(d).toBe('{"keytype":"DEK","kekName":"k","subject":"s","algorithm":"AES256_GCM","version":1,"magic":0}')
      expect(decodeKey(k)).toEqual({ keytype: 'KEK', name: 'k', raw: k })
      expect(decodeKey(d)).toEqual({ keytype: 'DEK', ...dekKey, raw: d })
      expect(decodeKey('{"keytype":"DEK","kekName":"k","subject":"s","algorithm":"A","version":"1"}')).toBeUndefined()
    })

    it('are replayed by any reader, tombstones included, and unreadable values are ignored', () => {
      const log = new Log()
      const w = new LogApplier()
      log.append('n1:1', 0, [putKek, putDek('bWF0')], w)
      log.feed(w)
      log.append('n1:2', w.next, [{ kind: 'dek', key: dekKey, record: null }], w)
      const r = new LogApplier()
      log.feed(r)
      expect(r.state.kek('k')).toEqual(kek())
      expect(Object.keys(r.state.kek('k')!.kmsProps)).toEqual(['__proto__', 'region'])
      expect(r.state.deksOf('k')).toEqual([])
      const state = new LogApplier().state
      // A group whose marker compaction removed is read record by record.
      const kekKey = encodeKey({ keytype: 'KEK', name: 'k' })
      expect(recordMutations(state, kekKey, JSON.stringify(kek()), 1)).toEqual([putKek])
      expect(recordMutations(state, kekKey, null, 1)).toEqual([{ kind: 'kek', name: 'k', record: null }])
      const d = encodeKey({ keytype: 'DEK', ...dekKey })
      expect(recordMutations(state, d, JSON.stringify(dek('bWF0')), 1)).toEqual([putDek('bWF0')])
      expect(recordMutations(state, d, '{"deleted":false}', 1)).toEqual([])
      expect(recordMutations(state, d, 'not json', 1)).toEqual([])
      expect(recordMutations(state, encodeKey({ keytype: 'KEK', name: 'k' }), '{"kmsType":1}', 1)).toEqual([])
    })

    it('lets only the first of two creates of one DEK version win, and repairs the loser', () => {
      const log = new Log()
      const a = new LogApplier()
      log.append('n0:1', 0, [putKek], a)
      log.feed(a)
      const base = a.next
      log.append('n1:1', base, [putDek('Zmlyc3Q=')], a)
      log.append('n2:1', base, [putDek('c2Vjb25k')], a) // the same version, other material: loses
      log.feed(a)
      expect(a.state.deksOf('k').map((x) => x.encryptedKeyMaterial)).toEqual(['Zmlyc3Q='])
      const stale = encodeKey({ keytype: 'DEK', ...dekKey })
      expect(a.position.outstanding).toEqual([stale])
      log.append('n2:2', a.next, [], a) // the loser's re-run writes nothing but repairs
      log.feed(a)
      expect(a.position.outstanding).toEqual([])
      expect(JSON.parse(log.records.filter((x) => x.key === stale).at(-1)!.value!)).toEqual(dek('Zmlyc3Q='))
    })
  })
})

import { describe, expect, it } from 'vitest'
import { AccessControl } from '../auth/permissions.js'
import { createRegistry } from '../../registry/registry.js'
import { MemoryStore } from '../../store/memory/memory-store.js'
import { GLOBAL_SCOPE } from '../../formats/model.js'
import { accessFor } from './access.js'
import { effectiveLevel, effectiveMode, PAGE_SIZE, subjectPage } from './data.js'

const ALL = { q: '', match: 'contains', type: '', context: '', deleted: false, page: 1 } as const

async function registry() {
  const r = createRegistry({ store: new MemoryStore() })
  for (let i = 0; i < 60; i++) await r.register(`bulk-${String(i).padStart(2, '0')}`, { schema: '"string"' }, {})
  await r.register(
    'orders-value',
    { schema: 'syntax = "proto3";\nmessage A { string a = 1; }\n', schemaType: 'PROTOBUF' },
    {},
  )
  await r.register(':.staging:orders-value', { schema: '"int"' }, {})
  await r.register('gone', { schema: '"long"' }, {})
  await r.deleteSubject('gone', false)
  return r
}

describe('subjectPage', () => {
  it('pages, searches by substring or prefix ignoring case, and filters by type, context and deletion', async () => {
    const r = await registry()
    const all = accessFor(undefined, undefined)
    const first = subjectPage(r, all, ALL)
    expect([first.matched, first.readable, first.pages, first.rows.length]).toEqual([62, 62, 2, PAGE_SIZE])
    expect(subjectPage(r, all, { ...ALL, page: 99 }).page).toBe(2)
    expect(subjectPage(r, all, { ...ALL, q: 'DERS' }).rows.map((x) => x.subject)).toEqual([
      'orders-value',
      ':.staging:orders-value',
    ])
    expect(subjectPage(r, all, { ...ALL, q: 'ders', match: 'prefix' }).matched).toBe(0)
    expect(subjectPage(r, all, { ...ALL, type: 'PROTOBUF' }).rows.map((x) => x.subject)).toEqual(['orders-value'])
    expect(subjectPage(r, all, { ...ALL, context: '.staging' }).rows.map((x) => x.subject)).toEqual([
      ':.staging:orders-value',
    ])
    const deleted = subjectPage(r, all, { ...ALL, q: 'gone', deleted: true }).rows
    expect(deleted.map((x) => [x.subject, x.allDeleted, x.versions])).toEqual([['gone', true, 0]])
  })

  it('lists only the subjects the principal may read', async () => {
    const r = await registry()
    const acl = new AccessControl([{ principal: 'alice', subjectPrefix: 'orders', grant: 'read' }])
    const alice = subjectPage(r, accessFor(acl, { name: 'alice', via: 'basic' }), ALL)
    expect([alice.readable, alice.rows.map((x) => x.subject)]).toEqual([1, ['orders-value']])
    expect(subjectPage(r, accessFor(acl, undefined), ALL).readable).toBe(0)
  })
})

describe('effective settings', () => {
  it('names the scope each setting comes from', async () => {
    const r = await registry()
    expect(effectiveLevel(r, 'orders-value')).toEqual({ value: 'BACKWARD', source: 'server default' })
    await r.putConfig(GLOBAL_SCOPE, { compatibility: 'FULL' })
    await r.putConfig(':.staging:', { compatibility: 'NONE' })
    await r.putMode(':.staging:', 'READONLY', false)
    expect(effectiveLevel(r, 'orders-value')).toEqual({ value: 'FULL', source: 'global' })
    expect(effectiveLevel(r, ':.staging:orders-value')).toEqual({ value: 'NONE', source: 'context .staging' })
    expect(effectiveMode(r, ':.staging:orders-value')).toEqual({ value: 'READONLY', source: 'context .staging' })
    await r.putConfig('orders-value', { compatibility: 'FORWARD' })
    expect(effectiveLevel(r, 'orders-value')).toEqual({ value: 'FORWARD', source: 'subject' })
  })
})

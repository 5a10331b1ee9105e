import { describe, expect, it } from 'vitest'
import { AccessControl } from './permissions.js'

describe('AccessControl', () => {
  const acl = new AccessControl([
    { principal: 'alice', subject: 'orders-*', grant: 'write' },
    { principal: 'alice', subjectPrefix: 'payments.', grant: 'read' },
    { principal: 'bob', subject: 'a?c', grant: 'admin' },
    { principal: '*', subject: 'public-*', grant: 'read' },
    { principal: 'ops', grant: 'admin' },
  ])

  it('matches globs over the whole subject', () => {
    expect(acl.allows('alice', 'write', 'orders-value')).toBe(true)
    expect(acl.allows('alice', 'read', 'orders-value')).toBe(true)
    expect(acl.allows('alice', 'admin', 'orders-value')).toBe(false)
    expect(acl.allows('alice', 'read', 'xorders-value')).toBe(false)
    expect(acl.allows('bob', 'admin', 'abc')).toBe(true)
    expect(acl.allows('bob', 'read', 'abbc')).toBe(false)
  })

  it('matches prefixes literally', () => {
    expect(acl.allows('alice', 'read', 'payments.v1')).toBe(true)
    expect(acl.allows('alice', 'read', 'paymentsXv1')).toBe(false)
    expect(acl.allows('alice', 'write', 'payments.v1')).toBe(false)
  })

  it('applies * rules to every principal and global rules to every subject', () => {
    expect(acl.allows('carol', 'read', 'public-x')).toBe(true)
    expect(acl.allows('carol', 'write', 'public-x')).toBe(false)
    expect(acl.allows('ops', 'admin', ':.staging:anything')).toBe(true)
    expect(acl.allowsGlobally('ops', 'admin')).toBe(true)
    expect(acl.allowsGlobally('alice', 'read')).toBe(false)
  })
})

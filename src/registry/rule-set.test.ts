import { describe, expect, it } from 'vitest'
import { MemoryStore } from '../store/memory/memory-store.js'
import { RegistryError } from './errors.js'
import { createRegistry } from './registry.js'
import { validateRuleSet } from './rule-set.js'

const rule = (name: unknown, extra: Record<string, unknown> = {}) => ({
  name,
  kind: 'CONDITION',
  type: 'CEL',
  ...extra,
})

describe('validateRuleSet', () => {
  it('accepts well-formed rules with the default mode of their list', () => {
    expect(() =>
      validateRuleSet({
        migrationRules: [rule('up', { type: 'JSONATA', mode: 'UPGRADE' }), rule('both')],
        domainRules: [
          rule('checkId', { onFailure: 'ERROR,NONE' }),
          rule('checkTotal', { mode: 'WRITE', onFailure: 'ERROR' }),
        ],
        encodingRules: null,
      }),
    ).not.toThrow()
  })

  it.each([
    ['a list that is not a list', { domainRules: {} }, /domainRules must be a list of rules/],
    ['a name that is not an identifier', { domainRules: [rule('1st')] }, /Invalid rule name "1st" in domainRules/],
    ['a missing name', { domainRules: [rule(undefined)] }, /Invalid rule name undefined in domainRules/],
    ['a name used twice', { domainRules: [rule('a')], encodingRules: [rule('a')] }, /duplicate name 'a'/],
    ['a missing type', { domainRules: [rule('a', { type: '' })] }, /Missing rule type for rule 'a'/],
    [
      'a mode of another list',
      { migrationRules: [rule('a', { mode: 'WRITE' })] },
      /Invalid rule mode WRITE for rule 'a' in migrationRules/,
    ],
    [
      'two actions for a one-way mode',
      { domainRules: [rule('a', { mode: 'READ', onSuccess: 'NONE,ERROR' })] },
      /Multiple onSuccess actions need mode WRITEREAD or UPDOWN in rule 'a'/,
    ],
  ])('refuses %s with 42201', (_what, ruleSet, message) => {
    let error: unknown
    try {
      validateRuleSet(ruleSet)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(RegistryError)
    expect((error as RegistryError).message).toMatch(message)
    expect((error as RegistryError).code).toBe('INVALID_RULESET')
  })

  it('guards registration and config writes alike, and nothing is stored', async () => {
    const registry = createRegistry({ store: new MemoryStore() })
    const bad = { domainRules: [rule('a'), rule('a')] }
    await expect(registry.register('s', { schema: '"string"', ruleSet: bad }, {})).rejects.toThrow(/duplicate name/)
    await expect(registry.putConfig('s', { defaultRuleSet: bad })).rejects.toThrow(/duplicate name/)
    await expect(registry.putConfig('s', { overrideRuleSet: bad })).rejects.toThrow(/duplicate name/)
    expect(registry.listSubjects({})).toEqual([])
    expect(() => registry.getConfig('s', {})).toThrow(RegistryError)
  })
})

import type { JsonObject } from '../formats/model.js'
import { invalidRuleSet } from './errors.js'

const RULE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,255}$/
const LISTS = {
  migrationRules: ['UPGRADE', 'DOWNGRADE', 'UPDOWN'],
  domainRules: ['WRITE', 'READ', 'WRITEREAD'],
  encodingRules: ['WRITE', 'READ', 'WRITEREAD'],
} as const

/** Confluent's `RuleSet.validate`: unique well-formed names, a type, modes that fit the list. */
export function validateRuleSet(ruleSet: JsonObject): void {
  const names = new Set<string>()
  for (const [list, modes] of Object.entries(LISTS)) {
    const rules = ruleSet[list]
    if (rules === undefined || rules === null) continue
    if (!Array.isArray(rules)) throw invalidRuleSet(`${list} must be a list of rules`)
    for (const rule of rules as JsonObject[]) {
      const name = rule?.name
      if (typeof name !== 'string' || !RULE_NAME.test(name)) {
        throw invalidRuleSet(`Invalid rule name ${JSON.stringify(name)} in ${list}`)
      }
      if (names.has(name)) throw invalidRuleSet(`Found rule with duplicate name '${name}'`)
      names.add(name)
      if (typeof rule.type !== 'string' || rule.type === '')
        throw invalidRuleSet(`Missing rule type for rule '${name}'`)
      const mode = (rule.mode as string | undefined) ?? (list === 'migrationRules' ? 'UPDOWN' : 'WRITEREAD')
      if (!(modes as readonly string[]).includes(mode)) {
        throw invalidRuleSet(`Invalid rule mode ${mode} for rule '${name}' in ${list}`)
      }
      for (const action of ['onSuccess', 'onFailure'] as const) {
        const value = rule[action]
        if (typeof value === 'string' && value.includes(',') && mode !== 'WRITEREAD' && mode !== 'UPDOWN') {
          throw invalidRuleSet(`Multiple ${action} actions need mode WRITEREAD or UPDOWN in rule '${name}'`)
        }
      }
    }
  }
}

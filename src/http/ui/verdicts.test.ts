import { describe, expect, it } from 'vitest'
import { checkPair } from '../../compat/levels.js'
import { ruleDoc } from '../../compat/rule-docs.js'
import { avroFormat } from '../../formats/avro/index.js'
import { jsonSchemaFormat } from '../../formats/jsonschema/index.js'
import { findingOf } from './verdicts.js'

const record = (type: string) =>
  avroFormat.parse(JSON.stringify({ type: 'record', name: 'Order', fields: [{ name: 'amount', type }] }), [], 'new')

describe('UI verdicts', () => {
  it('carry the fix hint of each violated rule, from the rule tables the CLI reports use', () => {
    const violations = checkPair(avroFormat, 'BACKWARD', record('string'), record('double'))
    expect(violations.length).toBeGreaterThan(0)
    for (const v of violations) {
      const finding = findingOf(v, avroFormat)
      expect(finding.rule).toBe(v.rule)
      expect(finding.hint).toBeDefined()
      expect(finding.hint!.length).toBeGreaterThan(0)
      expect(ruleDoc('AVRO', v.rule).hint).not.toBe('')
    }
  })

  it('carry a hint for rules common to every format, such as a change of schema type', () => {
    const json = jsonSchemaFormat.parse('{"type":"object"}', [], 'new')
    const [v] = checkPair(avroFormat, 'BACKWARD', json, record('double'))
    expect(v!.rule).toBe('DIFFERENT_SCHEMA_TYPE')
    expect(findingOf(v!, avroFormat).hint).toContain('schema type')
  })
})

import { ruleDoc } from '../../compat/rule-docs.js'
import type { CheckOutcome } from '../check/outcome.js'
import { failureTitle, findingDetails, findingTitle, reportPath } from './summary.js'

/** SARIF `reportingDescriptor` of a rule id, from the format's rule table. */
function descriptor(schemaType: string, id: string) {
  const doc = ruleDoc(schemaType, id)
  return {
    id,
    name: id
      .toLowerCase()
      .split('_')
      .map((w, i) => (i === 0 ? w : `${w.charAt(0).toUpperCase()}${w.slice(1)}`))
      .join(''),
    shortDescription: { text: doc.summary },
    fullDescription: { text: doc.description },
    help: { text: doc.hint, markdown: `**How to fix:** ${doc.hint}` },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['schema', 'compatibility', schemaType.toLowerCase()] },
  }
}

/** `--format sarif`: a SARIF 2.1.0 log with one result per violation or invalid schema. */
export function renderSarif(outcomes: readonly CheckOutcome[], toolVersion: string): string {
  // One rule per id; the first schema type that reported it describes it.
  const rules = new Map<string, ReturnType<typeof descriptor>>()
  const ruleIndex = (schemaType: string, id: string) => {
    if (!rules.has(id)) rules.set(id, descriptor(schemaType, id))
    return [...rules.keys()].indexOf(id)
  }
  const results: unknown[] = []
  const location = (file: string, line: number | undefined, column: number | undefined) => [
    {
      physicalLocation: {
        artifactLocation: { uri: encodeURI(reportPath(file)) },
        ...(line !== undefined
          ? { region: { startLine: line, ...(column !== undefined ? { startColumn: column } : {}) } }
          : {}),
      },
    },
  ]
  for (const o of outcomes) {
    if (o.status === 'invalid') {
      results.push({
        ruleId: 'INVALID_SCHEMA',
        ruleIndex: ruleIndex(o.type, 'INVALID_SCHEMA'),
        level: 'error',
        message: { text: `${failureTitle(o)}: ${o.error ?? ''}` },
        locations: location(o.file, undefined, undefined),
        properties: { subject: o.subject, schemaType: o.type },
      })
    }
    for (const f of o.findings) {
      results.push({
        ruleId: f.rule,
        ruleIndex: ruleIndex(o.type, f.rule),
        level: 'error',
        message: { text: `${findingTitle(f)} (${failureTitle(o)})\n${findingDetails(f).join('\n')}` },
        locations: location(o.file, f.line, f.column),
        properties: {
          subject: o.subject,
          schemaType: o.type,
          path: f.path,
          ...(f.element !== undefined ? { element: f.element } : {}),
          ...(o.level ? { level: o.level } : {}),
          ...(f.direction ? { direction: f.direction } : {}),
          ...(o.failedVersion !== undefined ? { failedVersion: o.failedVersion } : {}),
          ...(f.oldFragment !== undefined ? { oldFragment: f.oldFragment } : {}),
          ...(f.newFragment !== undefined ? { newFragment: f.newFragment } : {}),
        },
      })
    }
  }
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'registrum', version: toolVersion, rules: [...rules.values()] } },
        results,
      },
    ],
  }
  return `${JSON.stringify(log, null, 2)}\n`
}

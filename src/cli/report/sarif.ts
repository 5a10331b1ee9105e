import { displayPath } from '../project.js'
import type { CheckOutcome } from '../check/outcome.js'
import { failureTitle } from './summary.js'

/** `--format sarif`: a SARIF 2.1.0 log with one result per violation or invalid schema. */
export function renderSarif(outcomes: readonly CheckOutcome[], toolVersion: string): string {
  const rules = new Map<string, string>()
  const results: unknown[] = []
  const location = (file: string, line: number | undefined) => [
    {
      physicalLocation: {
        artifactLocation: { uri: encodeURI(displayPath(file)) },
        ...(line !== undefined ? { region: { startLine: line } } : {}),
      },
    },
  ]
  for (const o of outcomes) {
    if (o.status === 'invalid') {
      rules.set('INVALID_SCHEMA', 'The schema could not be parsed or its references resolved.')
      results.push({
        ruleId: 'INVALID_SCHEMA',
        level: 'error',
        message: { text: `${failureTitle(o)}: ${o.error ?? ''}` },
        locations: location(o.file, undefined),
        properties: { subject: o.subject, schemaType: o.type },
      })
    }
    for (const f of o.findings) {
      if (!rules.has(f.rule)) rules.set(f.rule, `Schema change kind ${f.rule}.`)
      results.push({
        ruleId: f.rule,
        level: 'error',
        message: { text: `${f.description} (${failureTitle(o)})` },
        locations: location(o.file, f.line),
        properties: {
          subject: o.subject,
          schemaType: o.type,
          path: f.path,
          ...(o.level ? { level: o.level } : {}),
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
        tool: {
          driver: {
            name: 'registrum',
            version: toolVersion,
            rules: [...rules].map(([id, text]) => ({ id, shortDescription: { text } })),
          },
        },
        results,
      },
    ],
  }
  return `${JSON.stringify(log, null, 2)}\n`
}

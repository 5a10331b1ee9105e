import type { CheckOutcome } from '../check/outcome.js'
import { reportPath, summarize } from './summary.js'

/** `--format json`: the whole result as one JSON document. */
export function renderJson(outcomes: readonly CheckOutcome[]): string {
  const summary = summarize(outcomes)
  const doc = {
    compatible: summary.incompatible === 0 && summary.invalid === 0,
    summary,
    results: outcomes.map((o) => ({ ...o, file: reportPath(o.file) })),
  }
  return `${JSON.stringify(doc, null, 2)}\n`
}

import type { CheckOutcome } from '../check/outcome.js'
import { findingDetails, findingTitle, reportPath, summarize, where } from './summary.js'

function header(o: CheckOutcome): string {
  const facts = [o.type, o.level].filter(Boolean)
  if (o.status === 'incompatible' && o.failedVersion !== undefined)
    facts.push(`fails against version ${o.failedVersion}`)
  else if (o.previousVersions === 0) facts.push('new subject')
  else if (o.previousVersions !== undefined)
    facts.push(`${o.previousVersions} earlier version${o.previousVersions === 1 ? '' : 's'}`)
  const mark = o.status === 'compatible' ? 'ok     ' : o.status === 'invalid' ? 'INVALID' : 'FAIL   '
  return `${mark} ${o.subject}  ${reportPath(o.file)}  (${facts.join(', ')})`
}

/** The human-readable report: one line per subject, then each violation with where, what and how to fix. */
export function renderText(outcomes: readonly CheckOutcome[]): string {
  const lines: string[] = []
  for (const o of outcomes) {
    lines.push(header(o))
    if (o.status === 'invalid') lines.push(`    ${o.error ?? 'invalid schema'}`)
    for (const f of o.findings) {
      lines.push(`    ${where(o.file, f)}  ${findingTitle(f)}${f.path ? `  (at ${f.path})` : ''}`)
      for (const d of findingDetails(f)) lines.push(`      ${d}`)
    }
  }
  const s = summarize(outcomes)
  lines.push('')
  lines.push(
    `${s.checked} subject${s.checked === 1 ? '' : 's'} checked: ${s.compatible} compatible, ${s.incompatible} incompatible, ${s.invalid} invalid`,
  )
  return `${lines.join('\n')}\n`
}

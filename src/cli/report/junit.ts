import type { CheckOutcome } from '../check/outcome.js'
import { failureTitle, findingDetails, findingTitle, reportPath, summarize, where } from './summary.js'

const xml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
// XML 1.0 forbids most control characters even escaped.
const clean = (s: string) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')

function details(o: CheckOutcome): string {
  if (o.status === 'invalid') return o.error ?? ''
  return o.findings
    .map((f) =>
      [
        `${where(o.file, f)}  ${findingTitle(f)}${f.path ? ` (at ${f.path})` : ''}`,
        ...findingDetails(f).map((d) => `  ${d}`),
      ].join('\n'),
    )
    .join('\n')
}

/** `--format junit`: one testcase per subject; incompatible and invalid ones carry a failure. */
export function renderJunit(outcomes: readonly CheckOutcome[]): string {
  const s = summarize(outcomes)
  const cases = outcomes.map((o) => {
    const open = `    <testcase classname="${xml(reportPath(o.file))}" name="${xml(o.subject)}" time="0">`
    if (o.status === 'compatible') return `${open}</testcase>`
    const type = o.status === 'invalid' ? 'INVALID_SCHEMA' : 'INCOMPATIBLE_SCHEMA'
    return [
      open,
      `      <failure message="${xml(clean(failureTitle(o)))}" type="${type}">${xml(clean(details(o)))}</failure>`,
      '    </testcase>',
    ].join('\n')
  })
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="registrum check" tests="${s.checked}" failures="${s.incompatible + s.invalid}" errors="0">`,
    `  <testsuite name="schema compatibility" tests="${s.checked}" failures="${s.incompatible + s.invalid}" errors="0" skipped="0">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n')
}

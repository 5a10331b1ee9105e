import type { CheckOutcome } from '../check/outcome.js'
import { failureTitle, findingDetails, findingTitle, reportPath, summarize } from './summary.js'

// GitHub workflow commands: data escapes %, CR and LF; properties also escape ':' and ','.
const data = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')
const prop = (s: string) => data(s).replaceAll(':', '%3A').replaceAll(',', '%2C')

function annotation(
  file: string,
  line: number | undefined,
  col: number | undefined,
  title: string,
  message: string,
): string {
  const props = [
    `file=${prop(file)}`,
    ...(line !== undefined ? [`line=${line}`] : []),
    ...(line !== undefined && col !== undefined ? [`col=${col}`] : []),
    `title=${prop(title)}`,
  ]
  return `::error ${props.join(',')}::${data(message)}`
}

/** `--format github`: one `::error` workflow annotation per violation, on the file, line and column. */
export function renderGithub(outcomes: readonly CheckOutcome[]): string {
  const lines: string[] = []
  for (const o of outcomes) {
    const file = reportPath(o.file)
    if (o.status === 'invalid')
      lines.push(annotation(file, undefined, undefined, failureTitle(o), o.error ?? 'invalid schema'))
    for (const f of o.findings) {
      lines.push(
        annotation(file, f.line, f.column, `${findingTitle(f)} (${failureTitle(o)})`, findingDetails(f).join('\n')),
      )
    }
  }
  const s = summarize(outcomes)
  lines.push(
    `registrum check: ${s.checked} checked, ${s.compatible} compatible, ${s.incompatible} incompatible, ${s.invalid} invalid`,
  )
  return `${lines.join('\n')}\n`
}

import { displayPath } from '../project.js'
import type { CheckOutcome } from '../check/outcome.js'
import { failureTitle, summarize } from './summary.js'

// GitHub workflow commands: data escapes %, CR and LF; properties also escape ':' and ','.
const data = (s: string) => s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')
const prop = (s: string) => data(s).replaceAll(':', '%3A').replaceAll(',', '%2C')

function annotation(file: string, line: number | undefined, title: string, message: string): string {
  const props = [`file=${prop(file)}`, ...(line !== undefined ? [`line=${line}`] : []), `title=${prop(title)}`]
  return `::error ${props.join(',')}::${data(message)}`
}

/** `--format github`: one `::error` workflow annotation per violation, on the file and line. */
export function renderGithub(outcomes: readonly CheckOutcome[]): string {
  const lines: string[] = []
  for (const o of outcomes) {
    const file = displayPath(o.file)
    if (o.status === 'invalid') lines.push(annotation(file, undefined, failureTitle(o), o.error ?? 'invalid schema'))
    for (const f of o.findings) {
      const extra = [f.oldFragment !== undefined ? `old: ${f.oldFragment}` : '', f.newFragment !== undefined ? `new: ${f.newFragment}` : '']
        .filter(Boolean)
        .join('\n')
      lines.push(
        annotation(file, f.line, `${f.rule} (${failureTitle(o)})`, `${f.description}${f.path ? ` [${f.path}]` : ''}${extra ? `\n${extra}` : ''}`),
      )
    }
  }
  const s = summarize(outcomes)
  lines.push(`registrum check: ${s.checked} checked, ${s.compatible} compatible, ${s.incompatible} incompatible, ${s.invalid} invalid`)
  return `${lines.join('\n')}\n`
}

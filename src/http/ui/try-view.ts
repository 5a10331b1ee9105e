import { SCHEMA_TYPES, type SchemaType } from '../../formats/format.js'
import { findingsTable, type Finding } from './diff-view.js'
import { html, type Html } from './html.js'
import { urls } from './layout.js'

export interface TryModel {
  readonly subject: string
  readonly schemaType: SchemaType
  readonly schema: string
  readonly references: string
  readonly level: string
  readonly canWrite: boolean
  readonly csrf: string
  readonly outcome?:
    | {
        readonly kind: 'verdict'
        readonly compatible: boolean
        readonly findings: readonly Finding[]
        readonly failedVersion?: number
      }
    | { readonly kind: 'error'; readonly message: string }
}

function outcome(m: TryModel): Html {
  const o = m.outcome
  if (!o) return html``
  if (o.kind === 'error')
    return html`<section aria-labelledby="result" class="notice error"><h2 id="result">Not accepted</h2><p>${o.message}</p></section>`
  if (o.compatible) {
    return html`<section aria-labelledby="result" class="notice"><h2 id="result">Result</h2><p class="verdict ok">✓ Compatible under ${m.level}</p>${
      m.canWrite ? html`<p>It can be registered.</p>` : ''
    }</section>`
  }
  return html`<section aria-labelledby="result"><h2 id="result">Result</h2><p class="verdict bad">✗ Incompatible under ${m.level}${
    o.failedVersion !== undefined
      ? html` with <a href="${urls.version(m.subject, o.failedVersion)}">v${o.failedVersion}</a>`
      : ''
  }: ${o.findings.length} ${o.findings.length === 1 ? 'problem' : 'problems'}</p>${findingsTable(o.findings, 'Problems found')}</section>`
}

export function tryView(m: TryModel): Html {
  return html`<h1>Try a schema: ${m.subject}</h1>
<p>The candidate is checked against the subject's live versions under its level, <strong>${m.level}</strong>, exactly as registering would check it.</p>
${outcome(m)}
<form method="post" action="${urls.try(m.subject)}" aria-label="Try a schema">
<input type="hidden" name="csrf" value="${m.csrf}">
<p><label>Schema type<select name="schemaType">${SCHEMA_TYPES.map(
    (t) => html`<option value="${t}"${t === m.schemaType ? html` selected` : ''}>${t}</option>`,
  )}</select></label></p>
<p><label for="candidate">Candidate schema</label><textarea id="candidate" name="schema" spellcheck="false" required>${m.schema}</textarea></p>
<p><label for="references">References (JSON array of {name, subject, version}; optional)</label><textarea id="references" name="references" spellcheck="false" class="short">${m.references}</textarea></p>
<div class="actions"><button type="submit" name="action" value="check" class="primary">Check compatibility</button>${
    m.canWrite ? html`<button type="submit" name="action" value="register">Register</button>` : ''
  }</div>
</form>`
}

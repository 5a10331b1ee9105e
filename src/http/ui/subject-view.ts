import { COMPATIBILITY_LEVELS } from '../../compat/levels.js'
import { MODES } from '../../registry/mode.js'
import type { SchemaType } from '../../formats/format.js'
import type { VersionRecord } from '../../store/store.js'
import type { Setting, VersionLink } from './data.js'
import { html, type Html } from './html.js'
import { time, urls, versionLink } from './layout.js'

export interface SubjectModel {
  readonly subject: string
  readonly versions: readonly (VersionRecord & { type: SchemaType; references: number })[]
  readonly level: Setting
  readonly mode: Setting
  readonly own: { level?: string; mode?: string }
  readonly references: readonly VersionLink[]
  readonly referencedBy: readonly VersionLink[]
  readonly canWrite: boolean
  readonly canAdmin: boolean
  readonly csrf: string
  readonly notice?: string
}

export function linkList(links: readonly VersionLink[], empty: string): Html {
  if (links.length === 0) return html`<p class="muted">${empty}</p>`
  return html`<ul>${links.map(
    (l) =>
      html`<li>${l.name !== undefined ? html`<code>${l.name}</code> → ` : ''}${versionLink(l.subject, l.version, l.deleted)}</li>`,
  )}</ul>`
}

/** The form to pick two versions to compare; a plain GET, so the result is a deep link. */
export function diffPicker(
  subject: string,
  versions: readonly number[],
  from: number | undefined,
  to: number | undefined,
  view: string,
): Html {
  const options = (selected: number | undefined) =>
    versions.map((v) => html`<option value="${v}"${v === selected ? html` selected` : ''}>v${v}</option>`)
  return html`<form class="inline" method="get" action="${urls.diff(subject)}" aria-label="Compare two versions">
<label>From (old)<select name="from">${options(from)}</select></label>
<label>To (new)<select name="to">${options(to)}</select></label>
<label>Layout<select name="view"><option value="split"${view === 'split' ? html` selected` : ''}>Side by side</option><option value="unified"${view === 'unified' ? html` selected` : ''}>Unified</option></select></label>
<button type="submit">Compare</button>
</form>`
}

function settingForms(m: SubjectModel): Html {
  if (!m.canAdmin) return html``
  const level = (value: string, label: string) =>
    html`<option value="${value}"${(m.own.level ?? '') === value ? html` selected` : ''}>${label}</option>`
  const mode = (value: string, label: string) =>
    html`<option value="${value}"${(m.own.mode ?? '') === value ? html` selected` : ''}>${label}</option>`
  return html`<div class="grid2">
<form class="inline" method="post" action="${urls.config(m.subject)}" aria-label="Change compatibility level">
<input type="hidden" name="csrf" value="${m.csrf}">
<label>Compatibility level of this subject<select name="compatibility">${level('', 'Inherit')}${COMPATIBILITY_LEVELS.map((l) => level(l, l))}</select></label>
<button type="submit">Save level</button>
</form>
<form class="inline" method="post" action="${urls.mode(m.subject)}" aria-label="Change mode">
<input type="hidden" name="csrf" value="${m.csrf}">
<label>Mode of this subject<select name="mode">${mode('', 'Inherit')}${MODES.map((x) => mode(x, x))}</select></label>
<button type="submit">Save mode</button>
</form>
</div>`
}

export function subjectView(m: SubjectModel): Html {
  const numbers = m.versions.map((v) => v.version)
  const live = m.versions.filter((v) => !v.deleted)
  const to = live.at(-1)?.version ?? numbers.at(-1)
  const from = live.at(-2)?.version ?? numbers.at(-2) ?? to
  return html`<h1>${m.subject}</h1>
${m.notice ? html`<p class="notice" role="status">${m.notice}</p>` : ''}
<section aria-labelledby="settings"><h2 id="settings">Settings</h2>
<dl class="facts">
<dt>Compatibility</dt><dd><strong>${m.level.value}</strong> <span class="muted">(from ${m.level.source})</span></dd>
<dt>Mode</dt><dd><strong>${m.mode.value}</strong> <span class="muted">(from ${m.mode.source})</span></dd>
</dl>
${settingForms(m)}
</section>
<section aria-labelledby="versions"><h2 id="versions">Versions</h2>
<table>
<thead><tr><th scope="col" class="num">Version</th><th scope="col" class="num">Id</th><th scope="col">Type</th><th scope="col">Registered</th><th scope="col" class="num">References</th><th scope="col">Status</th></tr></thead>
<tbody>${m.versions.map(
    (v) =>
      html`<tr${v.deleted ? html` class="deleted"` : ''}><td class="num"><a href="${urls.version(m.subject, v.version)}">v${v.version}</a></td><td class="num">${v.id}</td><td>${v.type}</td><td>${time(v.ts)}</td><td class="num">${v.references}</td><td>${v.deleted ? html`<span class="tag deleted">soft-deleted</span>` : 'live'}</td></tr>`,
  )}</tbody>
</table>
<p class="actions"><a href="${urls.try(m.subject)}">${m.canWrite ? 'Try or register a new schema' : 'Try a schema against this subject'}</a></p>
</section>
${numbers.length > 1 ? html`<section aria-labelledby="compare"><h2 id="compare">Compare versions</h2>${diffPicker(m.subject, numbers, from, to, 'split')}</section>` : ''}
<section aria-labelledby="refs" class="grid2"><div><h2 id="refs">References of the latest version</h2>${linkList(m.references, 'None.')}</div>
<div><h2>Referenced by (latest version)</h2>${linkList(m.referencedBy, 'Nothing references it.')}</div></section>`
}

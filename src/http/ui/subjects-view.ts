import { SCHEMA_TYPES } from '../../formats/format.js'
import { PAGE_SIZE, type SubjectFilter, type SubjectPage } from './data.js'
import { html } from './html.js'
import { time, urls } from './layout.js'

const contextLabel = (c: string) => (c === '.' ? 'default' : c)

function filterQuery(filter: SubjectFilter, page: number): URLSearchParams {
  const q = new URLSearchParams()
  if (filter.q) q.set('q', filter.q)
  if (filter.match !== 'contains') q.set('match', filter.match)
  if (filter.type) q.set('type', filter.type)
  if (filter.context) q.set('context', filter.context)
  if (filter.deleted) q.set('deleted', 'true')
  if (page > 1) q.set('page', String(page))
  return q
}

/** The subject list: a search form (plain GET, so every result is a link) and one page of rows. */
export function subjectsView(filter: SubjectFilter, result: SubjectPage, contexts: readonly string[]) {
  const first = (result.page - 1) * PAGE_SIZE + 1
  const last = first + result.rows.length - 1
  const option = (value: string, label: string, selected: boolean) =>
    html`<option value="${value}"${selected ? html` selected` : ''}>${label}</option>`
  return html`<h1>Subjects</h1>
<form class="inline" role="search" method="get" action="${urls.subjects()}" aria-label="Filter subjects">
<label>Search subjects<input type="search" name="q" value="${filter.q}" placeholder="name or part of it"></label>
<label>Match<select name="match">${option('contains', 'Contains', filter.match === 'contains')}${option('prefix', 'Starts with', filter.match === 'prefix')}</select></label>
<label>Type<select name="type">${option('', 'Any type', filter.type === '')}${SCHEMA_TYPES.map((t) => option(t, t === 'JSON' ? 'JSON Schema' : t === 'AVRO' ? 'Avro' : 'Protobuf', filter.type === t))}</select></label>
<label>Context<select name="context">${option('', 'Any context', filter.context === '')}${contexts.map((c) => option(c, contextLabel(c), filter.context === c))}</select></label>
<label class="check"><input type="checkbox" name="deleted" value="true"${filter.deleted ? html` checked` : ''}>Include soft-deleted</label>
<button type="submit">Filter</button>
</form>
<p id="count" role="status">${
    result.matched === 0
      ? html`No subjects match (${result.readable} in total).`
      : html`Showing ${first}–${last} of ${result.matched} matching subjects (${result.readable} in total).`
  }</p>
${
  result.rows.length > 0
    ? html`<table aria-describedby="count">
<thead><tr><th scope="col">Subject</th><th scope="col">Context</th><th scope="col">Type</th><th scope="col" class="num">Versions</th><th scope="col" class="num">Latest version</th><th scope="col" class="num">Latest id</th><th scope="col">Latest registered</th></tr></thead>
<tbody>${result.rows.map(
        (r) =>
          html`<tr><th scope="row"><a href="${urls.subject(r.subject)}">${r.name}</a>${r.allDeleted ? html` <span class="tag deleted">soft-deleted</span>` : ''}</th><td>${contextLabel(r.context)}</td><td>${r.type}</td><td class="num">${r.versions}</td><td class="num"><a href="${urls.version(r.subject, r.latest.version)}">${r.latest.version}</a></td><td class="num">${r.latest.id}</td><td>${time(r.latest.ts)}</td></tr>`,
      )}</tbody>
</table>`
    : ''
}
${
  result.pages > 1
    ? html`<nav class="pager" aria-label="Pages">
${result.page > 1 ? html`<a href="${urls.subjects(filterQuery(filter, result.page - 1))}" rel="prev">← Previous page</a>` : ''}
<span>Page ${result.page} of ${result.pages}</span>
${result.page < result.pages ? html`<a href="${urls.subjects(filterQuery(filter, result.page + 1))}" rel="next">Next page →</a>` : ''}
</nav>`
    : ''
}`
}

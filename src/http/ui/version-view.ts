import type { SchemaView } from '../../registry/types.js'
import type { VersionLink } from './data.js'
import { highlight, languageOf, prettyJson, prettySchema } from './format-text.js'
import { html, type Html } from './html.js'
import { time, urls } from './layout.js'
import { diffPicker, linkList } from './subject-view.js'

export interface VersionModel {
  readonly view: SchemaView
  readonly versions: readonly number[]
  readonly references: readonly VersionLink[]
  readonly referencedBy: readonly VersionLink[]
  readonly notice?: string
}

const TYPE_NAMES = { AVRO: 'Avro', PROTOBUF: 'Protobuf', JSON: 'JSON Schema' } as const

/** A pretty-printed, highlighted block with a copy button (shown only when scripts run). */
export function codeBlock(id: string, label: string, text: string, language: 'json' | 'protobuf'): Html {
  return html`<div class="actions"><button type="button" class="js-only" data-copy="${id}" hidden>Copy ${label}</button><span id="${id}-status" role="status" class="muted"></span></div>
<pre aria-label="${label}" tabindex="0"><code id="${id}" class="hljs language-${language}">${highlight(text, language)}</code></pre>`
}

function jsonSection(title: string, id: string, value: unknown): Html {
  return html`<section aria-labelledby="${id}-h"><h2 id="${id}-h">${title}</h2>${
    value === undefined
      ? html`<p class="muted">None.</p>`
      : codeBlock(id, title.toLowerCase(), prettyJson(JSON.stringify(value)), 'json')
  }</section>`
}

export function versionView(m: VersionModel): Html {
  const v = m.view
  const index = m.versions.indexOf(v.version)
  const prev = index > 0 ? m.versions[index - 1] : undefined
  const next = index >= 0 && index < m.versions.length - 1 ? m.versions[index + 1] : undefined
  return html`<h1>${v.subject} <span class="muted">v${v.version}</span>${v.deleted ? html` <span class="tag deleted">soft-deleted</span>` : ''}</h1>
${m.notice ? html`<p class="notice" role="status">${m.notice}</p>` : ''}
<nav class="actions" aria-label="Versions">
${prev !== undefined ? html`<a href="${urls.version(v.subject, prev)}" rel="prev">← v${prev}</a>` : ''}
${next !== undefined ? html`<a href="${urls.version(v.subject, next)}" rel="next">v${next} →</a>` : ''}
${prev !== undefined ? html`<a href="${urls.diff(v.subject, prev, v.version)}">Compare with v${prev}</a>` : ''}
</nav>
<dl class="facts">
<dt>Subject</dt><dd><a href="${urls.subject(v.subject)}">${v.subject}</a></dd>
<dt>Version</dt><dd>${v.version}${v.deleted ? ' (soft-deleted)' : ''}</dd>
<dt>Id</dt><dd>${v.id}</dd>
<dt>GUID</dt><dd><code>${v.guid}</code></dd>
<dt>Type</dt><dd>${TYPE_NAMES[v.schemaType]}</dd>
<dt>Registered</dt><dd>${time(v.ts)}</dd>
</dl>
<section aria-labelledby="schema-h"><h2 id="schema-h">Schema</h2>
<p class="actions"><a href="${urls.download(v.subject, v.version)}" download>Download schema</a></p>
${codeBlock('schema', 'schema', prettySchema(v.schemaType, v.schema), languageOf(v.schemaType))}
</section>
<section aria-labelledby="refs" class="grid2"><div><h2 id="refs">References</h2>${linkList(m.references, 'None.')}</div>
<div><h2>Referenced by</h2>${linkList(m.referencedBy, 'Nothing references this version.')}</div></section>
${jsonSection('Metadata', 'metadata', v.metadata)}
${jsonSection('Rule set', 'ruleset', v.ruleSet)}
${m.versions.length > 1 ? html`<section aria-labelledby="compare"><h2 id="compare">Compare versions</h2>${diffPicker(v.subject, m.versions, prev ?? v.version, v.version, 'split')}</section>` : ''}`
}

import { diffLines } from 'diff'
import type { SchemaView } from '../../registry/types.js'
import { html, type Html } from './html.js'
import { urls } from './layout.js'
import { diffPicker } from './subject-view.js'

/** Diffs needing more edits than this are not shown; the verdict still is. */
const MAX_EDIT_LENGTH = 4000

export interface Finding {
  readonly rule: string
  readonly path: string
  readonly message: string
  readonly hint?: string
}

export interface VerdictModel {
  readonly title: string
  readonly explanation: string
  /** undefined when the check could not run (the message says why). */
  readonly findings: readonly Finding[]
  readonly error?: string
}

export interface DiffModel {
  readonly subject: string
  readonly versions: readonly number[]
  readonly from: SchemaView
  readonly to: SchemaView
  readonly fromText: string
  readonly toText: string
  readonly view: 'split' | 'unified'
  readonly verdicts: readonly VerdictModel[]
}

interface Line {
  readonly kind: 'same' | 'add' | 'del'
  readonly text: string
  readonly oldNo?: number
  readonly newNo?: number
}

function lines(oldText: string, newText: string): Line[] | undefined {
  const changes = diffLines(oldText, newText, { maxEditLength: MAX_EDIT_LENGTH })
  if (!changes) return undefined
  const out: Line[] = []
  let oldNo = 1
  let newNo = 1
  for (const change of changes) {
    const texts = change.value.replace(/\n$/, '').split('\n')
    for (const text of texts) {
      if (change.added) out.push({ kind: 'add', text, newNo: newNo++ })
      else if (change.removed) out.push({ kind: 'del', text, oldNo: oldNo++ })
      else out.push({ kind: 'same', text, oldNo: oldNo++, newNo: newNo++ })
    }
  }
  return out
}

const MARK = { same: ' ', add: '+', del: '-' } as const
const MARK_LABEL = { same: 'unchanged', add: 'added', del: 'removed' } as const

function unified(all: readonly Line[]): Html {
  return html`<table class="diff" aria-label="Unified diff"><colgroup><col class="ln"><col class="ln"><col class="mk"><col></colgroup>
<thead><tr><th scope="col">Old</th><th scope="col">New</th><th scope="col"><span class="skip">Change</span></th><th scope="col">Text</th></tr></thead><tbody>${all.map(
    (l) =>
      html`<tr class="${l.kind}"><td class="ln">${l.oldNo ?? ''}</td><td class="ln">${l.newNo ?? ''}</td><td class="mk" title="${MARK_LABEL[l.kind]}">${MARK[l.kind]}</td><td>${l.text}</td></tr>`,
  )}</tbody></table>`
}

/** Side by side: runs of removed lines are paired with the added lines that follow them. */
function split(all: readonly Line[]): Html {
  const rows: [Line | undefined, Line | undefined][] = []
  for (let i = 0; i < all.length; ) {
    const l = all[i]!
    if (l.kind === 'same') {
      rows.push([l, l])
      i++
      continue
    }
    const dels: Line[] = []
    const adds: Line[] = []
    while (i < all.length && all[i]!.kind === 'del') dels.push(all[i++]!)
    while (i < all.length && all[i]!.kind === 'add') adds.push(all[i++]!)
    for (let k = 0; k < Math.max(dels.length, adds.length); k++) rows.push([dels[k], adds[k]])
  }
  const side = (l: Line | undefined, which: 'old' | 'new') =>
    l === undefined
      ? html`<td class="ln"></td><td class="mk"></td><td></td>`
      : html`<td class="ln">${which === 'old' ? l.oldNo : l.newNo}</td><td class="mk${l.kind === 'same' ? '' : ` ${l.kind}`}" title="${MARK_LABEL[l.kind]}">${MARK[l.kind]}</td><td${l.kind === 'same' ? '' : html` class="${l.kind}"`}>${l.text}</td>`
  return html`<table class="diff" aria-label="Side-by-side diff"><colgroup><col class="ln"><col class="mk"><col><col class="ln"><col class="mk"><col></colgroup>
<thead><tr><th scope="col" colspan="3">Old</th><th scope="col" colspan="3">New</th></tr></thead><tbody>${rows.map(
    ([a, b]) => html`<tr>${side(a, 'old')}${side(b, 'new')}</tr>`,
  )}</tbody></table>`
}

export function findingsTable(findings: readonly Finding[], caption: string): Html {
  const hints = findings.some((f) => f.hint !== undefined)
  return html`<table class="findings"><caption class="skip">${caption}</caption>
<thead><tr><th scope="col">Rule</th><th scope="col">Path</th><th scope="col">Message</th>${hints ? html`<th scope="col">How to fix</th>` : ''}</tr></thead>
<tbody>${findings.map(
    (f) =>
      html`<tr><td><code>${f.rule}</code></td><td><code>${f.path || '(root)'}</code></td><td>${f.message}</td>${hints ? html`<td>${f.hint ?? ''}</td>` : ''}</tr>`,
  )}</tbody></table>`
}

function verdict(v: VerdictModel, i: number): Html {
  const id = `verdict-${i}`
  const body =
    v.error !== undefined
      ? html`<p class="verdict bad">Could not check: ${v.error}</p>`
      : v.findings.length === 0
        ? html`<p class="verdict ok">✓ Compatible</p>`
        : html`<p class="verdict bad">✗ Incompatible: ${v.findings.length} ${v.findings.length === 1 ? 'problem' : 'problems'}</p>${findingsTable(v.findings, v.title)}`
  return html`<section aria-labelledby="${id}"><h3 id="${id}">${v.title}</h3><p class="muted">${v.explanation}</p>${body}</section>`
}

export function diffView(m: DiffModel): Html {
  const all = lines(m.fromText, m.toText)
  const changed = all?.filter((l) => l.kind !== 'same').length ?? 0
  const other = m.view === 'split' ? 'unified' : 'split'
  return html`<h1>${m.subject}: v${m.from.version} → v${m.to.version}</h1>
${diffPicker(m.subject, m.versions, m.from.version, m.to.version, m.view)}
<p class="actions"><a href="${urls.version(m.subject, m.from.version)}">Open v${m.from.version}</a><a href="${urls.version(m.subject, m.to.version)}">Open v${m.to.version}</a><a href="${urls.diff(m.subject, m.to.version, m.from.version, m.view)}">Swap</a><a href="${urls.diff(m.subject, m.from.version, m.to.version, other)}">${other === 'split' ? 'Side by side' : 'Unified'}</a></p>
<section aria-labelledby="verdicts"><h2 id="verdicts">Compatibility</h2>${m.verdicts.map(verdict)}</section>
<section aria-labelledby="text"><h2 id="text">Canonical text</h2>
${
  all === undefined
    ? html`<p class="notice error">The versions differ too much to show a line diff.</p>`
    : html`<p class="muted">${changed === 0 ? 'The canonical texts are identical.' : `${changed} changed ${changed === 1 ? 'line' : 'lines'}; “-” marks removed, “+” added.`}</p>${m.view === 'split' ? split(all) : unified(all)}`
}
</section>`
}

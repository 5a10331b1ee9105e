import { SCRIPT, STYLESHEET } from './assets.js'
import { html, type Html } from './html.js'

export const UI_BASE = '/ui'

const enc = encodeURIComponent
export const urls = {
  subjects: (query?: URLSearchParams) => (query && [...query].length > 0 ? `${UI_BASE}?${query}` : UI_BASE),
  subject: (s: string) => `${UI_BASE}/subjects/${enc(s)}`,
  version: (s: string, v: number) => `${UI_BASE}/subjects/${enc(s)}/versions/${v}`,
  download: (s: string, v: number) => `${UI_BASE}/subjects/${enc(s)}/versions/${v}/download`,
  diff: (s: string, from?: number, to?: number, view?: string) => {
    const q = new URLSearchParams()
    if (from !== undefined) q.set('from', String(from))
    if (to !== undefined) q.set('to', String(to))
    if (view) q.set('view', view)
    const query = q.toString()
    return `${UI_BASE}/subjects/${enc(s)}/diff${query ? `?${query}` : ''}`
  },
  try: (s: string) => `${UI_BASE}/subjects/${enc(s)}/try`,
  config: (s: string) => `${UI_BASE}/subjects/${enc(s)}/config`,
  mode: (s: string) => `${UI_BASE}/subjects/${enc(s)}/mode`,
  asset: (path: string) => `${UI_BASE}/assets/${path}`,
}

export interface Crumb {
  readonly label: string
  readonly href?: string
}

/** A time as UTC text inside `<time>`, so it reads the same everywhere. */
export function time(ts: number): Html {
  const d = new Date(ts)
  if (Number.isNaN(d.getTime())) return html`unknown`
  const iso = d.toISOString()
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`
}

/** A version link, marked in words (not only colour) when it is soft-deleted. */
export function versionLink(subject: string, version: number, deleted: boolean, text?: string): Html {
  return html`<a href="${urls.version(subject, version)}">${text ?? `${subject} v${version}`}</a>${
    deleted ? html` <span class="tag deleted">soft-deleted</span>` : ''
  }`
}

export function page({
  title,
  crumbs,
  user,
  body,
}: {
  title: string
  crumbs: readonly Crumb[]
  user: string | undefined
  body: Html
}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Registrum</title>
<link rel="stylesheet" href="${urls.asset(STYLESHEET.path)}">
<script src="${urls.asset(SCRIPT.path)}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<nav aria-label="Main"><a href="${UI_BASE}">Registrum</a><a href="${UI_BASE}">Subjects</a></nav>
${user !== undefined ? html`<span>Signed in as <strong>${user}</strong></span>` : ''}
</header>
<main id="main">
<nav class="crumbs" aria-label="Breadcrumb"><ol>${crumbs.map(
    (c, i) =>
      html`<li>${c.href && i < crumbs.length - 1 ? html`<a href="${c.href}">${c.label}</a>` : html`<span aria-current="page">${c.label}</span>`}</li>`,
  )}</ol></nav>
${body}
</main>
</body>
</html>
`.value
}

/** The breadcrumb trail down to a subject. */
export const subjectCrumbs = (subject: string): Crumb[] => [
  { label: 'Subjects', href: UI_BASE },
  { label: subject, href: urls.subject(subject) },
]

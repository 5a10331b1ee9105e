import { createHash } from 'node:crypto'

/**
 * The UI's only static files, kept in code so they ship inside the package with nothing to
 * build or fetch. Served under a content hash, so browsers may cache them for good.
 */
const CSS = `
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--link:#0550ae;--ok:#116329;--bad:#a40e26;--add:#dafbe1;--del:#ffebe9;--focus:#bf5700}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:var(--bg);padding:4px 8px;z-index:1}
header{display:flex;gap:16px;align-items:center;justify-content:space-between;padding:8px 24px;border-bottom:1px solid var(--line);background:var(--soft)}
header nav a{font-weight:600;text-decoration:none;margin-right:16px}
main{padding:16px 24px;max-width:1400px}
h1{font-size:1.5rem;margin:.5rem 0 1rem;word-break:break-all}h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.crumbs ol{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:4px}.crumbs li+li::before{content:"/";margin-right:4px;color:var(--muted)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--soft);font-weight:600}tbody th{background:none}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
form.inline{display:flex;flex-wrap:wrap;gap:12px;align-items:end;margin:8px 0}
label{display:flex;flex-direction:column;align-items:flex-start;font-size:.85rem;font-weight:600;gap:2px}label textarea{align-self:stretch}label.check{flex-direction:row;align-items:center;gap:6px}
input,select,textarea,button{font:inherit;padding:4px 8px;border:1px solid #8c959f;border-radius:4px;background:var(--bg);color:var(--fg)}
button{cursor:pointer;background:var(--soft);font-weight:600}button.primary{background:#1f6feb;color:#fff;border-color:#1f6feb}
textarea{width:100%;min-height:14rem;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0}dl.facts dt{font-weight:600;color:var(--muted)}dl.facts dd{margin:0;word-break:break-all}
pre{margin:0;padding:12px;background:var(--soft);border:1px solid var(--line);border-radius:6px;overflow:auto;font:13px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.tag{display:inline-block;padding:0 6px;border:1px solid currentColor;border-radius:10px;font-size:.8rem;font-weight:600}
.deleted{color:var(--bad)}.muted{color:var(--muted)}
.verdict{font-weight:700}.verdict.ok{color:var(--ok)}.verdict.bad{color:var(--bad)}
.notice{padding:8px 12px;border:1px solid var(--line);border-left:6px solid var(--ok);background:var(--soft);margin:8px 0}
.notice.error{border-left-color:var(--bad)}
.pager{display:flex;gap:16px;align-items:center;margin:12px 0}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:24px}@media (max-width:900px){.grid2{grid-template-columns:1fr}}
.actions{display:flex;gap:8px;margin:8px 0;align-items:center}
table.diff col.ln{width:3.5em}table.diff col.mk{width:1.5em}textarea.short{min-height:4rem}
table.diff{font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;table-layout:fixed}
table.diff td{border:0;padding:0 6px;white-space:pre-wrap;word-break:break-all}table.diff td.ln{width:3.5em;color:var(--muted);text-align:right;user-select:none}
table.diff td.mk{width:1.5em;font-weight:700;user-select:none}
.add{background:var(--add)}.del{background:var(--del)}
.hljs-attr,.hljs-keyword,.hljs-built_in{color:#8250df;font-weight:600}.hljs-string{color:#0a3069}.hljs-number,.hljs-literal{color:#0550ae}
.hljs-title,.hljs-type,.hljs-class{color:#953800;font-weight:600}.hljs-comment{color:#57606a;font-style:italic}.hljs-meta{color:#57606a}
.js-only[hidden]{display:none}
`

const JS = `
for (const button of document.querySelectorAll('[data-copy]')) {
  button.hidden = false
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy)
    const status = document.getElementById(button.dataset.copy + '-status')
    try {
      await navigator.clipboard.writeText(source.textContent)
      if (status) status.textContent = 'Copied to the clipboard.'
    } catch {
      if (status) status.textContent = 'Copying failed; select the text and copy it instead.'
    }
  })
}
`

export interface Asset {
  readonly path: string
  readonly type: string
  readonly body: string
  readonly etag: string
}

function asset(name: string, ext: string, type: string, body: string): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12)
  return { path: `${name}.${hash}.${ext}`, type, body, etag: `"${hash}"` }
}

export const STYLESHEET = asset('ui', 'css', 'text/css; charset=utf-8', CSS.trim())
export const SCRIPT = asset('ui', 'js', 'text/javascript; charset=utf-8', JS.trim())
export const ASSETS: ReadonlyMap<string, Asset> = new Map([STYLESHEET, SCRIPT].map((a) => [a.path, a]))

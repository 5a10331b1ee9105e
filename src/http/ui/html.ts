/** HTML that is already safe to emit; everything else interpolated into {@link html} is escaped. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
}

function render(value: unknown): string {
  if (value instanceof Html) return value.value
  if (Array.isArray(value)) return value.map(render).join('')
  if (value === undefined || value === null || value === false) return ''
  return escapeHtml(String(value))
}

/**
 * A template tag that escapes every interpolated value unless it is {@link Html}; arrays are
 * joined and `undefined`/`null`/`false` render as nothing, so conditionals read naturally.
 *
 * @example
 * html`<p>${name}</p>` // name '<b>' renders as &lt;b&gt;
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!
  return new Html(out)
}

/** Trusted markup, e.g. the output of the highlighter, which escapes its input itself. */
export const raw = (markup: string) => new Html(markup)

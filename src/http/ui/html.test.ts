import { describe, expect, it } from 'vitest'
import { html, raw } from './html.js'

describe('html', () => {
  it('escapes interpolated text, attributes included, and keeps trusted markup', () => {
    const name = `"><script>alert('x')</script>&`
    expect(html`<a title="${name}">${name}</a>${raw('<b>ok</b>')}`.value).toBe(
      '<a title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;</a><b>ok</b>',
    )
  })

  it('joins arrays and renders nothing for undefined, null and false', () => {
    expect(html`${['<', html`<i>`]}${undefined}${null}${false}${0}`.value).toBe('&lt;<i>0')
  })
})

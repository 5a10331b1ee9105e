/**
 * The `/contexts/{ctx}/...` URL prefix, rewritten to the plain routes before routing (Confluent
 * `ContextFilter`): subjects gain a `:.ctx:` prefix, listings a `subjectPrefix`.
 */
export function rewriteContextUrl(url: string): string {
  const m = /^\/contexts\/([^/?]+)(\/[^?]*)?(\?.*)?$/.exec(url)
  if (!m || !m[2]) return url
  const ctxRaw = decodeURIComponent(m[1]!)
  const ctx = ctxRaw.startsWith('.') ? ctxRaw : `.${ctxRaw}`
  const rest = m[2]
  const query = m[3] ?? ''
  const prefix = encodeURIComponent(`:${ctx}:`)
  const addQuery = (extra: string) => (query ? `${query}&${extra}` : `?${extra}`)
  const sub = /^\/(subjects|config|mode)(?:\/([^/]+))?(\/.*)?$/.exec(rest)
  if (sub) {
    const [, family, subject, tail = ''] = sub
    if (family === 'subjects' && subject === undefined) return `/subjects${addQuery(`subjectPrefix=${prefix}`)}`
    const s = subject === undefined ? '' : decodeURIComponent(subject)
    const qualified = s.startsWith(':.') ? s : `:${ctx}:${s}`
    return `/${family}/${encodeURIComponent(qualified)}${tail}${query}`
  }
  if (rest === '/schemas') return `/schemas${addQuery(`subjectPrefix=${prefix}`)}`
  if (rest.startsWith('/schemas/ids/')) {
    const subjectParam = /[?&]subject=([^&]*)/.exec(query)
    if (subjectParam) {
      const s = decodeURIComponent(subjectParam[1]!)
      const q = query.replace(subjectParam[0], `${subjectParam[0][0]}subject=${encodeURIComponent(s.startsWith(':.') ? s : `:${ctx}:${s}`)}`)
      return `${rest}${q}`
    }
    return `${rest}${addQuery(`subject=${prefix}`)}`
  }
  if (rest.startsWith('/compatibility/subjects/')) {
    const c = /^\/compatibility\/subjects\/([^/]+)(\/.*)$/.exec(rest)
    if (c) {
      const s = decodeURIComponent(c[1]!)
      return `/compatibility/subjects/${encodeURIComponent(s.startsWith(':.') ? s : `:${ctx}:${s}`)}${c[2]}${query}`
    }
  }
  return url
}

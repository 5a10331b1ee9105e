import { badRequest } from '../registry/errors.js'

/** A percent-decoded URL part; a malformed escape is the client's error (400), never a crash. */
function decode(part: string, what: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    throw badRequest(`Malformed percent-encoding in the URL's ${what}: '${part}'`)
  }
}

/**
 * The `/contexts/{ctx}/...` URL prefix, rewritten to the plain routes before routing (Confluent
 * `ContextFilter`): subjects gain a `:.ctx:` prefix, listings a `subjectPrefix`. Throws a 400
 * RegistryError for a malformed percent-escape.
 */
export function rewriteContextUrl(url: string): string {
  const m = /^\/contexts\/([^/?]+)(\/[^?]*)?(\?.*)?$/.exec(url)
  if (!m || !m[2]) return url
  const ctxRaw = decode(m[1]!, 'context')
  const ctx = ctxRaw.startsWith('.') ? ctxRaw : `.${ctxRaw}`
  const rest = m[2]
  const query = m[3] ?? ''
  const prefix = encodeURIComponent(`:${ctx}:`)
  const addQuery = (extra: string) => (query ? `${query}&${extra}` : `?${extra}`)
  const sub = /^\/(subjects|config|mode)(?:\/([^/]+))?(\/.*)?$/.exec(rest)
  if (sub) {
    const [, family, subject, tail = ''] = sub
    if (family === 'subjects' && subject === undefined) return `/subjects${addQuery(`subjectPrefix=${prefix}`)}`
    const s = subject === undefined ? '' : decode(subject, 'subject')
    const qualified = s.startsWith(':.') ? s : `:${ctx}:${s}`
    return `/${family}/${encodeURIComponent(qualified)}${tail}${query}`
  }
  if (rest === '/schemas') return `/schemas${addQuery(`subjectPrefix=${prefix}`)}`
  if (rest.startsWith('/schemas/ids/')) {
    const subjectParam = /[?&]subject=([^&]*)/.exec(query)
    if (subjectParam) {
      const s = decode(subjectParam[1]!, 'subject parameter')
      const q = query.replace(subjectParam[0], `${subjectParam[0][0]}subject=${encodeURIComponent(s.startsWith(':.') ? s : `:${ctx}:${s}`)}`)
      return `${rest}${q}`
    }
    return `${rest}${addQuery(`subject=${prefix}`)}`
  }
  if (rest.startsWith('/compatibility/subjects/')) {
    const c = /^\/compatibility\/subjects\/([^/]+)(\/.*)$/.exec(rest)
    if (c) {
      const s = decode(c[1]!, 'subject')
      return `/compatibility/subjects/${encodeURIComponent(s.startsWith(':.') ? s : `:${ctx}:${s}`)}${c[2]}${query}`
    }
  }
  return url
}

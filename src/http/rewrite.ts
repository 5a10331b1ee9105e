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
  if (!m?.[2]) return url
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
      const q = query.replace(
        subjectParam[0],
        `${subjectParam[0][0]}subject=${encodeURIComponent(s.startsWith(':.') ? s : `:${ctx}:${s}`)}`,
      )
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

/**
 * Subject aliases, resolved before routing as Confluent's `AliasFilter` does: the path segment
 * after each `subjects` segment, and the `subject` query parameter of `/schemas/ids/...`, become
 * the alias's target. `/config/{alias}` is untouched, so the alias itself stays manageable.
 */
export function rewriteAliasUrl(
  url: string,
  targetOf: (subject: string) => string | undefined,
  onAlias: (alias: string) => void = () => {},
): string {
  const q = url.indexOf('?')
  const path = q < 0 ? url : url.slice(0, q)
  let query = q < 0 ? '' : url.slice(q)
  // Most requests name no subject: nothing to resolve.
  if (!path.includes('/subjects/') && !(query && path.startsWith('/schemas/ids/'))) return url
  const resolve = (encoded: string): string => {
    let subject: string
    try {
      subject = decodeURIComponent(encoded)
    } catch {
      return encoded
    }
    const target = subject === '' ? undefined : targetOf(subject)
    if (target === undefined) return encoded
    onAlias(subject)
    return encodeURIComponent(target)
  }
  const segments = path.split('/')
  for (let i = 1; i < segments.length; i++) {
    if (segments[i - 1] === 'subjects' && segments[i] !== '') segments[i] = resolve(segments[i]!)
  }
  if (path.startsWith('/schemas/ids/') && query) {
    query = query.replace(
      /([?&])subject=([^&]*)/,
      (_m, sep: string, value: string) => `${sep}subject=${resolve(value)}`,
    )
  }
  return segments.join('/') + query
}

/** URLs up to this long are remembered as naming no alias. */
const REMEMBERED_URL_LENGTH = 512
const REMEMBERED_URLS = 10_000

/**
 * {@link rewriteAliasUrl} remembering the URLs that name no alias, so most requests skip the
 * lookups; what it remembers is forgotten whenever `settingsStamp` (where aliases live) changes.
 */
export function aliasRewriter(
  targetOf: (subject: string) => string | undefined,
  settingsStamp: () => number,
): (url: string, onAlias: (alias: string) => void) => string {
  const plain = new Set<string>()
  let stamp = -1
  return (url, onAlias) => {
    const now = settingsStamp()
    if (now !== stamp) {
      plain.clear()
      stamp = now
    }
    if (plain.has(url)) return url
    let aliased = false
    const out = rewriteAliasUrl(url, targetOf, (alias) => {
      aliased = true
      onAlias(alias)
    })
    if (!aliased && url.length <= REMEMBERED_URL_LENGTH) {
      if (plain.size >= REMEMBERED_URLS) plain.clear()
      plain.add(url)
    }
    return out
  }
}

const aliasesByRequest = new WeakMap<object, string[]>()

/** Remembers that a request named `alias`, so access control can check it as well as its target. */
export function recordAlias(request: object, alias: string): void {
  const list = aliasesByRequest.get(request)
  if (list) list.push(alias)
  else aliasesByRequest.set(request, [alias])
}

/** The aliases a request named before they were resolved to their targets. */
export function aliasesOf(request: object): readonly string[] {
  return aliasesByRequest.get(request) ?? []
}

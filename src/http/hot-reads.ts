import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { requestId } from './observability/audit.js'
import type { RequestStats } from './observability/request-stats.js'
import { negotiate } from './content-type.js'
import { wrapRequestListener } from './guards.js'
import type { ResponseCache } from './response-cache.js'

export interface HotReadsDeps {
  /** The app's answers cache, which the read routes fill. */
  readonly answers: ResponseCache
  /** The app's URL rewrite (contexts, then aliases); `onAlias` hears each alias resolved. */
  readonly rewrite: (url: string, onAlias: (alias: string) => void) => string
  /** Where the app counts requests by method, route and status. */
  readonly stats: RequestStats
  /** False while answers must go through the app: the server is closing. */
  readonly open: () => boolean
}

/**
 * The answer to a GET the app has already answered since nothing it depends on changed, given
 * before the request enters fastify: the same status, body, content type, `X-Request-Id` and
 * request metrics as the app gives, without the request and reply objects, hooks and
 * serialization pipeline of a routed request, which cost more than the answer itself on the
 * hottest reads (`GET /schemas/ids/{id}`, `GET /subjects/{s}/versions/latest`).
 *
 * Only for servers without authentication (each caller's access must be checked by the app), and
 * only for URLs that name no alias (the app records aliases a request used). Anything else, a
 * miss, a stale entry, an `Accept` header the registry cannot answer, or a closing server, goes
 * to `next`, the app's own request listener, untouched.
 */
export function hotReads(
  deps: HotReadsDeps,
  next: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { answers, rewrite, stats, open } = deps
  let aliased = false
  const onAlias = () => {
    aliased = true
  }
  return (req, res) => {
    if (req.method !== 'GET' || !open()) return next(req, res)
    const started = performance.now()
    let url: string
    aliased = false
    try {
      url = rewrite(req.url ?? '/', onAlias)
    } catch {
      return next(req, res)
    }
    const entry = aliased ? undefined : answers.fresh(url)
    const type = entry && negotiate(req.headers.accept)
    if (entry === undefined || type === undefined) return next(req, res)
    res.writeHead(200, { 'content-type': type, 'x-request-id': requestId(req), 'content-length': entry.bytes })
    res.end(entry.text)
    stats.record('GET', entry.route, 200, (performance.now() - started) / 1000)
  }
}

/**
 * Puts {@link hotReads} in front of the app's request listener on `server` (call before any
 * other wrapper of the listeners, so those wrap it too).
 */
export function installHotReads(server: Server, deps: HotReadsDeps): void {
  wrapRequestListener(server, (next) => hotReads(deps, next))
}

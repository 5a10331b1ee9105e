import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { afterIo, noteRead } from '../io-first.js'

/**
 * Puts reads ahead of everything else on `server`: a GET or HEAD goes to the request listener at
 * once and marks reads as arriving; any other request (a registration, a check, a lookup) enters
 * the listener through {@link afterIo}, so while reads arrive it waits until the loop has polled
 * for them. Call last, over every other wrapper of the listener (guardRequestListeners included,
 * so a deferred request is still guarded).
 */
export function installReadsFirst(server: Server): void {
  const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[]
  if (listeners.length !== 1) throw new Error(`expected one request listener, found ${listeners.length}`)
  const listener = listeners[0]!.bind(server)
  server.removeAllListeners('request')
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      noteRead()
      listener(req, res)
    } else {
      afterIo(() => listener(req, res))
    }
  })
}

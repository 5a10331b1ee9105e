import type { Server } from 'node:http'
import { afterIo, noteRead } from '../io-first.js'
import { wrapRequestListener } from './guards.js'

/**
 * Puts reads ahead of everything else on `server`: a GET or HEAD goes to the request listener at
 * once and marks reads as arriving; any other request (a registration, a check, a lookup) enters
 * the listener through {@link afterIo}, so while reads arrive it waits until the loop has polled
 * for them. Call last, over every other wrapper of the listener (guardRequestListeners included,
 * so a deferred request is still guarded).
 */
export function installReadsFirst(server: Server): void {
  wrapRequestListener(server, (listener) => (req, res) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      noteRead()
      listener(req, res)
    } else {
      afterIo(() => listener(req, res))
    }
  })
}

import type { FastifyInstance } from 'fastify'
import type { RequestHooks } from '../request-hooks.js'

/** The slice of a store that readiness asks about. */
export interface Readiness {
  ready?(): Promise<void>
  isReady?(): boolean
  /** Store-specific facts shown by `/health/ready` (the Kafka store's log position). */
  status?(): Record<string, unknown>
}

/** How long `/health/ready` waits for the store before answering 503. */
const READY_WAIT_MS = 2000

/**
 * `/health/live` answers 200 while the process serves HTTP. `/health/ready` answers 200 once the
 * store says it is ready (`isReady()` if it has one, else `ready()` settling in time), and 503
 * while it is not, or once shutdown has begun so load balancers stop sending traffic.
 */
export function installHealth(app: FastifyInstance, hooks: RequestHooks, store: Readiness | undefined): () => boolean {
  let draining = false
  app.addHook('preClose', async () => {
    draining = true
  })
  // Answers given while closing end their keep-alive connection, so close need not wait for
  // the client's idle timeout.
  hooks.onSend((_request, reply, payload) => {
    if (draining) reply.header('connection', 'close')
    return payload
  })

  const storeReady = async (): Promise<boolean> => {
    if (!store) return true
    if (typeof store.isReady === 'function') return store.isReady()
    if (typeof store.ready !== 'function') return true
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), READY_WAIT_MS)
    })
    try {
      return await Promise.race([
        store.ready().then(
          () => true,
          () => false,
        ),
        timeout,
      ])
    } finally {
      clearTimeout(timer)
    }
  }

  app.get('/health/live', async () => ({ status: 'UP' }))
  app.get('/health/ready', async (_request, reply) => {
    const ready = !draining && (await storeReady())
    reply.code(ready ? 200 : 503)
    const about = typeof store?.status === 'function' ? { store: store.status() } : {}
    return ready
      ? { status: 'UP', ...about }
      : { status: 'DOWN', reason: draining ? 'shutting down' : 'store not ready', ...about }
  })
  return () => draining
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/** Returned by an {@link RequestHooks.onRequest} step that has answered the request itself. */
export const ANSWERED = Symbol('answered')

type RequestStep = (request: FastifyRequest, reply: FastifyReply) => typeof ANSWERED | Error | undefined
type SendStep = (request: FastifyRequest, reply: FastifyReply, payload: unknown) => unknown
type ResponseStep = (request: FastifyRequest, reply: FastifyReply) => void

/**
 * The app's synchronous per-request hooks, each kind run by one fastify hook in the order they
 * were added: every request passes through all of them, and one hook call with a loop costs
 * less than a hook call each. Created once per app, before the first step is added.
 */
export class RequestHooks {
  readonly #request: RequestStep[] = []
  readonly #send: SendStep[] = []
  readonly #response: ResponseStep[] = []

  constructor(app: FastifyInstance) {
    const request = this.#request
    const send = this.#send
    const response = this.#response
    app.addHook('onRequest', (req, reply, done) => {
      for (const step of request) {
        const outcome = step(req, reply)
        if (outcome === ANSWERED) return
        if (outcome !== undefined) return done(outcome)
      }
      done()
    })
    app.addHook('onSend', (req, reply, payload, done) => {
      let out = payload
      for (const step of send) out = step(req, reply, out)
      done(null, out)
    })
    app.addHook('onResponse', (req, reply, done) => {
      done()
      for (const step of response) step(req, reply)
    })
  }

  /** A step before routing's handlers: returns {@link ANSWERED} once it sent the answer, an Error to fail. */
  onRequest(step: RequestStep): void {
    this.#request.push(step)
  }

  /** A step over the payload about to be sent; returns the payload to send. */
  onSend(step: SendStep): void {
    this.#send.push(step)
  }

  /** A step once the answer is sent. */
  onResponse(step: ResponseStep): void {
    this.#response.push(step)
  }
}

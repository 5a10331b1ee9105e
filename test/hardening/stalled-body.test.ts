import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.js'

const TIMEOUT_MS = 1500
const SLOTS = 3

let server: TestServer

beforeAll(async () => {
  server = await startServer({ requestTimeout: TIMEOUT_MS, maxConcurrency: SLOTS })
})
afterAll(() => server?.close())

/**
 * Opens a socket, sends the headers and half of a registration body, then stops sending. Resolves
 * with what the server answered once it closes the socket.
 */
function stalledClient(url: string): { sockets: Socket; answer: Promise<string> } {
  const { hostname, port } = new URL(url)
  const body = JSON.stringify({ schema: '"string"' })
  const socket = connect(Number(port), hostname, () => {
    socket.write(
      `POST /subjects/stalled/versions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    )
  })
  let out = ''
  socket.setEncoding('utf8').on('data', (c: string) => (out += c))
  const answer = new Promise<string>((resolve, reject) => {
    socket.on('error', reject)
    socket.on('close', () => resolve(out))
  })
  return { sockets: socket, answer }
}

describe('a request body that stops arriving', () => {
  it('gets 408 in the error envelope, the connection closes, and its concurrency slot is freed', async () => {
    const stalled = Array.from({ length: SLOTS }, () => stalledClient(server.url))
    // While they hold every slot, others are refused.
    await new Promise((r) => setTimeout(r, 300))
    expect((await fetch(`${server.url}/subjects`)).status).toBe(503)

    const started = Date.now()
    const answers = await Promise.all(stalled.map((s) => s.answer))
    const waited = Date.now() - started
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 /)
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error_code: 408 })
    }
    // Closed by the body timeout, not by some other limit far later (figure printed, not asserted).
    console.log(`stalled bodies answered 408 after ${waited} ms (timeout ${TIMEOUT_MS} ms)`)

    const after = await fetch(`${server.url}/subjects`)
    expect(after.status).toBe(200)
    expect(await (await fetch(`${server.url}/subjects/stalled/versions`)).json()).toMatchObject({ error_code: 40401 })
  }, 20_000)

  it('does not time out a request without a body, or one whose body arrived', async () => {
    const res = await fetch(`${server.url}/subjects/ok/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ schema: '"string"' }),
    })
    expect(res.status).toBe(200)
    await new Promise((r) => setTimeout(r, TIMEOUT_MS + 300))
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200)
    expect((await fetch(`${server.url}/subjects`)).status).toBe(200)
  }, 20_000)
})

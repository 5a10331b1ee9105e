import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installReadsFirst } from './reads-first.js'

let server: Server
let port: number
const order: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    order.push(`${req.method} ${req.url}`)
    req.resume()
    req.on('end', () => res.end('ok'))
  })
  installReadsFirst(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as { port: number }).port
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})

/** Sends a POST and a GET pipelined in one write on one connection; resolves once both are answered. */
function postThenGet(tag: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(
        `POST /post-${tag} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}` +
          `GET /get-${tag} HTTP/1.1\r\nHost: x\r\n\r\n`,
      ),
    )
    let received = ''
    socket.on('data', (chunk) => {
      received += chunk
      if (received.split('HTTP/1.1 200').length === 3) {
        socket.destroy()
        resolve()
      }
    })
    socket.on('error', reject)
  })
}

// In order: the clock of the last read is one per process.
describe('reads first', () => {
  it('passes requests through in arrival order while no read has arrived', async () => {
    await postThenGet('a')
    expect(order).toEqual(['POST /post-a', 'GET /get-a'])
  })

  it('once reads arrive, takes a GET in before a POST that arrived ahead of it', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/read`)
    expect(res.status).toBe(200)
    order.length = 0
    await postThenGet('b')
    expect(order).toEqual(['GET /get-b', 'POST /post-b'])
  })
})

import { mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startServer } from '../support/server.js'
import { freePort, startChildServer } from './support/child-server.js'

const dir = mkdtempSync(join(tmpdir(), 'registrum-shutdown-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function inFlight(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(/^registrum_http_requests_in_flight (\d+)/m.exec(text)?.[1] ?? 0)
}

describe('graceful shutdown', () => {
  it('finishes an in-flight registration on SIGTERM, refuses new connections, then closes the database', async () => {
    const db = join(dir, 'registrum.db')
    const port = await freePort()
    const server = await startChildServer(['--port', String(port), '--db', db])

    // A registration whose body arrives in two parts, so it is in flight when the signal lands.
    const body = JSON.stringify({ schema: JSON.stringify({ type: 'record', name: 'Slow', fields: [] }) })
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.url}/subjects/slow-value/versions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      })
      req.on('response', (res) => {
        let text = ''
        res.setEncoding('utf8').on('data', (c: string) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      })
      req.on('error', reject)
      req.write(body.slice(0, 10))
      server.waitFor('finishing in-flight requests').then(() => req.end(body.slice(10)), reject)
    })
    // The metrics request counts itself; more means the slow registration has been received.
    while ((await inFlight(server.url)) < 2) await new Promise((r) => setImmediate(r))

    server.child.kill('SIGTERM')
    await server.waitFor('finishing in-flight requests')
    const res = await answer
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body)).toMatchObject({ id: 1, version: 1 })

    const exit = await server.exited
    expect(exit).toEqual({ code: 0, signal: null })
    expect(server.stdout()).toContain('registrum: stopped')
    await expect(fetch(`${server.url}/subjects`)).rejects.toThrow()

    const reopened = await startServer({ db })
    const stored = await (await fetch(`${reopened.url}/subjects/slow-value/versions/1`)).json()
    expect(stored).toMatchObject({ subject: 'slow-value', version: 1, id: 1 })
    await reopened.close()
  })
})

import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/http/app.js'
import { createRegistry } from '../../src/registry/registry.js'
import { MemoryStore } from '../../src/store/memory/memory-store.js'
import { startServer } from '../support/server.js'
import { authSettings, basic, PASSWORDS } from './fixtures.js'

const dir = mkdtempSync(join(tmpdir(), 'registrum-obs-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const record = (name: string, fields: object[] = []) => JSON.stringify({ type: 'record', name, fields })

function metric(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `))
  return line === undefined ? NaN : Number(line.split(' ').at(-1))
}

describe('metrics', () => {
  it('counts requests by route and status, schemas, subjects, checks and failures', async () => {
    const app = await buildApp({ registry: createRegistry({ store: new MemoryStore() }) })
    const post = (url: string, schema: string) => app.inject({ method: 'POST', url, payload: { schema } })
    expect((await post('/subjects/a/versions', record('A'))).statusCode).toBe(200)
    expect((await post('/subjects/b/versions', record('B'))).statusCode).toBe(200)
    expect((await post('/subjects/a/versions', record('A', [{ name: 'x', type: 'int' }]))).statusCode).toBe(409)
    expect(
      (await post('/compatibility/subjects/a/versions/latest', record('A', [{ name: 'x', type: 'int' }]))).statusCode,
    ).toBe(200)
    expect((await post('/compatibility/subjects/a/versions/latest', record('A'))).statusCode).toBe(200)
    await app.inject({ method: 'GET', url: '/subjects/nope/versions' })

    const res = await app.inject({ method: 'GET', url: '/metrics' })
    expect(res.headers['content-type']).toContain('text/plain')
    const text = res.body
    expect(
      metric(text, 'registrum_http_requests_total', 'method="POST",route="/subjects/:subject/versions",status="200"'),
    ).toBe(2)
    expect(
      metric(text, 'registrum_http_requests_total', 'method="POST",route="/subjects/:subject/versions",status="409"'),
    ).toBe(1)
    expect(
      metric(text, 'registrum_http_requests_total', 'method="GET",route="/subjects/:subject/versions",status="404"'),
    ).toBe(1)
    expect(text).toContain(
      'registrum_http_request_duration_seconds_bucket{le="0.001",method="POST",route="/subjects/:subject/versions",status="200"}',
    )
    expect(metric(text, 'registrum_schemas')).toBe(2)
    expect(metric(text, 'registrum_subjects')).toBe(2)
    expect(metric(text, 'registrum_compatibility_checks_total', 'source="register"')).toBe(3)
    expect(metric(text, 'registrum_compatibility_failures_total', 'source="register"')).toBe(1)
    expect(metric(text, 'registrum_compatibility_checks_total', 'source="endpoint"')).toBe(2)
    expect(metric(text, 'registrum_compatibility_failures_total', 'source="endpoint"')).toBe(1)
    await app.close()
  })
})

describe('health', () => {
  it('is live, and ready only when the store is', async () => {
    let ready = false
    const app = await buildApp({
      registry: createRegistry({ store: new MemoryStore() }),
      store: { isReady: () => ready },
    })
    expect((await app.inject({ url: '/health/live' })).json()).toEqual({ status: 'UP' })
    const down = await app.inject({ url: '/health/ready' })
    expect(down.statusCode).toBe(503)
    expect(down.json()).toEqual({ status: 'DOWN', reason: 'store not ready' })
    ready = true
    expect((await app.inject({ url: '/health/ready' })).statusCode).toBe(200)
    await app.close()
  })

  it('asks ready() when the store has no isReady()', async () => {
    const app = await buildApp({
      registry: createRegistry({ store: new MemoryStore() }),
      store: { ready: () => Promise.reject(new Error('no')) },
    })
    expect((await app.inject({ url: '/health/ready' })).statusCode).toBe(503)
    await app.close()
  })
})

describe('logs', () => {
  it('writes one audit line per write with principal, subject and status, and echoes request ids', async () => {
    const lines: Record<string, unknown>[] = []
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(l) as Record<string, unknown>)
        done()
      },
    })
    const app = await buildApp({
      registry: createRegistry({ store: new MemoryStore() }),
      auth: await authSettings(),
      logger: { level: 'warn', stream },
    })
    const orders = basic('orders', PASSWORDS.orders)
    const registered = await app.inject({
      method: 'POST',
      url: '/subjects/orders-value/versions',
      headers: { authorization: orders, 'x-request-id': 'req-42' },
      payload: { schema: '"string"' },
    })
    expect(registered.headers['x-request-id']).toBe('req-42')
    await app.inject({ method: 'DELETE', url: '/subjects/secret', headers: { authorization: orders } })
    await app.inject({ method: 'PUT', url: '/config', payload: { compatibility: 'NONE' } })
    await app.inject({
      method: 'POST',
      url: '/subjects/orders-value',
      headers: { authorization: orders },
      payload: { schema: '"string"' },
    })
    const other = await app.inject({
      method: 'GET',
      url: '/subjects',
      headers: { 'x-request-id': 'bad id with spaces' },
    })
    expect(other.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const audit = lines.filter((l) => l.audit === true)
    expect(
      audit.map(({ method, url, subject, status, principal, reqId }) => ({
        method,
        url,
        subject,
        status,
        principal,
        reqId,
      })),
    ).toEqual([
      {
        method: 'POST',
        url: '/subjects/orders-value/versions',
        subject: 'orders-value',
        status: 200,
        principal: 'orders',
        reqId: 'req-42',
      },
      {
        method: 'DELETE',
        url: '/subjects/secret',
        subject: 'secret',
        status: 403,
        principal: 'orders',
        reqId: expect.any(String),
      },
      {
        method: 'PUT',
        url: '/config',
        subject: undefined,
        status: 401,
        principal: 'anonymous',
        reqId: expect.any(String),
      },
    ])
    await app.close()
  })
})

describe('limits', () => {
  it('answers 503 with the envelope above the concurrency limit, and never to health probes', async () => {
    const server = await startServer({ maxConcurrency: 1 })
    const { port } = new URL(server.url)
    // A registration whose body never completes holds the only slot.
    const held = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/subjects/x/versions',
      headers: { 'content-length': '100', 'content-type': 'application/json' },
    })
    held.on('error', () => {})
    held.write('{')
    let res: Response
    do res = await fetch(`${server.url}/subjects`)
    while (res.status === 200)
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(await res.json()).toEqual({ error_code: 503, message: 'Too many requests in flight; retry later' })
    expect((await fetch(`${server.url}/health/live`)).status).toBe(200)
    held.destroy()
    do res = await fetch(`${server.url}/subjects`)
    while (res.status === 503)
    expect(res.status).toBe(200)
    await server.close()
  })

  it('refuses bodies over the limit with 413', async () => {
    const app = await buildApp({ registry: createRegistry({ store: new MemoryStore() }), bodyLimit: 100 })
    const res = await app.inject({ method: 'POST', url: '/subjects/x/versions', payload: { schema: 'x'.repeat(200) } })
    expect(res.statusCode).toBe(413)
    expect(res.json()).toMatchObject({ error_code: 413 })
    await app.close()
  })
})

describe('TLS', () => {
  const pem = (name: string) => join(dir, name)
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' })

  function https(url: string, options: { ca: Buffer; cert?: Buffer; key?: Buffer }): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(`${url}/subjects`, { ...options, agent: false }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on('error', reject)
      req.end()
    })
  }

  it('serves HTTPS and, with a CA, requires client certificates signed by it', async () => {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=test-ca',
      '-keyout',
      pem('ca.key'),
      '-out',
      pem('ca.crt'),
    )
    for (const who of ['server', 'client']) {
      const cn = who === 'server' ? '127.0.0.1' : 'client'
      openssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        `/CN=${cn}`,
        '-keyout',
        pem(`${who}.key`),
        '-out',
        pem(`${who}.csr`),
      )
      const ext = pem(`${who}.ext`)
      execFileSync('sh', ['-c', `printf 'subjectAltName=IP:127.0.0.1\\n' > ${ext}`])
      openssl(
        'x509',
        '-req',
        '-in',
        pem(`${who}.csr`),
        '-CA',
        pem('ca.crt'),
        '-CAkey',
        pem('ca.key'),
        '-CAcreateserial',
        '-days',
        '2',
        '-extfile',
        ext,
        '-out',
        pem(`${who}.crt`),
      )
    }
    const ca = readFileSync(pem('ca.crt'))
    const plain = await startServer({ tlsCert: pem('server.crt'), tlsKey: pem('server.key') })
    expect(plain.url).toMatch(/^https:/)
    expect(await https(plain.url, { ca })).toBe(200)
    await plain.close()

    const mutual = await startServer({ tlsCert: pem('server.crt'), tlsKey: pem('server.key'), tlsCa: pem('ca.crt') })
    await expect(https(mutual.url, { ca })).rejects.toThrow()
    expect(
      await https(mutual.url, { ca, cert: readFileSync(pem('client.crt')), key: readFileSync(pem('client.key')) }),
    ).toBe(200)
    await mutual.close()
  })
})

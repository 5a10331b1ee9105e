import { connect } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startChildServer, type ChildServer } from './support/child-server.js'

/** Generated URLs thrown at the server, over a real socket. */
const URL_RUNS = 400

/** Every route family, plain and under a context prefix. */
const PREFIXES = [
  '/subjects',
  '/schemas',
  '/schemas/ids',
  '/schemas/guids',
  '/schemas/types',
  '/config',
  '/mode',
  '/compatibility/subjects',
  '/contexts',
  '/v1/metadata',
  '/health',
  '/metrics',
  '/contexts/.x/subjects',
  '/contexts/.x/schemas',
  '/contexts/.x/schemas/ids/1',
  '/contexts/.x/config',
  '/contexts/.x/mode',
  '/contexts/.x/compatibility/subjects',
]

/** Escapes that `decodeURIComponent` refuses, and odd ones it accepts. */
const ESCAPES = [
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%C0%AF',
  '%FF',
  '%00',
  '%2F',
  '%3A.x%3A',
  '%25',
  '%uD800',
  '%ED%A0%80',
  '..',
  ':.:',
  ':.x:',
]

const segment = fc.oneof(
  fc.constantFrom(...ESCAPES),
  fc.stringMatching(/^[A-Za-z0-9._~:-]{0,8}$/),
  fc.array(fc.constantFrom(...ESCAPES, 'a', '-', '.'), { maxLength: 4 }).map((p) => p.join('')),
)
const tail = fc.array(
  fc.oneof(segment, fc.constantFrom('versions', 'latest', '1', 'referencedby', 'schema', 'subjects')),
  { maxLength: 4 },
)
const query = fc.option(
  fc.array(
    fc.tuple(fc.constantFrom('subject', 'subjectPrefix', 'deleted', 'format', 'offset', 'limit', 'x'), segment),
    { maxLength: 3 },
  ),
  { nil: undefined },
)
const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE')

let server: ChildServer

beforeAll(async () => {
  server = await startChildServer(['--port', '0', '--db', ':memory:'])
})

afterAll(async () => {
  server?.child.kill('SIGKILL')
  await server?.exited
})

async function expectAlive(): Promise<void> {
  const res = await fetch(`${server.url}/health/live`)
  expect(res.status).toBe(200)
}

/** An envelope answer: a 4xx with `{error_code, message}`. */
async function expectClientError(res: Response, status: number): Promise<void> {
  const text = await res.text()
  expect(res.status, text).toBe(status)
  const body = JSON.parse(text) as { error_code: unknown; message: unknown }
  expect(typeof body.error_code).toBe('number')
  expect(typeof body.message).toBe('string')
}

describe('malformed URLs', () => {
  it.each([
    ['GET', '/contexts/%ZZ/subjects'],
    ['GET', '/contexts/%E0%A4%A/subjects'],
    ['GET', '/contexts/.x/subjects/%ZZ/versions'],
    ['POST', '/contexts/.x/subjects/%ZZ/versions'],
    ['GET', '/contexts/.x/schemas/ids/1?subject=%ZZ'],
    ['POST', '/contexts/.x/compatibility/subjects/%ZZ/versions/latest'],
    ['PUT', '/contexts/.x/config/%ZZ'],
    ['PUT', '/contexts/.x/mode/%E0%A4%A'],
    ['GET', '/subjects/%ZZ/versions'],
    ['GET', '/config/%E0%A4%A'],
  ])('%s %s answers 400 in the error envelope and the server keeps running', async (method, path) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      ...(method === 'GET' ? {} : { headers: { 'content-type': 'application/json' }, body: '{"schema":"\\"int\\""}' }),
    })
    await expectClientError(res, 400)
    const body = JSON.parse(await (await fetch(`${server.url}${path}`, { method: 'GET' })).text()) as {
      error_code: number
    }
    expect(body.error_code).toBe(400)
    await expectAlive()
  })

  it(`answers ${URL_RUNS} generated URLs over every route prefix without a 5xx, in the envelope`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PREFIXES), tail, query, method, async (prefix, rest, q, m) => {
        const path = [prefix, ...rest].join('/')
        const qs = q === undefined ? '' : `?${q.map(([k, v]) => `${k}=${v}`).join('&')}`
        const res = await fetch(`${server.url}${path}${qs}`, {
          method: m,
          ...(m === 'POST' || m === 'PUT' ? { headers: { 'content-type': 'application/json' }, body: '{}' } : {}),
        })
        const text = await res.text()
        if (res.status >= 500) throw new Error(`${m} ${path}${qs}: ${res.status} ${text}`)
        if (res.status >= 400 && !path.startsWith('/metrics')) {
          const body = JSON.parse(text) as { error_code?: unknown }
          if (typeof body.error_code !== 'number') throw new Error(`${m} ${path}${qs}: no error_code in ${text}`)
        }
      }),
      { numRuns: URL_RUNS },
    )
    await expectAlive()
  })
})

/** Sends raw bytes on a fresh socket and resolves with everything the server wrote back. */
function rawRequest(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes))
    let out = ''
    socket.setEncoding('utf8').on('data', (c: string) => (out += c))
    // The server closes right after an early answer; a reset then ends a read that has the answer.
    socket.on('error', (e) => (out ? resolve(out) : reject(e)))
    socket.on('close', () => resolve(out))
  })
}

describe('errors raised before routing', () => {
  it('answers headers too large with 431 in the error envelope', async () => {
    const res = await rawRequest(
      server.url,
      // Over Node's 16 KiB header limit, yet small enough to be read whole: the server then
      // closes with its answer instead of resetting a connection that still has unread bytes.
      `GET /subjects HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`,
    )
    expect(res).toMatch(/^HTTP\/1\.1 431 /)
    expect(JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4))).toMatchObject({ error_code: 431 })
    await expectAlive()
  })

  it('answers a malformed request line with 400 in the error envelope', async () => {
    const res = await rawRequest(server.url, 'GET /subjects HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n')
    expect(res).toMatch(/^HTTP\/1\.1 400 /)
    expect(JSON.parse(res.slice(res.indexOf('\r\n\r\n') + 4))).toMatchObject({ error_code: 400 })
    await expectAlive()
  })
})

import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// Runs the built `registrum serve` (build first) and reads the log lines it prints.
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'registrum-logs-'))
const CT = 'application/vnd.schemaregistry.v1+json'

let url: string
let stop: () => Promise<void>
const lines: Record<string, unknown>[] = []

beforeAll(async () => {
  const child = spawn(
    'node',
    ['bin/registrum.js', 'serve', '--port', '0', '--db', join(dir, 'r.db'), '--log-level', 'info'],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      for (let nl = out.indexOf('\n'); nl >= 0; nl = out.indexOf('\n')) {
        const line = out.slice(0, nl)
        out = out.slice(nl + 1)
        const ready = /^registrum listening on (http:\/\/\S+)/.exec(line)
        if (ready) resolve(ready[1]!)
        else if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>)
      }
    })
    child.once('exit', (code) => reject(new Error(`exited ${code}`)))
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  stop = async () => {
    child.kill('SIGTERM')
    await exited
  }
})
afterAll(async () => {
  await stop?.()
  rmSync(dir, { recursive: true, force: true })
})

const post = (path: string, body: unknown, method = 'POST') =>
  fetch(url + path, { method, headers: { 'content-type': CT }, body: JSON.stringify(body) }).then((r) => r.status)

/** Waits until a log line matching `pred` has been printed. */
async function logged(pred: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const found = lines.find(pred)
    if (found) return found
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`no such log line among ${lines.length}`)
}

describe('logs an operator can read', () => {
  it('stamps every line with an ISO time and a level name', async () => {
    expect(await post('/subjects/log-a/versions', { schema: '"string"' })).toBe(200)
    const line = await logged((l) => l.msg === 'schema registered')
    for (const l of lines) {
      expect(l.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(l.level)
    }
    expect(line.level).toBe('info')
  })

  it('logs every registration with subject, version and id', async () => {
    expect(await post('/subjects/log-b/versions', { schema: '"int"' })).toBe(200)
    expect(await post('/subjects/log-b/versions', { schema: '"string"' })).toBe(409)
    await post('/config/log-b', { compatibility: 'NONE' }, 'PUT')
    expect(await post('/subjects/log-b/versions', { schema: '"string"' })).toBe(200)
    const second = await logged((l) => l.msg === 'schema registered' && l.subject === 'log-b' && l.version === 2)
    expect(second).toMatchObject({ subject: 'log-b', version: 2, id: expect.any(Number) })
  })

  it('logs every refused write at info with its error code and reason', async () => {
    const incompatible = await logged((l) => l.msg === 'write refused' && l.subject === 'log-b')
    expect(incompatible).toMatchObject({ level: 'info', status: 409, error_code: 40901 })
    expect(String(incompatible.reason)).toContain('incompatible')
    expect(await post('/subjects/log-c/versions', { schema: '{"type":"bogus"}' })).toBe(422)
    expect(await logged((l) => l.msg === 'write refused' && l.subject === 'log-c')).toMatchObject({
      error_code: 42201,
      level: 'info',
    })
    expect(await post('/mode', { mode: 'SIDEWAYS' }, 'PUT')).toBe(422)
    expect(await logged((l) => l.msg === 'write refused' && l.url === '/mode')).toMatchObject({ error_code: 42204 })
  })
})

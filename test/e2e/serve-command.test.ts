import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'registrum-serve-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the built `registrum serve` and resolves with its first stdout line. */
function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawn('node', ['bin/registrum.js', 'serve', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
  const line = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      if (out.includes('\n')) resolve(out.split('\n')[0]!)
    })
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)))
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return { child, line, exited }
}

describe('registrum serve', () => {
  it('prints one ready line with the bound address, serves, and stops on SIGTERM', async () => {
    const db = join(dir, 'flags.db')
    const s = serve(['--port', '0', '--db', db])
    const line = await s.line
    expect(line).toMatch(/^registrum listening on http:\/\/127\.0\.0\.1:\d+ \(sqlite .*flags\.db\)$/)
    const url = /(http:\/\/\S+)/.exec(line)![1]!
    expect(await fetch(`${url}/subjects`).then((r) => r.json())).toEqual([])
    s.child.kill('SIGTERM')
    expect(await s.exited).toBe(0)
  })

  it('reads its settings from the environment, flags winning', async () => {
    const s = serve(['--db', join(dir, 'flag-wins.db')], {
      REGISTRUM_PORT: '0',
      REGISTRUM_DB: join(dir, 'env.db'),
      REGISTRUM_DEFAULT_COMPATIBILITY: 'full',
    })
    const line = await s.line
    expect(line).toContain('flag-wins.db')
    const url = /(http:\/\/\S+)/.exec(line)![1]!
    expect(await fetch(`${url}/config`).then((r) => r.json())).toEqual({ compatibilityLevel: 'FULL' })
    s.child.kill('SIGTERM')
    await s.exited
  })

  it('refuses bad flags with exit code 2 and a message', async () => {
    const s = serve(['--port', 'eighty'])
    await expect(s.line).rejects.toThrow(/--port must be a non-negative integer/)
    expect(await s.exited).toBe(2)
  })

  it('answers 413 in the envelope for a body over --body-limit', async () => {
    const s = serve(['--port', '0', '--db', join(dir, 'limit.db'), '--body-limit', '1024'])
    const url = /(http:\/\/\S+)/.exec(await s.line)![1]!
    const res = await fetch(`${url}/subjects/big/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        schema: JSON.stringify({ type: 'enum', name: 'E', symbols: Array.from({ length: 400 }, (_, i) => `S${i}`) }),
      }),
    })
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error_code: 413 })
    expect(await fetch(`${url}/subjects`).then((r) => r.json())).toEqual([])
    s.child.kill('SIGTERM')
    await s.exited
  })
})

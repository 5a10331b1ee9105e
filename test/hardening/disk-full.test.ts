import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from './support/child-server.js'

const CLI = fileURLToPath(new URL('./support/cli.ts', import.meta.url))
/** A filesystem small enough to fill in a moment, holding both the database and the log. */
const SIZE = '4m'

const mountPoint = mkdtempSync(join(tmpdir(), 'registrum-disk-full-'))
/** Mounting needs root (CAP_SYS_ADMIN); without it the test is reported skipped, never passed. */
const mounted = (() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE}`, 'tmpfs', mountPoint], { stdio: 'ignore' })
    return true
  } catch {
    console.log(`disk-full: cannot mount a ${SIZE} tmpfs at ${mountPoint} (needs root); the test is skipped`)
    return false
  }
})()

let child: ChildProcess | undefined
let url = ''

beforeAll(async () => {
  if (!mounted) return
  const port = await freePort()
  const log = openSync(join(mountPoint, 'registrum.log'), 'a')
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      CLI,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--db',
      join(mountPoint, 'registrum.db'),
      '--log-level',
      'info',
      '--shutdown-timeout',
      '5000',
    ],
    { stdio: ['ignore', log, log] },
  )
  closeSync(log)
  url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    if (readFileSync(join(mountPoint, 'registrum.log'), 'utf8').includes('registrum listening on')) break
    if (i > 200) throw new Error('the server did not start')
    await new Promise((r) => setTimeout(r, 100))
  }
}, 30_000)

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r))
    child.kill('SIGKILL')
    await exited
  }
  if (mounted) execFileSync('umount', [mountPoint])
  rmSync(mountPoint, { recursive: true, force: true })
})

/** Fills the filesystem with one file until the kernel says ENOSPC. */
function fillDisk(): void {
  const fd = openSync(join(mountPoint, 'filler'), 'w')
  const chunk = Buffer.alloc(64 * 1024)
  try {
    for (;;) writeFileSync(fd, chunk)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e
  } finally {
    closeSync(fd)
  }
}

const post = (path: string, schema: unknown) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
    signal: AbortSignal.timeout(5000),
  })
const get = (path: string) => fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) })

describe('disk full, with the database and the log on one filesystem', () => {
  it.skipIf(!mounted)(
    'refuses writes with a clear error, keeps answering reads and health, and recovers once space is freed',
    async () => {
      expect((await post('/subjects/before/versions', 'int')).status).toBe(200)
      fillDisk()

      for (let i = 0; i < 5; i++) {
        const res = await post(`/subjects/full-${i}/versions`, { type: 'enum', name: `E${i}`, symbols: ['A', 'B'] })
        const body = (await res.json()) as { error_code: number; message: string }
        expect(res.status).toBe(500)
        expect(body.error_code).toBe(50001)
        expect(body.message).toMatch(/disk space/)
        expect((await get('/health/live')).status).toBe(200)
        expect((await get('/health/ready')).status).toBe(200)
        expect(await (await get('/subjects')).json()).toEqual(['before'])
        expect((await get('/subjects/before/versions/1')).status).toBe(200)
      }
      expect(child!.exitCode).toBeNull()

      rmSync(join(mountPoint, 'filler'))
      const after = await post('/subjects/after/versions', 'long')
      expect(after.status).toBe(200)
      expect(await (await get('/subjects')).json()).toEqual(['after', 'before'])
    },
    60_000,
  )

  it.skipIf(!mounted)(
    'still stops on SIGTERM, within the shutdown timeout, while the disk is full',
    async () => {
      fillDisk()
      for (let i = 0; i < 20; i++) expect((await get('/subjects')).status).toBe(200)
      expect((await post('/subjects/full-again/versions', 'string')).status).toBe(500)
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)))
      const started = Date.now()
      child!.kill('SIGTERM')
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 15_000))])
      console.log(
        `disk-full: SIGTERM with the disk full ended the process after ${Date.now() - started} ms (exit ${code})`,
      )
      expect(code).not.toBe('hung')
    },
    30_000,
  )
})

import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const NET = fileURLToPath(new URL('./safety-net.ts', import.meta.url))

/** Runs a script in a child process that installs the net, then fails in a timer and a promise. */
function run(script: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  })
}

describe('installProcessSafetyNet', () => {
  it('keeps the process alive through an uncaught exception and an unhandled rejection, and logs both', () => {
    const res = run(`
      const { installProcessSafetyNet } = await import(${JSON.stringify(NET)})
      installProcessSafetyNet((m, e) => console.error(m + ': ' + e.message))
      setTimeout(() => { throw new Error('boom in a timer') }, 1)
      setTimeout(() => { Promise.reject(new Error('boom in a promise')) }, 5)
      setTimeout(() => console.log('still alive'), 50)
    `)
    expect(res.stdout).toContain('still alive')
    expect(res.stderr).toContain('uncaught exception; still serving: boom in a timer')
    expect(res.stderr).toContain('unhandled rejection; still serving: boom in a promise')
    expect(res.status).toBe(0)
  })

  it('without the net the same exception ends the process', () => {
    const res = run(
      `setTimeout(() => { throw new Error('boom in a timer') }, 1); setTimeout(() => console.log('still alive'), 50)`,
    )
    expect(res.stdout).not.toContain('still alive')
    expect(res.status).not.toBe(0)
  })
})

import { beforeAll, describe, expect, it } from 'vitest'
import { assertBuilt, run } from './cli.js'

beforeAll(assertBuilt)

describe('registrum --help', () => {
  it('lists the commands and exit codes', async () => {
    const r = await run(['--help'])
    expect(r.code).toBe(0)
    for (const c of ['serve', 'check', 'register', 'export', 'import'])
      expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'))
    expect(r.stdout).toContain('Exit codes:')
  })

  it.each(['check', 'register', 'export', 'import'])(
    '%s --help shows usage, options, examples and exit codes',
    async (command) => {
      const r = await run([command, '--help'])
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^Usage: registrum ${command} `))
      for (const section of ['Options:', 'Examples:', 'Exit codes:', '--registry URL'])
        expect(r.stdout).toContain(section)
    },
  )

  it('exits 2 with a message for an unknown command or flag', async () => {
    const unknown = await run(['frobnicate'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("unknown command 'frobnicate'")
    const flag = await run(['check', '--frob'])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain('--frob')
  })
})

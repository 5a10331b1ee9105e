import { execFileSync } from 'node:child_process'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, gitRepo, ROOT, tempDir, writeFiles } from '../cli/cli.js'

/**
 * The package as users get it: `npm pack` (which builds through `prepack`), the tarball installed
 * into a fresh project, and the CLI run from there with `npx`. Dependencies come from the npm
 * cache when it has them. Install scripts are skipped: the CI commands never load the native
 * SQLite module, and building it here would only measure the compiler.
 */
const ORDER = (amount: string) => `{
  "type": "record",
  "name": "Order",
  "namespace": "com.acme",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "amount", "type": "${amount}"}
  ]
}
`

function sh(cmd: string, args: string[], cwd: string): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REGISTRUM_URL: '' } })
    return { code: 0, stdout, stderr: '' }
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string }
    return { code: err.status ?? 2, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }
  }
}

describe('the packed package', () => {
  const packs = tempDir('registrum-pack-')
  const project = tempDir('registrum-user-')
  afterAll(() => {
    packs.cleanup()
    project.cleanup()
  })
  let tarball = ''

  beforeAll(() => {
    ensureBuilt()
    const packed = sh('npm', ['pack', '--silent', '--pack-destination', packs.dir], ROOT)
    expect(packed.stderr).toBe('')
    expect(packed.code).toBe(0)
    tarball = join(packs.dir, readdirSync(packs.dir).find((f) => f.endsWith('.tgz'))!)
    writeFileSync(join(project.dir, 'package.json'), JSON.stringify({ name: 'schemas-repo', version: '1.0.0', private: true }))
    const installed = sh(
      'npm',
      ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--save-dev', tarball],
      project.dir,
    )
    expect(installed.stderr).not.toMatch(/ERR!/)
    expect(installed.code).toBe(0)
  }, 300_000)

  it('holds the built CLI and none of the sources, tests or scripts', () => {
    const list = sh('tar', ['-tzf', tarball], ROOT).stdout.split('\n')
    expect(list).toContain('package/dist/src/cli/main.js')
    expect(list).toContain('package/bin/registrum.js')
    expect(list).toContain('package/migrations/0001_init.sql')
    expect(list.filter((f) => /^package\/(src|test|bench|scripts)\//.test(f) || f.endsWith('.test.js') || f === 'package/proto/sync.ts')).toEqual([])
  })

  it('runs `npx registrum --help` from the installing project', () => {
    const r = sh('npx', ['--no-install', 'registrum', '--help'], project.dir)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Usage: registrum <command>')
  })

  it('runs a real check from the installing project', () => {
    const repo = gitRepo(project.dir)
    repo.commit('orders', { 'schemas/orders.avsc': ORDER('double') })
    writeFiles(project.dir, { 'schemas/orders.avsc': ORDER('string') })
    const bad = sh('npx', ['--no-install', 'registrum', 'check', 'schemas/orders.avsc', '--subject', 'orders-value', '--against', 'git:HEAD', '--format', 'github'], project.dir)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/^::error file=schemas\/orders\.avsc,line=7,col=24,title=TYPE_MISMATCH%3A amount /m)
    writeFiles(project.dir, { 'schemas/orders.avsc': ORDER('double') })
    const good = sh('npx', ['--no-install', 'registrum', 'check', 'schemas/orders.avsc', '--subject', 'orders-value', '--against', 'git:HEAD'], project.dir)
    expect(good.code).toBe(0)
  })

  it('passes `npm publish --dry-run`', () => {
    // Scripts were run by the pack above; the dry run checks the manifest and the file list.
    const r = sh('npm', ['publish', '--dry-run', '--ignore-scripts'], ROOT)
    expect(r.code).toBe(0)
  })
})

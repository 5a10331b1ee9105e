import { execFile, execFileSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertBuilt, gitRepo, ROOT, tempDir, writeFiles } from '../cli/cli.js'
import { docCommands, yamlBlocks, type DocCommand } from '../support/doc-commands.js'
import { startServer, type TestServer } from '../support/server.js'

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
    const stdout = execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, REGISTRUM_URL: '' },
    })
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
    assertBuilt()
    const packed = sh('npm', ['pack', '--silent', '--pack-destination', packs.dir], ROOT)
    expect(packed.stderr).toBe('')
    expect(packed.code).toBe(0)
    tarball = join(packs.dir, readdirSync(packs.dir).find((f) => f.endsWith('.tgz'))!)
    writeFileSync(
      join(project.dir, 'package.json'),
      JSON.stringify({ name: 'schemas-repo', version: '1.0.0', private: true }),
    )
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
    expect(
      list.filter(
        (f) =>
          /^package\/(src|test|bench|scripts)\//.test(f) || f.endsWith('.test.js') || f === 'package/proto/sync.ts',
      ),
    ).toEqual([])
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
    const check = [
      '--no-install',
      'registrum',
      'check',
      'schemas/orders.avsc',
      '--subject',
      'orders-value',
      '--against',
      'git:HEAD',
    ]
    const bad = sh('npx', [...check, '--format', 'github'], project.dir)
    expect(bad.code).toBe(1)
    expect(bad.stdout).toMatch(/^::error file=schemas\/orders\.avsc,line=7,col=24,title=TYPE_MISMATCH%3A amount /m)
    writeFiles(project.dir, { 'schemas/orders.avsc': ORDER('double') })
    const good = sh('npx', check, project.dir)
    expect(good.code).toBe(0)
  })

  it('passes `npm publish --dry-run`', () => {
    // Scripts were run by the pack above; the dry run checks the manifest and the file list.
    const r = sh('npm', ['publish', '--dry-run', '--ignore-scripts'], ROOT)
    expect(r.code).toBe(0)
  })
})

/**
 * The documents' commands, run as written in a schemas repository laid out as docs/ci-recipe.md
 * describes, with the packed tarball where the recipe expects it. Only what a runner provides is
 * filled in: the base branch, the registry URL (a real server on 127.0.0.1).
 */
describe('the commands of docs/ci-recipe.md and docs/cli.md', () => {
  const packs = tempDir('registrum-docs-pack-')
  const repo = tempDir('registrum-docs-repo-')
  const origin = tempDir('registrum-docs-origin-')
  const servers: TestServer[] = []
  afterAll(async () => {
    for (const s of servers) await s.close()
    packs.cleanup()
    repo.cleanup()
    origin.cleanup()
  })
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
  const recipe = docCommands(join(ROOT, 'docs/ci-recipe.md'), 'docs/ci-recipe.md')
  const cli = docCommands(join(ROOT, 'docs/cli.md'), 'docs/cli.md')

  const ADDRESS =
    '{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"street","type":"string"}]}\n'
  const ORDERS = (amount: string) => `{
  "type": "record",
  "name": "Order",
  "namespace": "com.acme",
  "fields": [
    {"name": "id", "type": "string"},
    {"name": "amount", "type": "${amount}"},
    {"name": "ship", "type": "com.acme.Address"}
  ]
}
`
  const MONEY =
    'syntax = "proto3";\npackage common;\n\nmessage Money {\n  int64 units = 1;\n  string currency = 2;\n}\n'
  const PAYMENTS =
    'syntax = "proto3";\npackage acme;\n\nimport "common/money.proto";\n\nmessage Payment {\n  string id = 1;\n  common.Money amount = 2;\n}\n'

  /** Runs a step with bash, asynchronously: the registry it may talk to runs in this process. */
  function step(
    c: DocCommand,
    env: Record<string, string> = {},
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
    const command = c.command.replaceAll('${{ github.base_ref }}', 'main')
    return new Promise((done) => {
      execFile(
        'bash',
        ['-c', command],
        {
          cwd: repo.dir,
          encoding: 'utf8',
          env: { ...process.env, REGISTRUM_URL: '', ...env },
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) =>
          done({ code: error ? (typeof error.code === 'number' ? error.code : 2) : 0, stdout, stderr }),
      )
    })
  }

  beforeAll(async () => {
    assertBuilt()
    expect(
      execFileSync('npm', ['pack', '--silent', '--pack-destination', packs.dir], {
        cwd: ROOT,
        encoding: 'utf8',
      }).trim(),
    ).toBe(`registrum-${version}.tgz`)
    // The repository: the project file of the recipe, its schemas, a base branch on a remote.
    const git = gitRepo(repo.dir)
    git.commit('schemas', {
      'registrum.yaml': yamlBlocks(join(ROOT, 'docs/ci-recipe.md'))[0]!,
      'schemas/address.avsc': ADDRESS,
      'schemas/orders.avsc': ORDERS('double'),
      'proto/common/money.proto': MONEY,
      'proto/payments.proto': PAYMENTS,
    })
    execFileSync('git', ['init', '-q', '--bare', origin.dir])
    git.git('remote', 'add', 'origin', origin.dir)
    git.git('push', '-q', 'origin', 'main')
    git.git('checkout', '-q', '-b', 'change')
    git.commit('amount as a string', { 'schemas/orders.avsc': ORDERS('string') })
    mkdirSync(join(repo.dir, 'tools'))
    copyFileSync(join(packs.dir, `registrum-${version}.tgz`), join(repo.dir, 'tools', `registrum-${version}.tgz`))
    writeFileSync(join(repo.dir, 'package.json'), JSON.stringify({ name: 'schemas', version: '1.0.0', private: true }))
    servers.push(await startServer(), await startServer())
  }, 300_000)

  it('shows the install step, the check step and the online steps', () => {
    expect(recipe.map((c) => c.command.split(' ').slice(0, 3).join(' '))).toEqual([
      'npm install --no-save',
      'npm install --no-save',
      'npx registrum check',
      'npx registrum check',
      'npx registrum register',
    ])
  })

  it('installs the tarball as the recipe shows it', async () => {
    // The offline-friendly form of the same command: dependencies from the npm cache, and no native build.
    const install = recipe[0]!
    const r = await step({ ...install, command: `${install.command} --prefer-offline --ignore-scripts` })
    expect(r.code, `${install.where}: ${r.stderr}`).toBe(0)
    expect(existsSync(join(repo.dir, 'node_modules/.bin/registrum'))).toBe(true)
  }, 300_000)

  it('the pull-request step annotates the change and writes the JUnit and SARIF reports', async () => {
    const r = await step(recipe[2]!)
    expect(r.code, `${recipe[2]!.where}: ${r.stderr}`).toBe(1)
    expect(r.stdout).toMatch(/^::error file=schemas\/orders\.avsc,line=7,col=\d+,title=TYPE_MISMATCH%3A amount /m)
    expect(readFileSync(join(repo.dir, 'out/junit.xml'), 'utf8')).toContain(
      '<testcase classname="schemas/orders.avsc" name="orders-value"',
    )
    expect(JSON.parse(readFileSync(join(repo.dir, 'out/registrum.sarif'), 'utf8')).runs[0].results[0].ruleId).toBe(
      'TYPE_MISMATCH',
    )
  })

  it('the online steps check against a registry, then register, references first', async () => {
    const env = { REGISTRY_URL: servers[0]!.url }
    const checked = await step(recipe[3]!, env)
    expect(checked.stderr).toBe('')
    expect(checked.code).toBe(0)
    expect(checked.stdout).toContain('registrum check: 4 checked, 4 compatible, 0 incompatible, 0 invalid')
    const registered = await step(recipe[4]!, env)
    expect(registered.code, registered.stderr).toBe(0)
    expect(registered.stdout.match(/^added\s+\S+/gm)!.map((l) => l.split(/\s+/)[1])).toEqual([
      'address-value',
      'orders-value',
      'money-value',
      'payments-value',
    ])
  })

  it('runs every command of docs/cli.md with the installed CLI', async () => {
    expect(cli.length).toBeGreaterThanOrEqual(3)
    const urls = new Map([
      ['http://old-registry:8081', servers[0]!.url],
      ['http://new-registry:8081', servers[1]!.url],
    ])
    for (const c of cli) {
      let command = `npx ${c.command}`
      for (const [from, to] of urls) command = command.replaceAll(from, to)
      const r = await step({ ...c, command })
      // 1 is a verdict (the branch changes a type); 2 would mean the documented command cannot run.
      expect([0, 1], `${c.where}: ${c.command}\n${r.stderr}`).toContain(r.code)
      expect(r.stderr, c.where).not.toMatch(/^registrum: (?!note)/m)
    }
    expect(readFileSync(join(repo.dir, 'old.jsonl'), 'utf8')).toContain('"subject":"orders-value"')
  })
})

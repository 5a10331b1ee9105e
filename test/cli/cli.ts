import { execFile, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BUILT = join(ROOT, 'dist/src/cli/main.js')

function newestSource(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path))
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
      newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

const builtAt = () => {
  try {
    return statSync(BUILT).mtimeMs
  } catch {
    return 0
  }
}

/**
 * Compiles src to dist when dist is older than the sources, so the tests run the CLI as users
 * do (bin/registrum.js). A lock directory keeps parallel test files from building at once.
 */
export function ensureBuilt(): void {
  if (builtAt() >= newestSource(join(ROOT, 'src'))) return
  const lock = join(ROOT, 'node_modules/.cache/registrum-cli-build.lock')
  mkdirSync(dirname(lock), { recursive: true })
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch {
      // Another test file is building; wait for it, then re-check.
      execFileSync('sleep', ['0.5'])
      if (builtAt() >= newestSource(join(ROOT, 'src'))) return
    }
  }
  try {
    // Type errors in files being edited elsewhere do not stop tsc from emitting.
    try {
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' })
    } catch {
      /* checked below */
    }
    if (builtAt() === 0) throw new Error('build produced no dist/src/cli/main.js')
  } finally {
    rmdirSync(lock)
  }
}

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs the built `registrum` with `args` in `cwd`. */
export function run(
  args: string[],
  { cwd = ROOT, env = {} }: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      'node',
      [join(ROOT, 'bin/registrum.js'), ...args],
      { cwd, env: { ...process.env, REGISTRUM_URL: '', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 2) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** A temporary directory, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Writes files (path → text) under `dir`. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
}

/** A git repository in `dir`; `commit` writes files (null removes them) and commits them. */
export function gitRepo(dir: string) {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'test',
        GIT_AUTHOR_EMAIL: 'test@example.com',
        GIT_COMMITTER_NAME: 'test',
        GIT_COMMITTER_EMAIL: 'test@example.com',
        GIT_CONFIG_NOSYSTEM: '1',
      },
    })
  git('init', '-q', '-b', 'main')
  return {
    git,
    commit(message: string, files: Record<string, string | null>) {
      for (const [path, text] of Object.entries(files)) {
        if (text === null) git('rm', '-q', path)
        else {
          writeFiles(dir, { [path]: text })
          git('add', path)
        }
      }
      git('commit', '-q', '-m', message)
    },
  }
}

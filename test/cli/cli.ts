import { execFile, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** Written by every `npm run build` (tsc -b) that compiled anything. */
const BUILD_INFO = join(ROOT, 'dist/.tsbuildinfo')

function newestSource(dir: string): { path: string; mtimeMs: number } {
  let newest = { path: dir, mtimeMs: 0 }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    const candidate = entry.isDirectory()
      ? newestSource(path)
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
        ? { path, mtimeMs: statSync(path).mtimeMs }
        : undefined
    if (candidate !== undefined && candidate.mtimeMs > newest.mtimeMs) newest = candidate
  }
  return newest
}

/**
 * The CLI tests run the built CLI as users do (bin/registrum.js over dist/), built by the
 * `npm run build` that `npm test` runs first. Fails at once, saying so, when dist/ is missing or
 * older than a source file.
 */
export function assertBuilt(): void {
  let builtAt = 0
  try {
    builtAt = statSync(BUILD_INFO).mtimeMs
  } catch {
    throw new Error('dist/ is not built: run `npm run build` first (`npm test` does)')
  }
  const newest = newestSource(join(ROOT, 'src'))
  if (newest.mtimeMs > builtAt) {
    throw new Error(
      `dist/ is older than ${relative(ROOT, newest.path)}: run \`npm run build\` first (\`npm test\` does)`,
    )
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

import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { basename, dirname, extname, join, relative, resolve } from 'node:path'
import { InfrastructureError } from '../errors.js'

/** One earlier version of a schema file, oldest first in a history. */
export interface EarlierVersion {
  /** Where it came from, for notes: a short commit id or a file name. */
  readonly label: string
  readonly schema: string
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (e) {
    const err = e as { stderr?: string; message: string }
    throw new InfrastructureError(`git ${args.join(' ')}: ${(err.stderr ?? err.message).trim()}`)
  }
}

/**
 * The versions of `file` in the history of `ref`, oldest first: every commit that touched it
 * (following renames, `git log --follow`), read with `git show <commit>:<path at that commit>`.
 * Commits where the file was deleted are skipped; repeated identical content is kept once.
 */
export function gitHistory(file: string, ref: string): EarlierVersion[] {
  const dir = existsSync(dirname(file)) ? dirname(file) : process.cwd()
  const root = git(dir, ['rev-parse', '--show-toplevel']).trim()
  git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
  const path = relative(root, resolve(file)).split('\\').join('/')
  const log = git(root, ['log', '--follow', '--format=%x00%H', '--name-only', ref, '--', path])
  const commits = log
    .split('\u0000')
    .map((block) => block.trim().split('\n').filter((l) => l !== ''))
    .filter((lines) => lines.length >= 1)
    .map(([commit, name]) => ({ commit: commit!, name: name ?? path }))
    .reverse()
  const out: EarlierVersion[] = []
  for (const { commit, name } of commits) {
    let schema: string
    try {
      schema = execFileSync('git', ['show', `${commit}:${name}`], {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'ignore'],
      })
    } catch {
      continue
    }
    if (out.at(-1)?.schema === schema) continue
    out.push({ label: `${commit.slice(0, 12)}:${name}`, schema })
  }
  return out
}

/**
 * Earlier versions kept as files: `DIR/<subject>/*` when that directory exists, else the files
 * in `DIR` with the candidate's extension, in natural order (`v2` before `v10`).
 */
export function directoryVersions(dir: string, subject: string, candidateFile: string): EarlierVersion[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InfrastructureError(`--against ${dir}: not a directory`)
  const perSubject = join(dir, subject)
  const useSubjectDir = existsSync(perSubject) && statSync(perSubject).isDirectory()
  const from = useSubjectDir ? perSubject : dir
  const ext = extname(candidateFile)
  const same = resolve(candidateFile)
  const files = readdirSync(from)
    .filter((f) => statSync(join(from, f)).isFile() && !f.startsWith('.'))
    .filter((f) => useSubjectDir || extname(f) === ext)
    .filter((f) => resolve(join(from, f)) !== same)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
  return files.map((f) => ({ label: basename(f), schema: readFileSync(join(from, f), 'utf8') }))
}

import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, extname, join, relative, resolve } from 'node:path'
import type { SchemaType } from '../../formats/format.js'
import { displayPath, typeFromExtension } from '../project.js'
import { InfrastructureError } from '../errors.js'

/** One earlier version of a schema file, oldest first in a history. */
export interface EarlierVersion {
  /** Where it came from, for notes: a short commit id or a file name. */
  readonly label: string
  readonly schema: string
}

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (e) {
    const err = e as { stderr?: string; status?: number | null; message: string }
    const why = (err.stderr ?? '').trim() || (err.status != null ? `exited with status ${err.status}` : err.message)
    throw new InfrastructureError(`git ${args.join(' ')}: ${why}`)
  }
}

/** Why a ref is missing and how to get it: shallow clones and unfetched remote branches are the usual causes. */
function missingRef(ref: string, root: string): string {
  const remote = /^([^/]+)\/(.+)$/.exec(ref)
  let remotes: string[] = []
  try {
    remotes = git(root, ['remote']).split('\n').filter(Boolean)
  } catch {
    remotes = []
  }
  const fetch =
    remote && remotes.includes(remote[1]!)
      ? `fetch it first: git fetch ${remote[1]} ${remote[2]}`
      : `check the name, or fetch it first: git fetch origin ${ref}`
  let shallow = false
  try {
    shallow = git(root, ['rev-parse', '--is-shallow-repository']).trim() === 'true'
  } catch {
    shallow = false
  }
  return (
    `--against git:${ref}: no commit named '${ref}' in the repository at ${root}; ${fetch}` +
    (shallow ? ' (this clone is shallow: in GitHub Actions set fetch-depth: 0 on actions/checkout)' : '')
  )
}

/**
 * The versions of `file` in the history of `ref`, oldest first: every commit that touched it
 * (following renames, `git log --follow`), read with `git show <commit>:<path at that commit>`.
 * Commits where the file was deleted are skipped; repeated identical content is kept once.
 */
export function gitHistory(file: string, ref: string): EarlierVersion[] {
  const dir = existsSync(dirname(file)) ? dirname(file) : process.cwd()
  let root: string
  try {
    root = git(dir, ['rev-parse', '--show-toplevel']).trim()
  } catch (e) {
    throw new InfrastructureError(
      `--against git:${ref}: ${displayPath(file)} is not inside a git work tree (${(e as Error).message})`,
    )
  }
  try {
    git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
  } catch {
    throw new InfrastructureError(missingRef(ref, root))
  }
  const path = relative(root, resolve(file)).split('\\').join('/')
  const log = git(root, ['log', '--follow', '--format=%x00%H', '--name-only', ref, '--', path])
  const commits = log
    .split('\u0000')
    .map((block) =>
      block
        .trim()
        .split('\n')
        .filter((l) => l !== ''),
    )
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
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new InfrastructureError(`--against ${displayPath(dir)}: not a directory (nor an export file)`)
  const perSubject = join(dir, subject)
  const useSubjectDir = existsSync(perSubject) && statSync(perSubject).isDirectory()
  const from = useSubjectDir ? perSubject : dir
  const ext = extname(candidateFile)
  const same = resolve(candidateFile)
  const files = readdirSync(from)
    .filter((f) => isFile(join(from, f)) && !f.startsWith('.'))
    .filter((f) => useSubjectDir || extname(f) === ext)
    .filter((f) => resolve(join(from, f)) !== same)
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
  return files.map((f) => ({ label: displayPath(join(from, f)), schema: readVersion(join(from, f)) }))
}

/** True for a file; a link to nothing counts as a file, so reading it reports why it is unusable. */
function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return true
  }
}

function readVersion(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch (e) {
    throw new InfrastructureError(
      `cannot read baseline file ${displayPath(file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    )
  }
}

/** The versions kept in `DIR/<subject>/`, for a referenced subject no project entry describes. */
export function subjectDirectoryVersions(dir: string, subject: string): EarlierVersion[] {
  const from = join(dir, subject)
  if (!existsSync(from) || !statSync(from).isDirectory()) return []
  return readdirSync(from)
    .filter((f) => isFile(join(from, f)) && !f.startsWith('.'))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((f) => ({ label: displayPath(join(from, f)), schema: readVersion(join(from, f)) }))
}

/** The schema type of a referenced subject's versions: from their extension, else the referrer's. */
export function typeOfVersions(
  versions: readonly EarlierVersion[],
  referrers: readonly { type: SchemaType }[],
): SchemaType {
  return typeFromExtension(versions[0]!.label) ?? referrers[0]?.type ?? 'AVRO'
}

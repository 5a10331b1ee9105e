import { execFileSync } from 'node:child_process'
import { realpathSync } from 'node:fs'
import { isAbsolute, relative } from 'node:path'
import type { CheckOutcome, Finding } from '../check/outcome.js'
import { displayPath } from '../project.js'

export interface Summary {
  readonly checked: number
  readonly compatible: number
  readonly incompatible: number
  readonly invalid: number
}

export function summarize(outcomes: readonly CheckOutcome[]): Summary {
  const count = (s: CheckOutcome['status']) => outcomes.filter((o) => o.status === s).length
  return {
    checked: outcomes.length,
    compatible: count('compatible'),
    incompatible: count('incompatible'),
    invalid: count('invalid'),
  }
}

/** One line saying why a subject failed, for junit messages and annotations. */
export function failureTitle(o: CheckOutcome): string {
  if (o.status === 'invalid') return `invalid ${o.type} schema for subject ${o.subject}`
  const against = o.failedVersion !== undefined ? ` with version ${o.failedVersion}` : ''
  return `${o.subject} is incompatible${against}${o.level ? ` under ${o.level}` : ''}`
}

/** `file:line:col` of a finding, or the file alone. */
export function where(file: string, f: Finding): string {
  return `${reportPath(file)}${f.line !== undefined ? `:${f.line}${f.column !== undefined ? `:${f.column}` : ''}` : ''}`
}

/** The head line of a finding: the rule and the field or element it names. */
export function findingTitle(f: Finding): string {
  return `${f.rule}${f.element !== undefined ? `: ${f.element}` : ''}`
}

/**
 * The details every format shows for a finding, one per line: the registry's description, the
 * old and new text, the direction that breaks and the fix hint.
 */
export function findingDetails(f: Finding): string[] {
  return [
    f.description,
    ...(f.oldFragment !== undefined ? [`old: ${f.oldFragment}`] : []),
    ...(f.newFragment !== undefined ? [`new: ${f.newFragment}`] : []),
    ...(f.breaks !== undefined ? [`breaks ${f.breaks}`] : []),
    `fix: ${f.hint}`,
  ]
}

let gitRoot: { cwd: string; root: string | undefined } | undefined

/**
 * A path for reports: relative to the root of the git work tree holding the working directory
 * (what GitHub annotations and code scanning expect, also from a subdirectory of a monorepo),
 * else relative to the working directory when inside it, else absolute.
 */
export function reportPath(file: string): string {
  const cwd = process.cwd()
  if (gitRoot?.cwd !== cwd) {
    let root: string | undefined
    try {
      root = execFileSync('git', ['rev-parse', '--show-toplevel'], {
        cwd,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim()
    } catch {
      root = undefined
    }
    gitRoot = { cwd, root: root ? realpathSync(root) : undefined }
  }
  if (gitRoot.root !== undefined) {
    let real = file
    try {
      real = realpathSync(file)
    } catch {
      /* a file that is gone keeps its given path */
    }
    const rel = relative(gitRoot.root, real)
    if (!rel.startsWith('..') && !isAbsolute(rel)) return rel.split('\\').join('/')
  }
  return displayPath(file)
}

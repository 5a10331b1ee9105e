import { parseArgs } from 'node:util'
import type { ResolvedRef } from '../formats/format.js'
import { formatFor } from '../formats/index.js'
import { requestBody } from './check/online.js'
import { EXIT, InfrastructureError, UsageError } from './errors.js'
import { CONNECTION_HELP, CONNECTION_OPTIONS, requireConnection } from './options.js'
import { displayPath, findProjectFile, loadProject, type Project, type ProjectSubject } from './project.js'
import { enc, SchemaRegistryError, RegistryCalls } from './registry-calls.js'
import { readFileSync } from 'node:fs'

export const REGISTER_HELP = `Usage: registrum register [options]

Registers every subject of the project file in dependency order (referenced subjects first) and
sets each subject's compatibility level when the project file declares one. Idempotent: a schema
already registered under its subject is left alone, so running it twice changes nothing.

Options:
  -p, --project PATH   project file (default: ./registrum.yaml, .yml or .json)
  -n, --dry-run        print what would change (level changes, new versions with their
                       normalized text) and change nothing
  -h, --help           show this help

${CONNECTION_HELP}

Examples:
  registrum register --registry https://registry.example.com --token "$REGISTRY_TOKEN"
  registrum register --dry-run -r http://localhost:8081

Exit codes:
  0  everything is registered (or, with --dry-run, could be)
  1  the registry refused a schema (incompatible or invalid)
  2  usage error, or the registry could not be reached
`

interface Step {
  readonly subject: ProjectSubject
  readonly schema: string
}

/** `registrum register`. */
export async function register(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...CONNECTION_OPTIONS,
      project: { type: 'string', short: 'p' },
      'dry-run': { type: 'boolean', short: 'n' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    process.stdout.write(REGISTER_HELP)
    return EXIT.OK
  }
  const rest = new RegistryCalls(requireConnection(values, process.env, 'register'))
  const projectPath = values.project ?? findProjectFile(process.cwd())
  if (!projectPath) throw new UsageError('no registrum.yaml, registrum.yml or registrum.json here; pass --project')
  const project = loadProject(projectPath)
  const dryRun = values['dry-run'] === true
  const steps: Step[] = project.subjects.map((s) => ({ subject: s, schema: readSchemaFile(s) }))
  const pending = new Set<string>()
  let refused = 0
  for (const step of steps) {
    const { subject } = step
    const s = enc(subject.subject)
    await applyLevel(rest, project, subject, dryRun)
    const waitingOn = subject.references.filter((r) => pending.has(r.subject)).map((r) => r.subject)
    const found = waitingOn.length > 0 ? undefined : await lookup(rest, step)
    if (found) {
      out(`same      ${subject.subject}  version ${found.version}, id ${found.id}`)
      continue
    }
    if (dryRun) {
      const latest = await rest.getOptional<{ version: number }>(`/subjects/${s}/versions/latest`, [40401, 40402])
      const after = latest ? `after version ${latest.version}` : 'new subject'
      // One verdict per subject: the registry is asked first, and only its answer is printed.
      const verdict = waitingOn.length > 0 ? undefined : await wouldRefuse(rest, step)
      if (verdict) {
        refused++
        out(`would refuse ${subject.subject}  (${after})  ${displayPath(subject.file)}`)
        out(indent(verdict))
        continue
      }
      pending.add(subject.subject)
      // Whether the registry sees a new version once a referenced schema changes is its call.
      const label = waitingOn.length > 0 ? 'may add  ' : 'would add'
      const because = waitingOn.length > 0 ? `; references ${waitingOn.join(', ')}, which change` : ''
      out(`${label} ${subject.subject}  (${after}${because})  ${displayPath(subject.file)}`)
      const text = normalizedText(step, steps)
      if (text !== undefined) out(indent(text))
      continue
    }
    try {
      const answer = await rest.post<{ id: number; version?: number }>(`/subjects/${s}/versions`, {
        ...requestBody({ schema: step.schema, type: subject.type, references: subject.references }),
        ...(subject.metadata ? { metadata: subject.metadata } : {}),
        ...(subject.ruleSet ? { ruleSet: subject.ruleSet } : {}),
      })
      out(`added     ${subject.subject}  version ${answer.version ?? '?'}, id ${answer.id}`)
    } catch (e) {
      if (!(e instanceof SchemaRegistryError) || (e.status !== 409 && e.status !== 422)) throw e
      refused++
      out(`REFUSED   ${subject.subject}  ${displayPath(subject.file)}\n${indent(e.message)}`)
    }
  }
  return refused > 0 ? EXIT.FAILED : EXIT.OK
}

const out = (line: string) => process.stdout.write(`${line}\n`)
const indent = (text: string) =>
  text
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n')

function readSchemaFile(s: ProjectSubject): string {
  try {
    return readFileSync(s.file, 'utf8')
  } catch (e) {
    throw new InfrastructureError(
      `cannot read ${displayPath(s.file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    )
  }
}

/** Puts the declared level on the subject when it differs from what the subject has. */
async function applyLevel(
  rest: RegistryCalls,
  project: Project,
  subject: ProjectSubject,
  dryRun: boolean,
): Promise<void> {
  const level = subject.level ?? project.level
  if (!level) return
  const s = enc(subject.subject)
  const current = await rest.getOptional<{ compatibilityLevel?: string }>(`/config/${s}`, [40401, 40408])
  if (current?.compatibilityLevel === level) return
  const from = current?.compatibilityLevel ?? 'unset'
  if (dryRun) {
    out(`would set ${subject.subject}  level ${from} -> ${level}`)
    return
  }
  await rest.put(`/config/${s}`, { compatibility: level })
  out(`level     ${subject.subject}  ${from} -> ${level}`)
}

async function lookup(rest: RegistryCalls, step: Step): Promise<{ id: number; version: number } | undefined> {
  const { subject } = step
  try {
    return await rest.post(
      `/subjects/${enc(subject.subject)}`,
      requestBody({ schema: step.schema, type: subject.type, references: subject.references }),
    )
  } catch (e) {
    if (e instanceof SchemaRegistryError && (e.status === 404 || e.status === 422)) return undefined
    throw e
  }
}

/** Why the registry would refuse the new version, if it would (a verbose compatibility check). */
async function wouldRefuse(rest: RegistryCalls, step: Step): Promise<string | undefined> {
  const { subject } = step
  try {
    const answer = await rest.post<{ is_compatible: boolean; messages?: string[] }>(
      `/compatibility/subjects/${enc(subject.subject)}/versions?verbose=true`,
      requestBody({ schema: step.schema, type: subject.type, references: subject.references }),
    )
    return answer.is_compatible ? undefined : (answer.messages ?? ['incompatible']).join('\n')
  } catch (e) {
    if (e instanceof SchemaRegistryError && e.status === 422) return e.message
    throw e
  }
}

/**
 * The text the registry will store, from the format's own canonical printer, with references
 * resolved from the project's files. Undefined when the format is not available or fails.
 */
function normalizedText(step: Step, steps: readonly Step[]): string | undefined {
  const format = formatFor(step.subject.type)
  if (!format) return undefined
  const bySubject = new Map(steps.map((s) => [s.subject.subject, s]))
  const refs: ResolvedRef[] = []
  const seen = new Set<string>()
  const visit = (of: Step) => {
    for (const r of of.subject.references) {
      const dep = bySubject.get(r.subject)
      if (!dep || seen.has(r.name)) continue
      seen.add(r.name)
      visit(dep)
      refs.push({
        name: r.name,
        subject: r.subject,
        version: r.version ?? 1,
        schema: dep.schema,
        schemaType: dep.subject.type,
      })
    }
  }
  visit(step)
  try {
    return format.canonicalize(format.parse(step.schema, refs, 'new'))
  } catch (e) {
    return `(not a valid schema: ${(e as Error).message})`
  }
}

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { parseLevel, type CompatibilityLevel } from '../../compat/levels.js'
import { isDump, readDump } from '../dump.js'
import { EXIT, InfrastructureError, UsageError } from '../errors.js'
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectionFrom } from '../options.js'
import {
  dependencyOrder,
  displayPath,
  findProjectFile,
  loadProject,
  parseType,
  typeFromExtension,
  type Project,
  type ProjectReference,
  type ProjectSubject,
} from '../project.js'
import { renderReport, REPORT_FORMATS, type ReportFormat } from '../report/index.js'
import { RegistryCalls } from '../registry-calls.js'
import { directoryVersions, gitHistory, subjectDirectoryVersions, typeOfVersions } from './baseline.js'
import { parseMessages } from './messages.js'
import { explain } from './locate.js'
import { OfflineEngine } from './offline.js'
import { OnlineEngine } from './online.js'
import type { Candidate, CheckOutcome, CompatEngine, Finding, Verdict } from './outcome.js'

export const CHECK_HELP = `Usage: registrum check [FILE...] [options]

Checks schema files for compatibility with the versions before them, either against a live
registry (each subject under the level the registry has for it) or offline against a baseline:
a git ref whose history holds the earlier versions, a directory of earlier versions, or an export.

With no FILE, checks every subject of the project file (registrum.yaml, registrum.yml or
registrum.json in the working directory). With FILEs, checks those files: the subject comes from
--subject (one file) or from the project entry naming the file.

Options:
  -s, --subject NAME        subject of the single FILE
  -t, --type TYPE           AVRO, PROTOBUF or JSON (default: from the extension .avsc, .proto, .json)
      --reference REF       a reference of the single FILE, NAME=SUBJECT[@VERSION] (repeatable)
  -p, --project PATH        project file (default: ./registrum.yaml, .yml or .json)
      --against BASELINE    check offline: git:REF (e.g. git:origin/main), a directory of
                            earlier versions (DIR/<subject>/* or DIR/*.<ext>), or an export file
                            or directory written by 'registrum export'
  -l, --level LEVEL         offline level for every subject (default: the project file's, then
                            the export's config, then BACKWARD); transitive levels use every
                            earlier version
  -f, --format FORMAT       text (default), json, junit, github (workflow annotations), sarif
  -o, --output FILE         write the report to FILE instead of standard output
      --report FORMAT=FILE  also write a report in FORMAT to FILE (repeatable; directories are
                            created), e.g. --report junit=out/junit.xml --report sarif=out/r.sarif
  -h, --help                show this help

${CONNECTION_HELP}

Examples:
  registrum check --registry http://localhost:8081
  registrum check schemas/order.avsc --subject orders-value --against git:origin/main
  registrum check --against git:origin/main --format github
  registrum check --against backup.jsonl --level FULL_TRANSITIVE --format sarif -o check.sarif
  registrum check --against git:origin/main --format github --report junit=out/junit.xml --report sarif=out/registrum.sarif

Exit codes:
  0  every schema is compatible
  1  a schema is incompatible, or is not a valid schema (each is reported)
  2  usage error, or the check could not run (registry unreachable, file unreadable, bad baseline)
`

interface CheckArgs {
  readonly files: string[]
  readonly subject?: string
  readonly type?: string
  readonly references: string[]
  readonly project?: string
  readonly against?: string
  readonly level?: CompatibilityLevel
  readonly format: ReportFormat
  readonly output?: string
  /** Extra reports written in the same run, `--report FORMAT=FILE`. */
  readonly reports: { format: ReportFormat; file: string }[]
  readonly help: boolean
  readonly values: Record<string, string | undefined>
}

function parseCheckArgs(argv: string[]): CheckArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...CONNECTION_OPTIONS,
      subject: { type: 'string', short: 's' },
      type: { type: 'string', short: 't' },
      reference: { type: 'string', multiple: true },
      project: { type: 'string', short: 'p' },
      against: { type: 'string' },
      level: { type: 'string', short: 'l' },
      format: { type: 'string', short: 'f' },
      output: { type: 'string', short: 'o' },
      report: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  const format = (values.format ?? 'text').toLowerCase()
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got '${values.format}'`)
  }
  const reports = (values.report ?? []).map((raw) => {
    const m = /^([a-z]+)=(.+)$/i.exec(raw)
    const f = m ? m[1]!.toLowerCase() : ''
    if (!m || !(REPORT_FORMATS as readonly string[]).includes(f)) {
      throw new UsageError(`--report must be FORMAT=FILE with FORMAT one of ${REPORT_FORMATS.join(', ')}, got '${raw}'`)
    }
    return { format: f as ReportFormat, file: m[2]! }
  })
  const level = values.level === undefined ? undefined : parseLevel(values.level)
  if (values.level !== undefined && !level) throw new UsageError(`--level: unknown level '${values.level}'`)
  return {
    files: positionals,
    ...(values.subject !== undefined ? { subject: values.subject } : {}),
    ...(values.type !== undefined ? { type: values.type } : {}),
    references: values.reference ?? [],
    ...(values.project !== undefined ? { project: values.project } : {}),
    ...(values.against !== undefined ? { against: values.against } : {}),
    ...(level ? { level } : {}),
    format: format as ReportFormat,
    ...(values.output !== undefined ? { output: values.output } : {}),
    reports,
    help: values.help === true,
    values: { registry: values.registry, user: values.user, password: values.password, token: values.token },
  }
}

function parseReference(raw: string): ProjectReference {
  const m = /^([^=]+)=([^@]+)(?:@(\d+))?$/.exec(raw)
  if (!m) throw new UsageError(`--reference must be NAME=SUBJECT[@VERSION], got '${raw}'`)
  return { name: m[1]!, subject: m[2]!, ...(m[3] ? { version: Number(m[3]) } : {}) }
}

/** Which subjects to check, and the project (if any) that describes the others. */
function selectSubjects(args: CheckArgs): { targets: ProjectSubject[]; project?: Project } {
  const projectPath = args.project ?? findProjectFile(process.cwd())
  if (args.project && !projectPath) throw new UsageError(`--project ${args.project}: not found`)
  const project = projectPath ? loadProject(projectPath) : undefined
  if (args.subject !== undefined) {
    if (args.files.length !== 1) throw new UsageError('--subject needs exactly one FILE')
    const file = resolve(args.files[0]!)
    const declared = project?.subjects.find((s) => s.subject === args.subject)
    const type =
      args.type !== undefined
        ? (parseType(args.type) ?? usage(`--type: unknown schema type '${args.type}'`))
        : (declared?.type ?? typeFromExtension(file) ?? usage(`cannot tell the type of ${args.files[0]}; pass --type`))
    const references = args.references.length > 0 ? args.references.map(parseReference) : (declared?.references ?? [])
    const target: ProjectSubject = {
      subject: args.subject,
      file,
      type,
      references,
      ...(declared?.level ? { level: declared.level } : {}),
    }
    return { targets: [target], ...(project ? { project } : {}) }
  }
  if (args.type !== undefined || args.references.length > 0)
    throw new UsageError('--type and --reference need --subject')
  if (!project) {
    throw new UsageError(
      args.files.length > 0
        ? 'pass --subject, or list the file in a project file (registrum.yaml)'
        : 'no FILE given and no registrum.yaml, registrum.yml or registrum.json here',
    )
  }
  if (args.files.length === 0) return { targets: [...project.subjects], project }
  const targets: ProjectSubject[] = []
  for (const f of args.files) {
    const matches = project.subjects.filter((s) => s.file === resolve(f))
    if (matches.length === 0) throw new UsageError(`${f} is not listed in ${displayPath(project.path)}; pass --subject`)
    targets.push(...matches)
  }
  return { targets, project }
}

/** The targets plus the project subjects they reference, transitively. */
function withDependencies(targets: readonly ProjectSubject[], project: Project | undefined): ProjectSubject[] {
  const bySubject = new Map((project?.subjects ?? []).map((s) => [s.subject, s]))
  const out = new Map(targets.map((t) => [t.subject, t]))
  const queue = [...targets]
  for (let s = queue.shift(); s; s = queue.shift()) {
    for (const r of s.references) {
      const dep = bySubject.get(r.subject)
      if (dep && !out.has(dep.subject)) {
        out.set(dep.subject, dep)
        queue.push(dep)
      }
    }
  }
  return [...out.values()]
}

function usage(message: string): never {
  throw new UsageError(message)
}

function readSchema(s: ProjectSubject): Candidate {
  let schema: string
  try {
    schema = readFileSync(s.file, 'utf8')
  } catch (e) {
    throw new InfrastructureError(
      `cannot read ${displayPath(s.file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    )
  }
  return { subject: s.subject, file: s.file, type: s.type, schema, references: s.references }
}

/** Seeds an offline engine from the baseline for every subject involved, in dependency order. */
async function offlineEngine(
  args: CheckArgs,
  all: ProjectSubject[],
  project: Project | undefined,
): Promise<{ engine: OfflineEngine; notes: string[] }> {
  const against = args.against!
  const engine = new OfflineEngine()
  const notes: string[] = []
  const levelOf = (s: { level?: CompatibilityLevel }) => args.level ?? s.level ?? project?.level
  if (!against.startsWith('git:') && isDump(against)) {
    await engine.seedDump(readDump(against))
  } else {
    const dir = resolve(against)
    // Subjects referenced with --reference but described nowhere are seeded from DIR/<subject>/.
    const described = new Set(all.map((s) => s.subject))
    if (!against.startsWith('git:')) {
      for (const r of all.flatMap((s) => s.references)) {
        if (described.has(r.subject)) continue
        described.add(r.subject)
        const versions = subjectDirectoryVersions(dir, r.subject)
        if (versions.length > 0)
          notes.push(...(await engine.seedHistory(r.subject, typeOfVersions(versions, all), versions, [])))
      }
    }
    for (const s of all) {
      const history = against.startsWith('git:')
        ? gitHistory(s.file, against.slice(4))
        : directoryVersions(dir, s.subject, s.file)
      const transitive = levelOf(s)?.endsWith('_TRANSITIVE') ?? false
      notes.push(...(await engine.seedHistory(s.subject, s.type, history, s.references, transitive)))
    }
  }
  for (const s of all) {
    const level = levelOf(s)
    if (level) engine.setLevel(s.subject, level)
  }
  return { engine, notes }
}

function toOutcome(c: Candidate, v: Verdict): CheckOutcome {
  const base = {
    subject: c.subject,
    file: c.file,
    type: c.type,
    ...(v.level ? { level: v.level } : {}),
    ...(v.previousVersions !== undefined ? { previousVersions: v.previousVersions } : {}),
    messages: v.messages,
  }
  if (v.compatible) return { ...base, status: 'compatible', findings: [] }
  const parsed = parseMessages(v.messages)
  if (parsed.onlyFreeText) return { ...base, status: 'invalid', error: v.messages.join('; '), findings: [] }
  const findings = parsed.violations.map((x): Finding => explain(c.type, x, c.schema, parsed.oldSchema))
  return {
    ...base,
    ...(parsed.level && !base.level ? { level: parsed.level } : {}),
    status: 'incompatible',
    ...(parsed.oldSchemaVersion !== undefined ? { failedVersion: parsed.oldSchemaVersion } : {}),
    findings,
  }
}

function writeReport(file: string, text: string): void {
  try {
    mkdirSync(dirname(resolve(file)), { recursive: true })
    writeFileSync(file, text)
  } catch (e) {
    throw new InfrastructureError(
      `cannot write the report ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    )
  }
}

/** `registrum check`. */
export async function check(argv: string[]): Promise<number> {
  const args = parseCheckArgs(argv)
  if (args.help) {
    process.stdout.write(CHECK_HELP)
    return EXIT.OK
  }
  const connection = connectionFrom(args.values, process.env)
  if (args.against !== undefined && args.values.registry !== undefined) {
    throw new UsageError('use either --registry (online) or --against (offline), not both')
  }
  if (args.against === undefined && !connection)
    throw new UsageError('pass --registry URL to check online, or --against BASELINE to check offline')
  if (args.against === undefined && args.level)
    throw new UsageError("--level applies offline only; online checks use the registry's level")
  const { targets, project } = selectSubjects(args)
  const targetNames = new Set(targets.map((t) => t.subject))
  // Subjects the targets reference (from the project) are seeded and staged too, so that offline
  // checks resolve references to the working-tree version of each referenced schema.
  const involved = dependencyOrder(withDependencies(targets, project), (what) => {
    throw new InfrastructureError(what)
  })
  let engine: CompatEngine
  if (args.against !== undefined) {
    const offline = await offlineEngine(args, involved, project)
    for (const n of offline.notes) process.stderr.write(`registrum: note: ${n}\n`)
    engine = offline.engine
  } else {
    engine = new OnlineEngine(new RegistryCalls(connection!))
  }
  const outcomes: CheckOutcome[] = []
  for (const s of involved) {
    if (!targetNames.has(s.subject) && !engine.stage) continue
    const candidate = readSchema(s)
    if (targetNames.has(s.subject)) outcomes.push(toOutcome(candidate, await engine.check(candidate)))
    await engine.stage?.(candidate)
  }
  const report = renderReport(outcomes, args.format)
  for (const r of args.reports) writeReport(r.file, renderReport(outcomes, r.format))
  if (args.output !== undefined) {
    writeReport(args.output, report)
    if (args.format !== 'text') process.stdout.write(renderReport(outcomes, 'text'))
  } else process.stdout.write(report)
  return outcomes.every((o) => o.status === 'compatible') ? EXIT.OK : EXIT.FAILED
}

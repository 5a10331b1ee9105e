import { existsSync, readFileSync } from 'node:fs'
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { parseLevel, type CompatibilityLevel } from '../compat/levels.js'
import { SCHEMA_TYPES, type SchemaType } from '../formats/format.js'
import { InfrastructureError } from './errors.js'

/** A reference from one project subject to another (or to a subject already in the registry). */
export interface ProjectReference {
  /** Avro full name, Protobuf import path or JSON Schema `$ref`, as the schema spells it. */
  readonly name: string
  readonly subject: string
  /** A concrete version; absent means the latest. */
  readonly version?: number
}

/** One subject of the project: which file holds its schema and how it is checked. */
export interface ProjectSubject {
  readonly subject: string
  /** Absolute path of the schema file. */
  readonly file: string
  readonly type: SchemaType
  readonly level?: CompatibilityLevel
  readonly references: readonly ProjectReference[]
  readonly metadata?: Record<string, unknown>
  readonly ruleSet?: Record<string, unknown>
}

/** A loaded project file; `subjects` are in dependency order (referenced subjects first). */
export interface Project {
  readonly path: string
  readonly level?: CompatibilityLevel
  readonly subjects: readonly ProjectSubject[]
}

export const PROJECT_FILES = ['registrum.yaml', 'registrum.yml', 'registrum.json'] as const

const EXTENSION_TYPES: Record<string, SchemaType> = { '.avsc': 'AVRO', '.proto': 'PROTOBUF', '.json': 'JSON' }

/** The schema type a file's extension implies, if any. */
export function typeFromExtension(file: string): SchemaType | undefined {
  return EXTENSION_TYPES[extname(file).toLowerCase()]
}

/** Parses a `--type` value or a project `type:` (case-insensitive; JSONSCHEMA is accepted for JSON). */
export function parseType(value: unknown): SchemaType | undefined {
  if (typeof value !== 'string') return undefined
  const upper = value.toUpperCase()
  if (upper === 'JSONSCHEMA' || upper === 'JSON_SCHEMA') return 'JSON'
  return (SCHEMA_TYPES as readonly string[]).includes(upper) ? (upper as SchemaType) : undefined
}

/** The project file in `dir`, if there is one. */
export function findProjectFile(dir: string): string | undefined {
  return PROJECT_FILES.map((name) => join(dir, name)).find((p) => existsSync(p))
}

/** Reads and validates a project file. Errors say which subject and key are wrong. */
export function loadProject(path: string): Project {
  let raw: unknown
  try {
    const text = readFileSync(path, 'utf8')
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)
  } catch (e) {
    throw new InfrastructureError(`cannot read project file ${path}: ${(e as Error).message}`)
  }
  const fail = (what: string): never => {
    throw new InfrastructureError(`${path}: ${what}`)
  }
  if (!isObject(raw)) return fail('expected a mapping with a `subjects` key')
  const level =
    raw.level === undefined ? undefined : (parseLevel(raw.level) ?? fail(`unknown level '${String(raw.level)}'`))
  if (!isObject(raw.subjects)) return fail('`subjects` must map subject names to { file, type, level, references }')
  const base = dirname(resolve(path))
  const subjects: ProjectSubject[] = []
  for (const [subject, entry] of Object.entries(raw.subjects)) {
    const spec: Record<string, unknown> = typeof entry === 'string' ? { file: entry } : isObject(entry) ? entry : {}
    if (typeof spec.file !== 'string') fail(`subject '${subject}': \`file\` is required`)
    const file = isAbsolute(spec.file as string) ? (spec.file as string) : join(base, spec.file as string)
    const type =
      spec.type === undefined
        ? (typeFromExtension(file) ??
          fail(`subject '${subject}': cannot tell the type of ${spec.file as string}; set \`type\``))
        : (parseType(spec.type) ?? fail(`subject '${subject}': unknown type '${String(spec.type)}'`))
    const subjectLevel =
      spec.level === undefined
        ? undefined
        : (parseLevel(spec.level) ?? fail(`subject '${subject}': unknown level '${String(spec.level)}'`))
    const refs = spec.references ?? []
    if (!Array.isArray(refs)) fail(`subject '${subject}': \`references\` must be a list`)
    const references = (refs as unknown[]).map((r, i): ProjectReference => {
      if (!isObject(r) || typeof r.name !== 'string' || typeof r.subject !== 'string') {
        return fail(`subject '${subject}': reference ${i + 1} needs \`name\` and \`subject\``)
      }
      if (r.version !== undefined && !(Number.isInteger(r.version) && (r.version as number) > 0)) {
        fail(`subject '${subject}': reference '${r.name}' has a bad version`)
      }
      return { name: r.name, subject: r.subject, ...(r.version !== undefined ? { version: r.version as number } : {}) }
    })
    subjects.push({
      subject,
      file,
      type,
      ...(subjectLevel ? { level: subjectLevel } : {}),
      references,
      ...(isObject(spec.metadata) ? { metadata: spec.metadata } : {}),
      ...(isObject(spec.ruleSet) ? { ruleSet: spec.ruleSet } : {}),
    })
  }
  return { path, ...(level ? { level } : {}), subjects: dependencyOrder(subjects, fail) }
}

/** Referenced subjects before their referrers; a cycle is an error. */
export function dependencyOrder<T extends { subject: string; references: readonly { subject: string }[] }>(
  items: readonly T[],
  fail: (what: string) => never,
): T[] {
  const bySubject = new Map(items.map((s) => [s.subject, s]))
  const out: T[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (s: T, path: string[]) => {
    const seen = state.get(s.subject)
    if (seen === 'done') return
    if (seen === 'visiting') fail(`reference cycle: ${[...path, s.subject].join(' -> ')}`)
    state.set(s.subject, 'visiting')
    for (const r of s.references) {
      const dep = bySubject.get(r.subject)
      if (dep) visit(dep, [...path, s.subject])
    }
    state.set(s.subject, 'done')
    out.push(s)
  }
  for (const s of items) visit(s, [])
  return out
}

/** A path for messages and annotations: relative to the working directory when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file)
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split('\\').join('/')
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

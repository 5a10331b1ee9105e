import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { checkLevel, type CompatibilityLevel, type LevelResult } from '../../src/compat/levels.js'
import type { CompatOptions, ResolvedRef, SchemaFormat, SchemaType } from '../../src/formats/format.js'

/** The shared corpus sits beside the project, never copied into it. */
export const CONFORMANCE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'conformance')

export interface VectorRef {
  name: string
  subject: string
  version: number
  schema: string | null
  references?: VectorRef[]
  wellKnown?: boolean
}

export interface Vector {
  id: string
  schemaType: SchemaType
  level: CompatibilityLevel | { reader: 'candidate'; writer: 'previous' }
  previous: string[]
  candidate: string
  expected: boolean
  expectedLenient?: boolean
  expectedMessages?: string[]
  expectedMessagesMatch?: 'exact' | 'unordered' | 'subset' | 'kinds-only'
  references?: VectorRef[]
  previousReferences?: (VectorRef[] | null)[]
  wellKnownImports?: string[]
  metadata?: { previous?: (Record<string, unknown> | null)[]; candidate?: Record<string, unknown> | null }
  note?: string
}

export function loadVectors(file: string): Vector[] {
  return readFileSync(join(CONFORMANCE_DIR, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Vector)
}

/**
 * A vector's references as the registry would resolve them: the transitive closure, dependencies
 * first, first binding of a name wins. Well-known files with no text are left to the format.
 */
export function resolveVectorRefs(refs: VectorRef[] | null | undefined, type: SchemaType): ResolvedRef[] {
  const out: ResolvedRef[] = []
  const seen = new Set<string>()
  const visit = (list: VectorRef[] | null | undefined) => {
    for (const r of list ?? []) {
      if (seen.has(r.name)) continue
      seen.add(r.name)
      visit(r.references)
      if (r.schema !== null)
        out.push({ name: r.name, subject: r.subject, version: r.version, schema: r.schema, schemaType: type })
    }
  }
  visit(refs)
  return out
}

/**
 * Runs a vector through the same level composition the registry uses. The reader/writer form is
 * a BACKWARD check against the single previous version.
 */
export function evaluate(format: SchemaFormat, v: Vector, options?: CompatOptions): LevelResult {
  const level: CompatibilityLevel = typeof v.level === 'string' ? v.level : 'BACKWARD'
  const withMeta = <T extends object>(parsed: T, meta: Record<string, unknown> | null | undefined) =>
    meta ? { ...parsed, metadata: meta } : parsed
  const candidate = withMeta(
    format.parse(v.candidate, resolveVectorRefs(v.references, v.schemaType), 'stored'),
    v.metadata?.candidate,
  )
  const previous = v.previous.map((text, i) => {
    const parsed = withMeta(
      format.parse(text, resolveVectorRefs(v.previousReferences?.[i] ?? v.references, v.schemaType), 'stored'),
      v.metadata?.previous?.[i],
    )
    return { version: i + 1, schema: parsed, canonical: format.canonicalize(parsed) }
  })
  return checkLevel(format, level, candidate, previous, options)
}

/** Vector ids listed in known-differences.md under `## <section>`, with their reasons. */
export function knownDifferences(section: 'Avro' | 'Protobuf' | 'JSON Schema'): Map<string, string> {
  const text = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'known-differences.md'), 'utf8')
  const body = text.split(/^## /m).find((part) => part.startsWith(`${section}\n`)) ?? ''
  const rows = new Map<string, string>()
  for (const line of body.split('\n')) {
    const m = /^\|\s*`?([\w-]+)`?\s*\|\s*(.+?)\s*\|\s*$/.exec(line)
    if (m && m[1] !== 'id' && !/^-+$/.test(m[1]!)) rows.set(m[1]!, m[2]!)
  }
  return rows
}

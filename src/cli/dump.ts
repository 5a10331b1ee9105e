import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SchemaType } from '../formats/format.js'
import { InfrastructureError } from './errors.js'

/**
 * The export format, shared by `export`, `import` and `check --against`. A JSON-lines file holds
 * the header, then configs, modes, schema versions, KEKs and DEKs, one record a line; a
 * directory holds `manifest.json` (header, configs, modes, KEKs, DEKs) and
 * `subjects/<subject>/<version>.json`.
 */
export interface DumpHeader {
  readonly kind: 'registrum-export'
  readonly formatVersion: 1
  readonly source?: string
  readonly exportedAt: string
}

export interface DumpReference {
  readonly name: string
  readonly subject: string
  readonly version: number
}

/** One subject-version, soft-deleted ones included (`deleted: true`). */
export interface DumpSchema {
  readonly kind: 'schema'
  readonly subject: string
  readonly version: number
  readonly id: number
  readonly schemaType: SchemaType
  readonly schema: string
  readonly references: readonly DumpReference[]
  readonly metadata?: Record<string, unknown>
  readonly ruleSet?: Record<string, unknown>
  readonly deleted: boolean
}

/** A config as `GET /config[/{scope}]` shows it. `scope` is '' for the global config. */
export interface DumpConfig {
  readonly kind: 'config'
  readonly scope: string
  readonly config: Record<string, unknown>
}

/** A mode set at a scope ('' for global). */
export interface DumpMode {
  readonly kind: 'mode'
  readonly scope: string
  readonly mode: string
}

/** A KEK of the DEK registry, soft-deleted ones included (`deleted: true`). */
export interface DumpKek {
  readonly kind: 'kek'
  readonly name: string
  readonly kmsType: string
  readonly kmsKeyId: string
  readonly kmsProps: Record<string, string>
  readonly doc?: string
  readonly shared: boolean
  readonly deleted: boolean
}

/** A DEK version of the DEK registry: its wrapped key material only, never an unwrapped key. */
export interface DumpDek {
  readonly kind: 'dek'
  readonly kekName: string
  readonly subject: string
  readonly version: number
  readonly algorithm: string
  readonly encryptedKeyMaterial: string
  readonly deleted: boolean
}

export interface Dump {
  readonly header: DumpHeader
  readonly configs: readonly DumpConfig[]
  readonly modes: readonly DumpMode[]
  readonly schemas: readonly DumpSchema[]
  /** Absent from exports of registries without a DEK registry, and from older exports. */
  readonly keks?: readonly DumpKek[]
  readonly deks?: readonly DumpDek[]
}

export const MANIFEST = 'manifest.json'

/** The JSON-lines text of an export. */
export function dumpLines(dump: Dump): string {
  const records = [
    dump.header,
    ...dump.configs,
    ...dump.modes,
    ...dump.schemas,
    ...(dump.keks ?? []),
    ...(dump.deks ?? []),
  ]
  return `${records.map((r) => JSON.stringify(r)).join('\n')}\n`
}

export function writeDump(dump: Dump, target: string, layout: 'jsonl' | 'dir'): void {
  if (layout === 'jsonl') {
    writeFileSync(target, dumpLines(dump))
    return
  }
  mkdirSync(join(target, 'subjects'), { recursive: true })
  const manifest = {
    ...dump.header,
    configs: dump.configs,
    modes: dump.modes,
    keks: dump.keks ?? [],
    deks: dump.deks ?? [],
  }
  writeFileSync(join(target, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`)
  for (const s of dump.schemas) {
    const dir = join(target, 'subjects', encodeURIComponent(s.subject))
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, `${s.version}.json`), `${JSON.stringify(s, null, 2)}\n`)
  }
}

/** True when `path` is an export (a JSON-lines file or a directory with a manifest). */
export function isDump(path: string): boolean {
  try {
    if (statSync(path).isDirectory()) return statSync(join(path, MANIFEST)).isFile()
    const first = readFileSync(path, 'utf8').split('\n', 1)[0] ?? ''
    return (JSON.parse(first) as { kind?: unknown }).kind === 'registrum-export'
  } catch {
    return false
  }
}

export function readDump(path: string): Dump {
  try {
    return statSync(path).isDirectory() ? readDir(path) : readJsonl(path)
  } catch (e) {
    if (e instanceof InfrastructureError) throw e
    throw new InfrastructureError(`cannot read export ${path}: ${(e as Error).message}`)
  }
}

function readJsonl(path: string): Dump {
  const records = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as { kind?: string }
      } catch (e) {
        throw new InfrastructureError(`${path}:${i + 1}: ${(e as Error).message}`)
      }
    })
  const header = records[0] as DumpHeader | undefined
  if (header?.kind !== 'registrum-export') throw new InfrastructureError(`${path} is not a registrum export`)
  return {
    header,
    configs: records.filter((r): r is DumpConfig => r.kind === 'config'),
    modes: records.filter((r): r is DumpMode => r.kind === 'mode'),
    schemas: records.filter((r): r is DumpSchema => r.kind === 'schema'),
    keks: records.filter((r): r is DumpKek => r.kind === 'kek'),
    deks: records.filter((r): r is DumpDek => r.kind === 'dek'),
  }
}

function readDir(path: string): Dump {
  const manifest = JSON.parse(readFileSync(join(path, MANIFEST), 'utf8')) as DumpHeader & {
    configs?: DumpConfig[]
    modes?: DumpMode[]
    keks?: DumpKek[]
    deks?: DumpDek[]
  }
  if (manifest.kind !== 'registrum-export')
    throw new InfrastructureError(`${path}/${MANIFEST} is not a registrum export`)
  const { configs = [], modes = [], keks = [], deks = [], ...header } = manifest
  const schemas: DumpSchema[] = []
  const root = join(path, 'subjects')
  for (const subjectDir of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, subjectDir)).filter((f) => f.endsWith('.json'))) {
      schemas.push(JSON.parse(readFileSync(join(root, subjectDir, file), 'utf8')) as DumpSchema)
    }
  }
  schemas.sort((a, b) => (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version))
  return { header, configs, modes, schemas, keks, deks }
}

/**
 * Versions ordered so that every referenced subject-version comes before its referrers, ties by
 * id then subject and version (the order in which the source most likely registered them).
 */
export function referenceOrder(schemas: readonly DumpSchema[]): DumpSchema[] {
  const key = (subject: string, version: number) => `${subject}\u0000${version}`
  const byKey = new Map(schemas.map((s) => [key(s.subject, s.version), s]))
  const sorted = [...schemas].sort(
    (a, b) => a.id - b.id || (a.subject < b.subject ? -1 : a.subject > b.subject ? 1 : a.version - b.version),
  )
  const done = new Set<string>()
  const out: DumpSchema[] = []
  const visit = (s: DumpSchema, depth: number) => {
    const k = key(s.subject, s.version)
    if (done.has(k) || depth > schemas.length) return
    for (const r of s.references) {
      const dep = byKey.get(key(r.subject, r.version))
      if (dep) visit(dep, depth + 1)
    }
    if (!done.has(k)) {
      done.add(k)
      out.push(s)
    }
  }
  for (const s of sorted) visit(s, 0)
  return out
}

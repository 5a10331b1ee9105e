import { readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as serde from './index.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = resolve(HERE, '../..')

/** Every module `file` reaches through static imports (type-only imports excluded). */
function reach(
  file: string,
  seen = new Set<string>(),
  packages = new Set<string>(),
): { files: Set<string>; packages: Set<string> } {
  if (seen.has(file)) return { files: seen, packages }
  seen.add(file)
  const text = readFileSync(file, 'utf8')
  for (const m of text.matchAll(/^(?:import|export)\s+(?!type\b)[^'"]*?from\s+'([^']+)'|^import\s+'([^']+)'/gm)) {
    const spec = m[1] ?? m[2]!
    if (spec.startsWith('.')) reach(resolve(dirname(file), spec.replace(/\.js$/, '.ts')), seen, packages)
    else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!)
  }
  return { files: seen, packages }
}

describe('registrum/serde entry', () => {
  it('reaches only serde and formats code, and no server package', () => {
    const { files, packages } = reach(resolve(HERE, 'index.ts'))
    const outside = [...files]
      .map((f) => relative(ROOT, f))
      .filter((f) => !f.startsWith('src/serde/') && !f.startsWith('src/formats/'))
    expect(outside).toEqual([])
    expect(files.size).toBeGreaterThan(10)
    for (const banned of ['fastify', 'better-sqlite3', 'kafkajs']) expect(packages).not.toContain(banned)
  })

  it('loads the CEL and JSONata libraries only when a schema has rules', () => {
    const { packages } = reach(resolve(HERE, 'index.ts'))
    expect(packages).not.toContain('@bufbuild/cel')
    expect(packages).not.toContain('jsonata')
  })

  it('exports the serializers, clients and kafkajs helpers', () => {
    for (const name of [
      'avroSerializer',
      'avroDeserializer',
      'protobufSerializer',
      'protobufDeserializer',
      'jsonSerializer',
      'jsonDeserializer',
      'HttpSchemaRegistryClient',
      'InMemorySchemaRegistryClient',
      'SerdeError',
      'serializeMessages',
      'deserializeBatch',
      'createRuleEngine',
      'RuleEngine',
      'dlqAction',
      'producerSink',
      'encryptionExecutors',
      'FieldEncryption',
      'DekRegistryClient',
      'registerKmsDriver',
      'localKmsDriver',
    ])
      expect(serde).toHaveProperty(name)
  })
})

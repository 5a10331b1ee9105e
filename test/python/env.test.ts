/**
 * scripts/python/env.sh, which `npm test` and .ci/run call: the project-local .venv/ holds the
 * Python peers of the interop tests, and a second run reuses it without installing anything.
 */
import { execFile, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SCRIPT = fileURLToPath(new URL('../../scripts/python/env.sh', import.meta.url))
const VENV_PYTHON = fileURLToPath(new URL('../../.venv/bin/python', import.meta.url))
const hasPython = spawnSync('python3', ['--version']).error === undefined

const prepare = () =>
  new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile('bash', [SCRIPT], { cwd: ROOT, env: { ...process.env, CI: 'true' } }, (error, _stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stderr }),
    )
  })

describe.runIf(hasPython || process.env.CI === 'true')('the Python test environment', () => {
  it('is prepared in .venv/ with the requirements, then reused as it is', async () => {
    const first = await prepare() // installs only if npm test has not prepared it yet
    expect(first.code, first.stderr).toBe(0)
    expect(existsSync(VENV_PYTHON)).toBe(true)
    const imports = spawnSync(
      VENV_PYTHON,
      ['-c', 'import confluent_kafka.schema_registry, fastavro, google.protobuf, jsonschema, tink'],
      { encoding: 'utf8' },
    )
    expect(imports.status, imports.stderr).toBe(0)
    const again = await prepare()
    expect(again).toEqual({ code: 0, stderr: '' })
  }, 600_000)
})

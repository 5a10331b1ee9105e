/**
 * Python confluent-kafka's DekRegistryClient against Registrum (test/python/dek_registry.py),
 * in the project's .venv (scripts/python/env.sh). Skipped visibly without it; a failure under CI.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describePython, PYTHON } from '../serde/python.js'
import { startServer, type TestServer } from '../support/server.js'

const SCRIPT = fileURLToPath(new URL('../python/dek_registry.py', import.meta.url))

describePython("Python confluent-kafka's DekRegistryClient against Registrum", () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(async () => {
    await server.close()
  })

  it('registers and reads KEKs and DEK versions, and understands the refusals', async () => {
    // Asynchronously: the server answers from this process.
    const run = await promisify(execFile)(PYTHON, [SCRIPT, server.url], { encoding: 'utf8', timeout: 60_000 })
    expect(run.stderr).toBe('')
    const out = JSON.parse(run.stdout) as Record<string, Record<string, unknown> | string | null>
    expect(out.kek).toMatchObject({
      name: 'py_kek',
      kmsType: 'aws-kms',
      kmsKeyId: 'arn:aws:kms:eu:1:key/py',
      kmsProps: { region: 'eu' },
      doc: 'py',
      shared: false,
      deleted: false,
    })
    expect(out.got_kek).toEqual(out.kek)
    expect(out.v1).toMatchObject({ kekName: 'py_kek', subject: 'py-value', version: 1, algorithm: 'AES256_GCM' })
    expect(out.v1).not.toHaveProperty('keyMaterial')
    expect(out.got_v1).toEqual(out.v1)
    expect(out.latest).toEqual(out.v2)
    expect(out.v1_bytes).toBe('wrapped-by-python')
    expect(out.unknown_kek).toEqual({ status: 404, code: 40470 })
    expect(out.unknown_dek).toEqual({ status: 404, code: 40470 })
    expect(out.conflict).toEqual({ status: 409, code: 40971 })
    expect(out.shared).toEqual({ status: 422, code: 42271 })
  })
})

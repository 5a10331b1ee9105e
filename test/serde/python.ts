/**
 * Drives test/python/serde_interop.py (Python confluent-kafka serializers) over stdin/stdout.
 * The Python is the project's `.venv/` that scripts/python/env.sh prepares (`npm test` runs it),
 * or `$PYTHON`. Without it the tests are skipped visibly; under CI that is a failure.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'vitest'

const SCRIPT = fileURLToPath(new URL('../python/serde_interop.py', import.meta.url))
const VENV_PYTHON = fileURLToPath(new URL('../../.venv/bin/python', import.meta.url))
export const PYTHON = process.env.PYTHON ?? (existsSync(VENV_PYTHON) ? VENV_PYTHON : 'python3')

export function pythonUnavailableReason(): string | undefined {
  const res = spawnSync(
    PYTHON,
    ['-c', 'import confluent_kafka.schema_registry, fastavro, google.protobuf, jsonschema, tink'],
    { encoding: 'utf8' },
  )
  if (res.error !== undefined) return `${PYTHON} is not installed`
  if (res.status !== 0)
    return `Python confluent-kafka is missing (run scripts/python/env.sh): ${res.stderr.trim().split('\n').pop()}`
  return undefined
}

export function describePython(name: string, body: () => void): void {
  const reason = pythonUnavailableReason()
  if (reason === undefined) describe(name, body)
  else if (process.env.CI === 'true') {
    describe(name, () =>
      it('has Python confluent-kafka to run against', () => {
        throw new Error(`${reason}; CI must run these tests`)
      }),
    )
  } else {
    console.warn(`[python] skipping "${name}": ${reason}`)
    describe.skip(name, body)
  }
}

export interface PythonSerde {
  serialize(req: Record<string, unknown>): Promise<Buffer>
  deserialize(req: Record<string, unknown>): Promise<unknown>
  close(): void
}

/** One long-lived Python process answering one JSON line per request, in order. */
export function startPythonSerde(url: string): PythonSerde {
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString()
  })
  const waiting: { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }[] = []
  createInterface({ input: child.stdout }).on('line', (line) => {
    const res = JSON.parse(line) as Record<string, unknown>
    const w = waiting.shift()
    if (typeof res.error === 'string') w?.reject(new Error(`python: ${res.error}`))
    else w?.resolve(res)
  })
  child.once('exit', (code) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`python exited with ${code}: ${stderr}`))
  })
  const call = (req: Record<string, unknown>): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      waiting.push({ resolve, reject })
      child.stdin.write(`${JSON.stringify({ url, ...req })}\n`)
    })
  return {
    serialize: async (req) => Buffer.from((await call({ op: 'serialize', ...req })).hex as string, 'hex'),
    deserialize: async (req) => (await call({ op: 'deserialize', ...req })).value,
    close: () => {
      child.stdin.end()
    },
  }
}

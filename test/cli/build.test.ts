/**
 * `npm start` and `npm test` build first: with the sources unchanged, the build must be an
 * up-to-date check that writes nothing, so a second start answers at once.
 */
import { execFile } from 'node:child_process'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from './cli.js'

const npmRunBuild = () =>
  new Promise<string>((resolve, reject) => {
    execFile('npm', ['run', '--silent', 'build', '--', '--verbose'], { cwd: ROOT }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout + stderr),
    )
  })

describe('npm run build', () => {
  it('writes nothing when no source changed since the last build', async () => {
    await npmRunBuild() // whatever changed since the last build is built now
    const outputs = ['dist/src/main.js', 'dist/src/cli/main.js', 'dist/src/store/kafka/kafka-store.js'].map((p) =>
      join(ROOT, p),
    )
    const before = outputs.map((p) => statSync(p).mtimeMs)
    const log = await npmRunBuild()
    expect(log).toMatch(/is up to date/)
    expect(outputs.map((p) => statSync(p).mtimeMs)).toEqual(before)
  })
})

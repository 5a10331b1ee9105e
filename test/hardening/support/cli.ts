// Runs `registrum serve` from source, for tests that need the server in a child process.
import { serve } from '../../../src/cli/serve.js'

serve(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.stderr.write(`registrum: ${(error as Error)?.stack ?? String(error)}\n`)
    process.exitCode = 2
  },
)

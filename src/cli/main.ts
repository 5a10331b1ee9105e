import { check } from './check/command.js'
import { StartupError } from '../startup-error.js'
import { EXIT, InfrastructureError, UsageError } from './errors.js'
import { exportCommand } from './transfer/export.js'
import { importCommand } from './transfer/import.js'
import { hashPasswordCommand } from './hash-password.js'
import { register } from './register.js'
import { SchemaRegistryError } from './registry-calls.js'

const HELP = `Usage: registrum <command> [options]

A Confluent-compatible schema registry, and the tools to keep schemas compatible in CI.

Commands:
  serve      start the schema registry
  check      check schema files for compatibility, online or offline (git, directory, export)
  register   register the project's schemas, references first (idempotent; --dry-run)
  export     dump every subject, version, id, config and mode to a directory or JSON-lines file
  import     load an export into a registry, keeping ids and versions (IMPORT mode)
  hash-password  print the scrypt hash of a password read from standard input, for the users file

Run 'registrum <command> --help' for a command's options and examples.

Exit codes:
  0  success (every schema compatible)
  1  a check failed: a schema is incompatible or invalid, or a registration was refused
  2  usage error, or the command could not run (unreachable registry, unreadable file)
`

/** The `registrum` command: dispatches to a subcommand and maps failures to exit codes. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'serve': {
        // Loaded only here, so the CI commands never load the server and its stores.
        const { serve } = await import('./serve.js')
        return await serve(rest)
      }
      case 'hash-password':
        return await hashPasswordCommand(rest)
      case 'check':
        return await check(rest)
      case 'register':
        return await register(rest)
      case 'export':
        return await exportCommand(rest)
      case 'import':
        return await importCommand(rest)
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(HELP)
        return command === undefined ? EXIT.ERROR : EXIT.OK
      default:
        process.stderr.write(`registrum: unknown command '${command}'\n\n${HELP}`)
        return EXIT.ERROR
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`registrum: ${(e as Error).message}\n`)
      return EXIT.ERROR
    }
    if (e instanceof InfrastructureError || e instanceof SchemaRegistryError || e instanceof StartupError) {
      process.stderr.write(`registrum: ${e.message}\n`)
      return EXIT.ERROR
    }
    throw e
  }
}

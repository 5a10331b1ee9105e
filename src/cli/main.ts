import { serve, UsageError } from './serve.js'

const HELP = `Usage: registrum <command> [options]

Commands:
  serve     start the schema registry (registrum serve --help)

Run 'registrum <command> --help' for a command's options.
`

/** The `registrum` command: dispatches to a subcommand and maps failures to exit codes. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  try {
    switch (command) {
      case 'serve':
        return await serve(rest)
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        process.stdout.write(HELP)
        return command === undefined ? 2 : 0
      default:
        process.stderr.write(`registrum: unknown command '${command}'\n\n${HELP}`)
        return 2
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`registrum: ${(e as Error).message}\n`)
      return 2
    }
    throw e
  }
}

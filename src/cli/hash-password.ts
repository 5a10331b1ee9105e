import { parseArgs } from 'node:util'
import { hashPassword } from '../http/auth/password.js'
import { EXIT, UsageError } from './errors.js'

const HELP = `Usage: registrum hash-password < password.txt

Reads a password from standard input (one trailing newline is dropped) and prints its scrypt
hash in the form the users file of --auth-file expects:

  users:
    alice: "scrypt$16384$8$1$<salt>$<hash>"

Examples:
  printf %s 's3cret' | registrum hash-password
  registrum hash-password < ./alice.password
`

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** `registrum hash-password`: the password comes on stdin so it never shows in `ps` or history. */
export async function hashPasswordCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' } }, strict: true })
  if (values.help) {
    process.stdout.write(HELP)
    return EXIT.OK
  }
  if (process.stdin.isTTY) throw new UsageError('hash-password reads the password from standard input; pipe it in')
  const password = (await readStdin()).replace(/\r?\n$/, '')
  if (password === '') throw new UsageError('the password read from standard input is empty')
  process.stdout.write(`${await hashPassword(password)}\n`)
  return EXIT.OK
}

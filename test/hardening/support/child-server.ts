import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url))

export interface ChildServer {
  readonly child: ChildProcess
  readonly url: string
  /** Everything the child wrote to stdout so far. */
  stdout(): string
  /** Resolves once stdout contains `text`. */
  waitFor(text: string): Promise<void>
  /** Resolves with the exit code (or signal) once the child has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** A free TCP port on 127.0.0.1, picked by the OS. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** Starts `registrum serve` from source in a child process and waits for its ready line. */
export async function startChildServer(args: string[]): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '--host', '127.0.0.1', '--log-level', 'silent', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let out = ''
  let err = ''
  const waiters: { text: string; resolve: () => void }[] = []
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk
    for (const w of waiters.filter((w) => out.includes(w.text))) {
      waiters.splice(waiters.indexOf(w), 1)
      w.resolve()
    }
  })
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  )
  const waitFor = (text: string) =>
    out.includes(text)
      ? Promise.resolve()
      : Promise.race([
          new Promise<void>((resolve) => waiters.push({ text, resolve })),
          exited.then((e) => {
            throw new Error(`server exited (${e.code ?? e.signal}) before printing '${text}': ${err}`)
          }),
        ])
  await waitFor('registrum listening on ')
  const url = /listening on (\S+)/.exec(out)![1]!
  return { child, url, stdout: () => out, waitFor, exited }
}

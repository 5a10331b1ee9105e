// Child processes the benches measure or load with: the built registry, bare baselines and the
// load generator (bench/loader.ts), each in its own process.
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { LoadResult, LoadSpec } from './loader.js'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))

/**
 * Starts a child that prints `... http://host:port...` when ready; resolves with that URL. The
 * rest of its stdout (a registry's audit lines, one per write) is read and dropped as it comes:
 * kept, and searched again on every chunk, it cost the bench quadratic time, and a pipe left
 * full would hold the child's log writes back.
 */
export function startChild(command: string, args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let out = ''
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const m = /(http:\/\/[\d.]+:\d+)/.exec(out)
      if (!m) return
      child.stdout!.off('data', onData)
      child.stdout!.resume()
      out = ''
      resolve({ url: m[1]!, child })
    }
    child.stdout!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)))
  })
}

/** Runs a node script (TypeScript through tsx) to its end; resolves with its last stdout line. */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return startScript(script, args, env).lastLine
}

/**
 * Starts a node script (TypeScript through tsx): `lastLine` resolves with its last stdout line
 * once it exits, `firstLine` with its first as soon as it is printed.
 */
function startScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { firstLine: Promise<string>; lastLine: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  })
  let out = ''
  let onFirst: (line: string) => void = () => {}
  const firstLine = new Promise<string>((resolve) => (onFirst = resolve))
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString()
    const end = out.indexOf('\n')
    if (end >= 0) onFirst(out.slice(0, end))
  })
  const lastLine = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => {
      if (code === 0) resolve(out.trim().split('\n').at(-1) ?? '')
      else reject(new Error(`${script} exited with ${code}`))
    })
  })
  // A script that fails before its first line rejects through `lastLine`; `firstLine` then never
  // settles, so callers race the two.
  return { firstLine, lastLine }
}

/** Runs the load generator in its own process. */
export async function load(spec: LoadSpec): Promise<LoadResult> {
  return startLoad(spec).done
}

/**
 * Starts the load generator in its own process: `firing` resolves once it has started its
 * TypeScript, its client and its first requests (what it prints first), `done` with its results.
 */
export function startLoad(spec: LoadSpec): { firing: Promise<void>; done: Promise<LoadResult> } {
  const { firstLine, lastLine } = startScript('bench/loader.ts', [JSON.stringify(spec)])
  const done = lastLine.then((line) => JSON.parse(line) as LoadResult)
  return { firing: Promise.race([firstLine.then(() => {}), done.then(() => {})]), done }
}

/** Steady GETs from their own process, timed each to a fraction of a millisecond (bench/prober.ts). */
export async function probe(spec: {
  url: string
  path: string
  rate: number
  seconds: number
  connections: number
}): Promise<{ count: number; p50: number; p99: number; max: number }> {
  return JSON.parse(await runScript('bench/prober.ts', [JSON.stringify(spec)])) as {
    count: number
    p50: number
    p99: number
    max: number
  }
}

/** Starts the built registry on a SQLite file. */
export function startRegistry(db: string, extra: string[] = []) {
  return startChild('node', ['bin/registrum.js', 'serve', '--port', '0', '--db', db, ...extra])
}

/**
 * CPU milliseconds process `pid` has used, all its threads, or only its main thread (the event
 * loop) with `mainThread`; undefined where /proc is not there (Linux only).
 */
export function cpuMs(pid: number, { mainThread = false }: { mainThread?: boolean } = {}): number | undefined {
  try {
    const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime, in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10
  } catch {
    return undefined
  }
}

export const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}
/** `min–max` of a set of figures, for the spread beside a median. */
export const spread = (xs: readonly number[], digits = 0) =>
  `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`

import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

/**
 * Starts the worker thread whose compiled file is `url` (resolved by the caller against its own
 * `import.meta.url`). Run from TypeScript source (the test runner), the thread registers the same
 * TypeScript loader before importing the source file.
 */
export function startThread(url: URL, workerData: unknown): Worker {
  if (!import.meta.url.endsWith('.ts')) return new Worker(url, { workerData })
  const source = url.href.replace(/\.js$/, '.ts')
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href.replace(/\.cjs$/, '.mjs')
  const code = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(source)}) })`
  return new Worker(code, { eval: true, workerData })
}

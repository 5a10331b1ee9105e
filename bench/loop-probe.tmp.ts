import { readFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { load, startChild } from './children.js'

const ticks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return Number(f[11]) + Number(f[12])
}
const headers = { 'content-type': 'application/vnd.schemaregistry.v1+json' }
const field = (i: number) => ({ name: `f${i}`, type: ['null', 'string'], default: null })
const record = (n: number) => JSON.stringify({ type: 'record', name: 'Check', fields: Array.from({ length: n }, (_, i) => field(i)) })
for (const threads of (process.env.T ?? '0,1').split(',')) {
  const dir = mkdtempSync(join(tmpdir(), 'loop-'))
  const r = await startChild('node', ['bin/registrum.js', 'serve', '--port', '0', '--db', join(dir, 'db'), '--parse-threads', threads])
  const url = r.url
  await fetch(`${url}/config/checked`, { method: 'PUT', headers, body: JSON.stringify({ compatibility: 'FULL_TRANSITIVE' }) })
  for (let v = 1; v <= 30; v++) await fetch(`${url}/subjects/checked/versions`, { method: 'POST', headers, body: JSON.stringify({ schema: record(v) }) })
  const pid = r.child.pid!
  for (const [name, spec] of [
    ['register', { url, kind: 'register', path: '/subjects/load', connections: 16, seconds: 4 }],
    ['check', { url, kind: 'post', path: '/compatibility/subjects/checked/versions/latest', body: JSON.stringify({ schema: record(31) }), connections: 2, seconds: 4 }],
    ['check-all', { url, kind: 'post', path: '/compatibility/subjects/checked/versions', body: JSON.stringify({ schema: record(31) }), connections: 2, seconds: 4 }],
  ] as const) {
    const t0 = ticks(pid)
    const res = await load(spec as never)
    const ms = (ticks(pid) - t0) * 10
    console.log(`threads=${threads} ${name}: ${res.total} requests, ${(res.rps).toFixed(0)}/s, event loop CPU ${(1000 * ms / res.total).toFixed(0)} µs/request`)
  }
  r.child.kill()
}

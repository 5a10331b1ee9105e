import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startServer } from '../support/server.js'
import { freePort, startChildServer } from './support/child-server.js'

const CLIENTS = 12
/** Acknowledged registrations after which the server is killed. */
const KILL_AFTER = 150

const dir = mkdtempSync(join(tmpdir(), 'registrum-fault-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Ack {
  readonly client: number
  readonly seq: number
  readonly subject: string
  readonly id: number
}

describe('crash under load', () => {
  it('keeps every acknowledged registration, with its id, across a SIGKILL', async () => {
    const db = join(dir, 'registrum.db')
    const port = await freePort()
    const server = await startChildServer(['--port', String(port), '--db', db])
    const acks: Ack[] = []
    let failed = 0
    let killed = false

    const client = async (c: number) => {
      for (let seq = 0; ; seq++) {
        const subject = `fault-${c}-${seq}`
        const schema = JSON.stringify({ type: 'record', name: `R${c}_${seq}`, fields: [{ name: 'n', type: 'int' }] })
        try {
          const res = await fetch(`${server.url}/subjects/${subject}/versions`, {
            method: 'POST',
            headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
            body: JSON.stringify({ schema }),
          })
          if (res.status !== 200) throw new Error(`status ${res.status}`)
          const { id } = (await res.json()) as { id: number }
          acks.push({ client: c, seq, subject, id })
          if (acks.length >= KILL_AFTER && !killed) {
            killed = true
            server.child.kill('SIGKILL')
          }
        } catch {
          // The server died under this request: it was never acknowledged.
          failed++
          return
        }
      }
    }
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)))
    expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' })

    const restarted = await startServer({ db })
    let present = 0
    let lost = 0
    for (const ack of acks) {
      const res = await fetch(`${restarted.url}/subjects/${ack.subject}/versions/1`)
      const body = res.status === 200 ? ((await res.json()) as { id: number }) : undefined
      if (body?.id === ack.id) present++
      else lost++
    }
    const subjects = (await (await fetch(`${restarted.url}/subjects`)).json()) as string[]
    const ids: number[] = []
    for (const s of subjects)
      ids.push(((await (await fetch(`${restarted.url}/subjects/${s}/versions/1`)).json()) as { id: number }).id)
    const after = (await (
      await fetch(`${restarted.url}/subjects/after-crash/versions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ schema: '"string"' }),
      })
    ).json()) as { id: number }
    await restarted.close()

    console.log(
      `crash under load: acknowledged ${acks.length}, present ${present}, lost ${lost}, ` +
        `requests cut by the kill ${failed}, subjects after restart ${subjects.length}`,
    )
    expect(lost).toBe(0)
    expect(present).toBe(acks.length)
    expect(acks.length).toBeGreaterThanOrEqual(KILL_AFTER)
    expect(new Set(ids).size).toBe(ids.length)
    for (let c = 0; c < CLIENTS; c++) {
      const mine = acks.filter((a) => a.client === c).map((a) => a.id)
      expect(mine).toEqual([...mine].sort((a, b) => a - b))
    }
    expect(after.id).toBeGreaterThan(Math.max(...ids))
  })

  it('keeps every acknowledged DEK, with its material, across a SIGKILL', async () => {
    const db = join(dir, 'deks.db')
    const port = await freePort()
    const server = await startChildServer(['--port', String(port), '--db', db])
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}/dek-registry/v1/keks${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify(body),
      })
    expect((await post('', { name: 'crash_kek', kmsType: 'aws-kms', kmsKeyId: 'arn:k' })).status).toBe(200)
    const acks: { subject: string; version: number; material: string }[] = []
    let killed = false
    const client = async (c: number) => {
      for (let version = 1; ; version++) {
        const material = Buffer.from(`dek-${c}-${version}`).toString('base64')
        try {
          const res = await post('/crash_kek/deks', { subject: `crash-${c}`, version, encryptedKeyMaterial: material })
          if (res.status !== 200) throw new Error(`status ${res.status}`)
          acks.push({ subject: `crash-${c}`, version, material })
          if (acks.length >= KILL_AFTER / 3 && !killed) {
            killed = true
            server.child.kill('SIGKILL')
          }
        } catch {
          return
        }
      }
    }
    await Promise.all(Array.from({ length: 4 }, (_, c) => client(c)))
    expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' })

    const restarted = await startServer({ db })
    const lost: string[] = []
    for (const a of acks) {
      const res = await fetch(`${restarted.url}/dek-registry/v1/keks/crash_kek/deks/${a.subject}/versions/${a.version}`)
      const body = res.status === 200 ? ((await res.json()) as { encryptedKeyMaterial: string }) : undefined
      if (body?.encryptedKeyMaterial !== a.material) lost.push(`${a.subject} v${a.version}`)
    }
    await restarted.close()
    expect(acks.length).toBeGreaterThanOrEqual(KILL_AFTER / 3)
    expect(lost).toEqual([])
  })
})

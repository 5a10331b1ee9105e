import { createServer, connect, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { afterIo, noteRead, READS_RECENT_MS, SLICE_MS } from './io-first.js'

/** Keeps the thread busy for `ms`, as a task of the event loop does. */
function busy(ms: number): void {
  const end = performance.now() + ms
  while (performance.now() < end) {
    // spin
  }
}

let server: Server
let client: Socket
let accepted: Socket
beforeAll(async () => {
  server = createServer()
  const gotSocket = new Promise<Socket>((resolve) => server.once('connection', resolve))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  client = connect(port, '127.0.0.1')
  await new Promise((resolve) => client.once('connect', resolve))
  accepted = await gotSocket
})
afterAll(async () => {
  client.destroy()
  accepted.destroy()
  await new Promise((resolve) => server.close(resolve))
})

// In order: the module's clock of the last read is one per process.
describe('afterIo', () => {
  it('runs a task at once while no read has arrived', () => {
    const order: string[] = []
    afterIo(() => order.push('task'))
    order.push('after')
    expect(order).toEqual(['task', 'after'])
  })

  it('after a read, lets the I/O that arrives during a slice in before the tasks queued behind it', async () => {
    // Each task below takes 1 ms, longer than a slice.
    expect(SLICE_MS).toBeLessThan(1)
    noteRead()
    const order: string[] = []
    const io = new Promise<void>((resolve) =>
      accepted.once('data', () => {
        order.push('io')
        resolve()
      }),
    )
    const tasks = [1, 2, 3, 4].map(
      (n) =>
        new Promise<void>((resolve) =>
          afterIo(() => {
            // The first task sends bytes over loopback: readable at once, and read at the next poll.
            if (n === 1) client.write('x')
            busy(1)
            order.push(`task ${n}`)
            resolve()
          }),
        ),
    )
    expect(order).toEqual([])
    await Promise.all([io, ...tasks])
    // Without the slices, all four tasks (queued in one turn) would run before the loop polled.
    expect(order.indexOf('io')).toBeLessThan(order.indexOf('task 4'))
    expect(order.filter((o) => o !== 'io')).toEqual(['task 1', 'task 2', 'task 3', 'task 4'])
  })

  it('keeps a task behind those already queued, even once reads have stopped', async () => {
    noteRead()
    const order: string[] = []
    const first = new Promise<void>((resolve) =>
      afterIo(() => {
        order.push('queued')
        resolve()
      }),
    )
    // The loop is held past the reads' window while the first task waits.
    busy(READS_RECENT_MS + 10)
    const second = new Promise<void>((resolve) =>
      afterIo(() => {
        order.push('behind it')
        resolve()
      }),
    )
    order.push('sync')
    await Promise.all([first, second])
    // Nothing is queued now and no read arrived for READS_RECENT_MS: a task runs at once again.
    afterIo(() => order.push('at once'))
    expect(order).toEqual(['sync', 'queued', 'behind it', 'at once'])
  })
})

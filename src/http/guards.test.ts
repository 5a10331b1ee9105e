import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { guardRequestListeners } from './guards.js'

describe('guardRequestListeners', () => {
  it('answers 500 in the envelope when a request listener throws, and keeps the server answering', async () => {
    let calls = 0
    const server = createServer(() => {
      calls++
      throw new Error('thrown while dispatching')
    })
    const errors: unknown[] = []
    guardRequestListeners(server, (e) => errors.push(e))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
    try {
      for (let i = 0; i < 2; i++) {
        const res = await fetch(url)
        expect(res.status).toBe(500)
        expect(await res.json()).toEqual({ error_code: 500, message: 'Internal Server Error' })
      }
      expect(calls).toBe(2)
      expect(errors).toHaveLength(2)
    } finally {
      await new Promise((resolve) => server.close(resolve))
    }
  })
})

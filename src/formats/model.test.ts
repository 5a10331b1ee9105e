import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { schemaGuid } from './model.js'

/** MD5 of the bytes, printed as a UUID: Confluent's `Schema.updateHash` form. */
const uuidMd5 = (...parts: (string | Buffer)[]) => {
  const md5 = createHash('md5')
  for (const p of parts) md5.update(p)
  const h = md5.digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

describe('schemaGuid', () => {
  it('is the MD5 of the canonical text alone for a schema without references or data contract', () => {
    expect(schemaGuid('"string"', [])).toBe('095d71cf-1255-6b9d-5e33-0ad575b3df5d')
    const text = '{"type":"record","name":"Ü","fields":[]}'
    expect(schemaGuid(text, [])).toBe(uuidMd5(Buffer.from(text, 'utf8')))
  })

  it('adds each reference (name, subject, 4-byte version) and the data contract', () => {
    const version = Buffer.alloc(4)
    version.writeInt32BE(3)
    const refs = [{ name: 'a.avsc', subject: 'a', version: 3 }]
    expect(schemaGuid('"string"', refs)).toBe(uuidMd5('"string"', 'a.avsc', 'a', version))
    expect(schemaGuid('"string"', [], { properties: { owner: 'x' } })).toBe(
      uuidMd5('"string"', Buffer.of(1), 'properties', 'owner', 'x'),
    )
    expect(schemaGuid('"string"', [], undefined, {})).not.toBe(schemaGuid('"string"', []))
  })
})

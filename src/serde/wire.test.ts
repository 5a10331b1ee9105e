import { describe, expect, it } from 'vitest'
import { SerdeError } from './errors.js'
import { frame, readSchemaId, writeHeader } from './wire.js'

describe('wire framing', () => {
  it('writes magic byte 0 and the id as a big-endian int32 before the payload', () => {
    expect(frame(42, Buffer.from([0xaa, 0xbb])).toString('hex')).toBe('000000002aaabb')
    expect(frame(0x01020304, Buffer.alloc(0)).toString('hex')).toBe('0001020304')
  })

  it('puts a prefix (the Protobuf message indexes) between the id and the payload', () => {
    expect(frame(42, Buffer.from([0x08, 0x01]), Buffer.from([0x02, 0x02])).toString('hex')).toBe('000000002a02020801')
  })

  it('reads back the id written by writeHeader, including ids above 2^24', () => {
    const buf = Buffer.alloc(6)
    writeHeader(buf, 300_000_000)
    expect(readSchemaId(buf)).toBe(300_000_000)
  })

  it('rejects a payload with another magic byte', () => {
    expect(() => readSchemaId(Buffer.from('0100000001', 'hex'))).toThrowError(
      expect.objectContaining({ code: 'UNKNOWN_MAGIC_BYTE', message: expect.stringContaining('0x01') }),
    )
    expect(() => readSchemaId(Buffer.from('{"a":1}'))).toThrowError(SerdeError)
  })

  it('rejects a payload shorter than the 5-byte header as truncated', () => {
    expect(() => readSchemaId(Buffer.from('000000', 'hex'))).toThrowError(
      expect.objectContaining({ code: 'TRUNCATED' }),
    )
    expect(() => readSchemaId(Buffer.alloc(0))).toThrowError(expect.objectContaining({ code: 'TRUNCATED' }))
  })
})

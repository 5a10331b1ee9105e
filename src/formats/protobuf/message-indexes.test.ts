import { describe, expect, it } from 'vitest'
import { decodeMessageIndexes, encodeMessageIndexes, messageIndexes, messageNameAt } from './message-indexes.js'
import { parseProtoText } from './proto-parser.js'

const file = parseProtoText(`
syntax = "proto3";
package acme;
enum Status { A = 0; }
message Order {
  map<string, int32> counts = 1;
  enum Kind { K = 0; }
  message Line { message Detail {} }
  message Note {}
}
service S { rpc Get (Order) returns (Order); }
message Customer {}
message Address { message Geo {} message Street {} }
`)

describe('message indexes', () => {
  it.each([
    ['acme.Order', [0]],
    ['.acme.Customer', [1]],
    ['acme.Address', [2]],
    ['acme.Order.Line', [0, 0]],
    ['acme.Order.Note', [0, 1]],
    ['acme.Order.Line.Detail', [0, 0, 0]],
    ['acme.Address.Street', [2, 1]],
  ])('counts only messages: %s is %j', (name, path) => {
    expect(messageIndexes(file, name)).toEqual(path)
    expect(messageNameAt(file, path)).toBe(name.replace(/^\./, ''))
  })

  it('reads an empty path as the first message', () => {
    expect(messageNameAt(file, [])).toBe('acme.Order')
  })

  it('rejects unknown names and paths', () => {
    expect(() => messageIndexes(file, 'acme.Status')).toThrow(RangeError)
    expect(() => messageIndexes(file, 'other.Order')).toThrow(RangeError)
    expect(() => messageNameAt(file, [3])).toThrow(RangeError)
  })

  it.each([
    [[0], [0x00]],
    [[1], [0x02, 0x02]],
    [
      [0, 0],
      [0x04, 0x00, 0x00],
    ],
    [
      [1, 0],
      [0x04, 0x02, 0x00],
    ],
    [
      [3, 1],
      [0x04, 0x06, 0x02],
    ],
    [[64], [0x02, 0x80, 0x01]],
  ])('encodes %j as zig-zag varints %j', (path, bytes) => {
    expect([...encodeMessageIndexes(path)]).toEqual(bytes)
    expect(decodeMessageIndexes(Uint8Array.from([0xff, ...bytes, 0x0a]), 1)).toEqual({
      indexes: path,
      bytesRead: bytes.length,
    })
  })

  it('rejects truncated or oversized lists', () => {
    expect(() => decodeMessageIndexes(Uint8Array.of(0x04, 0x02))).toThrow(RangeError)
    expect(() => decodeMessageIndexes(Uint8Array.of(0x80, 0x80, 0x80, 0x80, 0x80, 0x01))).toThrow(RangeError)
    expect(() => decodeMessageIndexes(Uint8Array.of(0x7e))).toThrow(RangeError)
  })
})

import { describe, expect, it } from 'vitest'
import { negotiate } from './content-type.js'
import { aliasRewriter, rewriteContextUrl } from './rewrite.js'

describe('negotiate', () => {
  it.each([
    [undefined, 'application/vnd.schemaregistry.v1+json'],
    ['*/*', 'application/vnd.schemaregistry.v1+json'],
    ['application/json', 'application/json'],
    [
      'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json',
      'application/vnd.schemaregistry.v1+json',
    ],
    ['application/json;q=0.9, application/vnd.schemaregistry+json;q=0.1', 'application/json'],
    ['text/html', undefined],
  ])('answers %j with %j, the same when asked again', (accept, expected) => {
    expect(negotiate(accept)).toBe(expected)
    expect(negotiate(accept)).toBe(expected)
  })
})

describe('rewriteContextUrl', () => {
  it.each([
    ['/contexts/.c/subjects/x/versions/1', '/subjects/%3A.c%3Ax/versions/1'],
    ['/contexts/c/subjects', '/subjects?subjectPrefix=%3A.c%3A'],
    ['/contexts/.c/config', '/config/%3A.c%3A'],
    ['/contexts/.c/mode/x', '/mode/%3A.c%3Ax'],
    ['/contexts/.c/schemas/ids/3', '/schemas/ids/3?subject=%3A.c%3A'],
    ['/contexts/.c/schemas/ids/3?subject=s', '/schemas/ids/3?subject=%3A.c%3As'],
    ['/contexts/.c/compatibility/subjects/x/versions/latest', '/compatibility/subjects/%3A.c%3Ax/versions/latest'],
    ['/contexts', '/contexts'],
    ['/contexts/.c', '/contexts/.c'],
  ])('rewrites %s', (url, expected) => {
    expect(rewriteContextUrl(url)).toBe(expected)
  })
})

describe('aliasRewriter', () => {
  it('resolves aliases on every request and sees an alias set after a URL was seen without one', () => {
    const aliases = new Map<string, string>()
    let stamp = 0
    let lookups = 0
    const rewrite = aliasRewriter(
      (s) => {
        lookups++
        return aliases.get(s)
      },
      () => stamp,
    )
    const named: string[] = []
    const url = '/subjects/orders/versions/latest'
    expect(rewrite(url, (a) => named.push(a))).toBe(url)
    expect(rewrite(url, (a) => named.push(a))).toBe(url)
    expect(lookups).toBe(1)
    aliases.set('orders', 'orders-v2')
    stamp++
    expect(rewrite(url, (a) => named.push(a))).toBe('/subjects/orders-v2/versions/latest')
    expect(rewrite(url, (a) => named.push(a))).toBe('/subjects/orders-v2/versions/latest')
    expect(named).toEqual(['orders', 'orders'])
  })
})

import { SchemaRegistry as KafkajsRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'
import { AvroDeserializer, AvroSerializer, SchemaRegistryClient, SerdeType } from '@confluentinc/schemaregistry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.js'

// Confluent resolves subject aliases in its REST layer (rest/filters/AliasFilter): before
// routing, the path segment after `subjects` (and the `subject` query parameter of
// /schemas/ids/{id}) is replaced by the target named in that subject's own config `alias`,
// qualified with the alias's context when the target is unqualified. Reads, lookups,
// registration, deletes and compatibility checks therefore all act on the target, while
// /config/{alias} still addresses the alias's own config. Aliases are not followed twice.

const CT = 'application/vnd.schemaregistry.v1+json'
const order = { type: 'record', name: 'Order', namespace: 'al', fields: [{ name: 'n', type: 'int' }] }
const orderV2 = { ...order, fields: [...order.fields, { name: 'note', type: 'string', default: '' }] }

let server: TestServer
let targetId: number
beforeAll(async () => {
  server = await startServer()
  targetId = (await call('POST', '/subjects/orders-v1/versions', { schema: JSON.stringify(order) })).body.id
  expect((await call('PUT', '/config/orders', { alias: 'orders-v1' })).status).toBe(200)
})
afterAll(async () => {
  await server.close()
})

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'content-type': CT },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as any }
}

describe('subject aliases over HTTP', () => {
  it('reads the target through the alias: latest, a version, the raw schema, the version list', async () => {
    const latest = await call('GET', '/subjects/orders/versions/latest')
    expect(latest.status).toBe(200)
    expect(latest.body).toMatchObject({ subject: 'orders-v1', version: 1, id: targetId })
    expect((await call('GET', '/subjects/orders/versions/1')).body.id).toBe(targetId)
    expect(JSON.parse(JSON.stringify((await call('GET', '/subjects/orders/versions/1/schema')).body))).toMatchObject({
      name: 'Order',
    })
    expect((await call('GET', '/subjects/orders/versions')).body).toEqual([1])
  })

  it('looks up, checks compatibility and resolves ?subject= on /schemas/ids through the alias', async () => {
    const lookup = await call('POST', '/subjects/orders', { schema: JSON.stringify(order) })
    expect(lookup.body).toMatchObject({ subject: 'orders-v1', id: targetId })
    const compat = await call('POST', '/compatibility/subjects/orders/versions/latest', {
      schema: JSON.stringify(orderV2),
    })
    expect(compat.body).toEqual({ is_compatible: true })
    const byId = await call('GET', `/schemas/ids/${targetId}?subject=orders`)
    expect(byId.status).toBe(200)
  })

  it('keeps /config/{alias} on the alias itself, and lists only real subjects', async () => {
    expect((await call('GET', '/config/orders')).body).toMatchObject({ alias: 'orders-v1' })
    expect((await call('GET', '/subjects')).body).toEqual(['orders-v1'])
  })

  it('qualifies an unqualified target with the alias context, and never follows twice', async () => {
    await call('POST', '/subjects/:.ctx:real/versions', { schema: '"string"' })
    await call('PUT', '/config/:.ctx:nick', { alias: 'real' })
    const viaContext = await call('GET', '/subjects/:.ctx:nick/versions/latest')
    expect(viaContext.body).toMatchObject({ subject: ':.ctx:real', version: 1 })
    await call('PUT', '/config/loop-a', { alias: 'loop-b' })
    await call('PUT', '/config/loop-b', { alias: 'loop-a' })
    expect((await call('GET', '/subjects/loop-a/versions/latest')).body.error_code).toBe(40401)
  })

  it('an alias without the target behaves as the missing target', async () => {
    await call('PUT', '/config/dangling', { alias: 'nowhere' })
    const r = await call('GET', '/subjects/dangling/versions/latest')
    expect(r.status).toBe(404)
    expect(r.body.message).toContain('nowhere')
  })
})

describe('subject aliases through the real clients', () => {
  it('@confluentinc/schemaregistry reads through an alias and serializes with the target schema', async () => {
    const c = new SchemaRegistryClient({ baseURLs: [server.url], maxRetries: 0 })
    expect(await c.getLatestSchemaMetadata('orders')).toMatchObject({ id: targetId, subject: 'orders-v1' })
    expect(await c.getId('orders', { schemaType: 'AVRO', schema: JSON.stringify(order) }, false)).toBe(targetId)
    // The topic's value subject is an alias of the real subject.
    await call('PUT', '/config/shop-value', { alias: 'orders-v1' })
    const ser = new AvroSerializer(c, SerdeType.VALUE, { useLatestVersion: true })
    const bytes = await ser.serialize('shop', { n: 7 })
    expect(bytes.readInt32BE(1)).toBe(targetId)
    const de = new AvroDeserializer(c, SerdeType.VALUE, {})
    expect(await de.deserialize('shop', bytes)).toMatchObject({ n: 7 })
  })

  it('@kafkajs/confluent-schema-registry reads and looks up through an alias', async () => {
    const r = new KafkajsRegistry({ host: server.url })
    expect(await r.getLatestSchemaId('orders')).toBe(targetId)
    expect(await r.getRegistryId('orders', 1)).toBe(targetId)
    expect(await r.getRegistryIdBySchema('orders', { type: SchemaType.AVRO, schema: JSON.stringify(order) })).toBe(
      targetId,
    )
  })
})

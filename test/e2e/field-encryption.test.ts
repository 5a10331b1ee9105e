/**
 * Confluent's own serializers doing client-side field-level encryption against Registrum: the
 * ENCRYPT rule creates the KEK and a client-wrapped DEK through the DEK registry, and a
 * deserializer with a fresh DEK client reads the DEK back from the server to decrypt.
 */
import {
  AvroDeserializer,
  AvroSerializer,
  FieldEncryptionExecutor,
  LocalKmsDriver,
  RuleMode,
  RuleRegistry,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type TestServer } from '../support/server.js'

const schema = JSON.stringify({
  type: 'record',
  name: 'Customer',
  fields: [
    { name: 'id', type: 'int' },
    { name: 'email', type: 'string', 'confluent:tags': ['PII'] },
  ],
})

let server: TestServer
beforeAll(async () => {
  LocalKmsDriver.register()
  server = await startServer()
})
afterAll(async () => {
  await server.close()
})

/** A rule registry of its own, so each serde gets a fresh DEK client and no cached key. */
function rules(): RuleRegistry {
  const registry = new RuleRegistry()
  registry.registerExecutor(new FieldEncryptionExecutor())
  return registry
}

describe('ENCRYPT rules of @confluentinc/schemaregistry against Registrum', () => {
  it('stores the KEK and the wrapped DEK, and decrypts with a DEK read back from the server', async () => {
    const client = new SchemaRegistryClient({ baseURLs: [server.url], maxRetries: 0 })
    await client.register(
      'customers-value',
      {
        schemaType: 'AVRO',
        schema,
        ruleSet: {
          domainRules: [
            {
              name: 'encrypt-pii',
              kind: 'TRANSFORM',
              mode: RuleMode.WRITEREAD,
              type: 'ENCRYPT',
              tags: ['PII'],
              params: {
                'encrypt.kek.name': 'customers_kek',
                'encrypt.kms.type': 'local-kms',
                'encrypt.kms.key.id': 'mykey',
              },
              onFailure: 'ERROR,NONE',
            },
          ],
        },
      },
      false,
    )
    const ruleConfig = { secret: 'test-secret-of-the-local-kms' }
    const ser = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true, ruleConfig }, rules())
    const bytes = await ser.serialize('customers', { id: 7, email: 'ada@example.com' })
    expect(bytes.toString('latin1')).not.toContain('ada@example.com')

    const kek = await (await fetch(`${server.url}/dek-registry/v1/keks/customers_kek`)).json()
    expect(kek).toMatchObject({ name: 'customers_kek', kmsType: 'local-kms', kmsKeyId: 'mykey', shared: false })
    const dek = await (
      await fetch(`${server.url}/dek-registry/v1/keks/customers_kek/deks/customers-value/versions/latest`)
    ).json()
    expect(dek).toMatchObject({ subject: 'customers-value', version: 1, algorithm: 'AES256_GCM', deleted: false })
    expect(typeof dek.encryptedKeyMaterial).toBe('string')
    expect(dek).not.toHaveProperty('keyMaterial')

    const fresh = new SchemaRegistryClient({ baseURLs: [server.url], maxRetries: 0 })
    const deser = new AvroDeserializer(fresh, SerdeType.VALUE, { ruleConfig }, rules())
    expect(await deser.deserialize('customers', bytes)).toEqual({ id: 7, email: 'ada@example.com' })

    // A second serializer reuses the stored DEK rather than registering another.
    const again = new AvroSerializer(fresh, SerdeType.VALUE, { useLatestVersion: true, ruleConfig }, rules())
    await again.serialize('customers', { id: 8, email: 'bob@example.com' })
    const versions = await (
      await fetch(`${server.url}/dek-registry/v1/keks/customers_kek/deks/customers-value/versions`)
    ).json()
    expect(versions).toEqual([1])
  })
})

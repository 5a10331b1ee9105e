/**
 * Field-level encryption against Python confluent-kafka (its `rules` extras: Tink and the local
 * KMS) through our real registry and DEK registry: each side reads the plaintext of what the
 * other encrypted, with AES256_GCM and the deterministic AES256_SIV (same bytes both sides).
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../../src/serde/avro.js'
import { HttpSchemaRegistryClient } from '../../src/serde/http-client.js'
import { jsonDeserializer, jsonSerializer } from '../../src/serde/json.js'
import { encryptionExecutors } from '../../src/serde/rules/encryption/executor.js'
import type { RuleEngine } from '../../src/serde/rules/engine.js'
import { createRuleEngine } from '../../src/serde/rules/runtime.js'
import { startServer, type TestServer } from '../support/server.js'
import { CARD, encryptRule, PERSON_AVRO, PERSON_JSON, SECRET, SSN } from './encryption-fixtures.js'
import { describePython, startPythonSerde, type PythonSerde } from './python.js'

describePython('field-level encryption against Python confluent-kafka', () => {
  let server: TestServer
  let client: HttpSchemaRegistryClient
  let py: PythonSerde
  let rules: RuleEngine
  beforeAll(async () => {
    server = await startServer()
    client = new HttpSchemaRegistryClient({ baseUrl: server.url })
    py = startPythonSerde(server.url)
    rules = await createRuleEngine({
      executors: encryptionExecutors({ dekRegistry: { baseUrl: server.url }, config: { secret: SECRET } }),
    })
  })
  afterAll(async () => {
    py?.close()
    client?.close()
    await server?.close()
  })

  it.each(['AES256_GCM', 'AES256_SIV'])(
    'Avro with %s: each reads the plaintext the other encrypted',
    async (algorithm) => {
      const topic = `py-avro-${algorithm}`
      await client.register(`${topic}-value`, {
        schema: JSON.stringify(PERSON_AVRO),
        schemaType: 'AVRO',
        ruleSet: { domainRules: [encryptRule(`py-avro-${algorithm}`, { 'encrypt.dek.algorithm': algorithm })] },
      } as never)
      const card = CARD
      const value = { name: 'Ada', ssn: SSN, card, nick: 'ada', age: 36 }
      const mine = (await avroSerializer(client, { useLatestVersion: true, rules }).serialize(topic, value))!
      expect(mine.includes(SSN)).toBe(false)
      const req = { format: 'avro', topic, encrypt: { secret: SECRET }, base64_fields: ['card'] }
      const json = { ...value, card: card.toString('base64') }
      expect(await py.deserialize({ ...req, hex: mine.toString('hex') })).toEqual(json)
      const theirs = await py.serialize({ ...req, value: json })
      expect(theirs.includes(SSN) || theirs.includes(card)).toBe(false)
      expect(await avroDeserializer(client, { rules }).deserialize(topic, theirs)).toEqual(value)
      expect(theirs.equals(mine)).toBe(algorithm === 'AES256_SIV')
    },
    30_000,
  )

  it('JSON Schema with AES256_SIV: the same bytes both sides, each reads the other', async () => {
    const topic = 'py-json'
    await client.register(`${topic}-value`, {
      schema: JSON.stringify(PERSON_JSON),
      schemaType: 'JSON',
      ruleSet: { domainRules: [encryptRule('py-json', { 'encrypt.dek.algorithm': 'AES256_SIV' })] },
    } as never)
    const value = { name: 'Ada', ssn: SSN, age: 36 }
    const mine = (await jsonSerializer(client, { useLatestVersion: true, rules }).serialize(topic, value))!
    const req = { format: 'json', topic, encrypt: { secret: SECRET }, schema: JSON.stringify(PERSON_JSON) }
    expect(await py.deserialize({ ...req, hex: mine.toString('hex') })).toEqual(value)
    const theirs = await py.serialize({ ...req, value })
    expect(theirs.toString('hex')).toBe(mine.toString('hex'))
    expect(await jsonDeserializer(client, { rules }).deserialize(topic, theirs)).toEqual(value)
  }, 30_000)
})

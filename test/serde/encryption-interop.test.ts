/**
 * Field-level encryption against @confluentinc/schemaregistry on our real registry and its DEK
 * registry: `ENCRYPT` rules on PII-tagged fields with the local KMS, Avro, Protobuf and JSON
 * Schema, AES128_GCM, AES256_GCM and AES256_SIV. Each side reads the plaintext back from what
 * the other wrote; the topic only ever holds ciphertext; SIV writes the same bytes for the same value on
 * both sides; a wrong secret fails clearly; DEKs rotate with `encrypt.dek.expiry.days`; and
 * `ENCRYPT_PAYLOAD` encoding rules encrypt the whole payload.
 */
import { create, createFileRegistry, createMutableRegistry, fromBinary } from '@bufbuild/protobuf'
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt'
import {
  AvroDeserializer,
  AvroSerializer,
  clearKmsClients,
  EncryptionExecutor,
  FieldEncryptionExecutor,
  file_confluent_meta,
  JsonDeserializer,
  JsonSerializer,
  LocalKmsDriver,
  ProtobufDeserializer,
  ProtobufSerializer,
  RuleRegistry,
  SerdeType,
} from '@confluentinc/schemaregistry'
import { beforeAll, describe, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../../src/serde/avro.js'
import { jsonDeserializer, jsonSerializer } from '../../src/serde/json.js'
import { protobufDeserializer, protobufSerializer } from '../../src/serde/protobuf.js'
import { DekRegistryClient } from '../../src/serde/rules/encryption/dek-client.js'
import { encryptionExecutors } from '../../src/serde/rules/encryption/executor.js'
import type { RuleSet } from '../../src/serde/rules/model.js'
import { createRuleEngine } from '../../src/serde/rules/runtime.js'
import { CARD, encryptRule, PERSON_AVRO, PERSON_JSON, SECRET, SSN } from './encryption-fixtures.js'
import { rejection, serverAndClients } from './fixtures.js'

const DAY = 24 * 60 * 60 * 1000

const PERSON_PROTO = `syntax = "proto3";
package acme;
import "confluent/meta.proto";

message Person {
  string name = 1;
  string ssn = 2 [(confluent.field_meta).tags = "PII"];
  bytes card = 3 [(confluent.field_meta).tags = "PII"];
  int32 age = 4;
}
`

type SerdeClass<T> = new (client: any, type: SerdeType, conf: any, rules: RuleRegistry) => T

/**
 * Confluent's serializer (the latest version, no auto-registration) and deserializer of one
 * format, with the encryption executors in a rule registry of their own (they keep their config).
 */
function confluentSerdes<S, D>(
  client: unknown,
  Ser: SerdeClass<S>,
  De: SerdeClass<D>,
  secret = SECRET,
  extra: Record<string, unknown> = {},
): { ser: S; de: D } {
  const ruleRegistry = new RuleRegistry()
  ruleRegistry.registerExecutor(new FieldEncryptionExecutor())
  ruleRegistry.registerExecutor(new EncryptionExecutor())
  const conf = { ruleConfig: { secret } }
  return {
    ser: new Ser(
      client,
      SerdeType.VALUE,
      { useLatestVersion: true, autoRegisterSchemas: false, ...conf, ...extra },
      ruleRegistry,
    ),
    de: new De(client, SerdeType.VALUE, conf, ruleRegistry),
  }
}

const contains = (bytes: Uint8Array, text: string | Buffer): boolean => Buffer.from(bytes).includes(text)

describe('field-level encryption against @confluentinc/schemaregistry', () => {
  const ctx = serverAndClients()
  const ours = (secret = SECRET, now?: () => number) =>
    createRuleEngine({
      executors: encryptionExecutors({
        dekRegistry: { baseUrl: ctx.server.url },
        config: { secret },
        ...(now === undefined ? {} : { now }),
      }),
    })

  beforeAll(() => {
    LocalKmsDriver.register()
  })

  /** Confluent's Protobuf serdes on a subject's latest version (its descriptor as the registry serves it). */
  const confluentProtobuf = async (topic: string) => {
    const latest = (await (
      await fetch(`${ctx.server.url}/subjects/${topic}-value/versions/latest?format=serialized`)
    ).json()) as { schema: string }
    const files = createFileRegistry(
      fromBinary(FileDescriptorProtoSchema, Buffer.from(latest.schema, 'base64')),
      (name) => {
        if (name === 'confluent/meta.proto') return file_confluent_meta
        throw new Error(`unexpected import ${name}`)
      },
    )
    const serdes = confluentSerdes(ctx.confluent, ProtobufSerializer, ProtobufDeserializer, SECRET, {
      registry: createMutableRegistry(files),
    })
    return { ...serdes, message: (name: string, value: object) => create(files.getMessage(name)!, value as never) }
  }

  const register = (subject: string, schemaType: string, schema: string, ruleSet: RuleSet) =>
    ctx.confluent.register(subject, { schemaType, schema, ruleSet } as never)

  describe.each(['AES128_GCM', 'AES256_GCM', 'AES256_SIV'])('%s', (algorithm) => {
    const siv = algorithm === 'AES256_SIV'
    const params = { 'encrypt.dek.algorithm': algorithm }

    it('Avro: each side reads the plaintext of the other; the topic holds only ciphertext', async () => {
      const topic = `avro-${algorithm}`
      await register(`${topic}-value`, 'AVRO', JSON.stringify(PERSON_AVRO), {
        domainRules: [encryptRule(`kek-avro-${algorithm}`, params)],
      })
      const person = { name: 'Ada', ssn: SSN, card: CARD, nick: 'ada', age: 36 }
      const rules = await ours()
      const mine = (await avroSerializer(ctx.ours, { useLatestVersion: true, rules }).serialize(topic, person))!
      expect(contains(mine, SSN) || contains(mine, CARD) || contains(mine, 'ada')).toBe(false)
      expect(contains(mine, 'Ada')).toBe(true)
      expect(person.ssn).toBe(SSN)

      const { ser: theirSer, de: theirDe } = confluentSerdes(ctx.confluent, AvroSerializer, AvroDeserializer)
      expect(await theirDe.deserialize(topic, mine)).toEqual(person)
      const theirs = await theirSer.serialize(topic, { ...person, card: Buffer.from(CARD) })
      expect(contains(theirs, SSN)).toBe(false)
      expect(await avroDeserializer(ctx.ours, { rules }).deserialize(topic, theirs)).toEqual(person)
      // A reader with its own caches (a fresh engine) unwraps the DEK from the registry.
      expect(await avroDeserializer(ctx.ours, { rules: await ours() }).deserialize(topic, theirs)).toEqual(person)

      const again = (await avroSerializer(ctx.ours, { useLatestVersion: true, rules }).serialize(topic, person))!
      expect(again.equals(mine)).toBe(siv)
      expect(theirs.equals(mine)).toBe(siv)
      // Without the rules the reader sees the ciphertext: base64 for strings, bytes for bytes.
      const raw = (await avroDeserializer(ctx.ours, { rules: false }).deserialize(topic, mine)) as typeof person
      expect(raw.name).toBe('Ada')
      expect(raw.ssn).not.toBe(SSN)
      expect(Buffer.from(raw.ssn, 'base64').length).toBe(siv ? 16 + SSN.length : 12 + SSN.length + 16)
      expect(Buffer.from(raw.card).equals(CARD)).toBe(false)
    })

    it('JSON Schema: each side reads the plaintext of the other', async () => {
      const topic = `json-${algorithm}`
      await register(`${topic}-value`, 'JSON', JSON.stringify(PERSON_JSON), {
        domainRules: [encryptRule(`kek-json-${algorithm}`, params)],
      })
      const person = { name: 'Ada', ssn: SSN, age: 36 }
      const rules = await ours()
      const mine = (await jsonSerializer(ctx.ours, { useLatestVersion: true, rules }).serialize(topic, person))!
      expect(contains(mine, SSN)).toBe(false)
      const { ser: theirSer, de: theirDe } = confluentSerdes(ctx.confluent, JsonSerializer, JsonDeserializer)
      expect(await theirDe.deserialize(topic, mine)).toEqual(person)
      const theirs = await theirSer.serialize(topic, { ...person })
      expect(contains(theirs, SSN)).toBe(false)
      expect(await jsonDeserializer(ctx.ours, { rules }).deserialize(topic, theirs)).toEqual(person)
      expect(theirs.equals(mine)).toBe(siv)
    })

    it('Protobuf: each side reads the plaintext of the other', async () => {
      const topic = `proto-${algorithm}`
      await register(`${topic}-value`, 'PROTOBUF', PERSON_PROTO, {
        domainRules: [encryptRule(`kek-proto-${algorithm}`, params)],
      })
      const person = { name: 'Ada', ssn: SSN, card: CARD, age: 36 }
      const rules = await ours()
      const mine = (await protobufSerializer(ctx.ours, { useLatestVersion: true, rules }).serialize(topic, person))!
      expect(contains(mine, SSN) || contains(mine, CARD)).toBe(false)

      const { ser: theirSer, de: theirDe, message } = await confluentProtobuf(topic)
      const fromMine = await theirDe.deserialize(topic, mine)
      expect(fromMine).toMatchObject({ name: 'Ada', ssn: SSN, age: 36 })
      expect(Buffer.from(fromMine.card).equals(CARD)).toBe(true)
      const theirs = await theirSer.serialize(topic, message('acme.Person', { ...person }))
      expect(contains(theirs, SSN)).toBe(false)
      const back = (await protobufDeserializer(ctx.ours, { rules }).deserialize(topic, theirs)) as typeof person
      expect(back).toEqual(person)
      expect(theirs.equals(mine)).toBe(siv)
    })
  })

  it('fails with a clear error when the reader has another secret, on either side', async () => {
    const topic = 'secret-mismatch'
    await register(`${topic}-value`, 'AVRO', JSON.stringify(PERSON_AVRO), {
      domainRules: [{ ...encryptRule('kek-mismatch'), onFailure: 'ERROR' }],
    })
    const person = { name: 'Ada', ssn: SSN, card: CARD, nick: null, age: 36 }
    const bytes = (await avroSerializer(ctx.ours, { useLatestVersion: true, rules: await ours() }).serialize(
      topic,
      person,
    ))!
    const message = await rejection(
      avroDeserializer(ctx.ours, { rules: await ours('not the secret') }).deserialize(topic, bytes),
    )
    expect(message).toMatch(/cannot unwrap DEK version 1 of subject 'secret-mismatch-value' with KEK 'kek-mismatch'/)
    expect(message).toMatch(/local-kms:\/\/interop-key: authentication failed/)
    // Confluent keeps one local KMS client per process, whatever its secret: start afresh.
    clearKmsClients()
    const { de } = confluentSerdes(ctx.confluent, AvroSerializer, AvroDeserializer, 'not the secret')
    expect(await rejection(de.deserialize(topic, bytes))).toMatch(/failed to decrypt key with all KMS keys/)
    clearKmsClients()
  })

  it('rotates the DEK once the latest is older than encrypt.dek.expiry.days; the version is in each ciphertext', async () => {
    const topic = 'rotating'
    const subject = `${topic}-value`
    await register(subject, 'AVRO', JSON.stringify(PERSON_AVRO), {
      domainRules: [encryptRule('kek-rotating', { 'encrypt.dek.expiry.days': '1' })],
    })
    let shift = 0
    const rules = await ours(SECRET, () => Date.now() + shift)
    const ser = avroSerializer(ctx.ours, { useLatestVersion: true, rules })
    const person = { name: 'Ada', ssn: SSN, card: CARD, nick: null, age: 36 }
    const ssnOf = async (bytes: Buffer) =>
      Buffer.from(
        ((await avroDeserializer(ctx.ours, { rules: false }).deserialize(topic, bytes)) as { ssn: string }).ssn,
        'base64',
      )
    const first = (await ser.serialize(topic, person))!
    shift = 2 * DAY
    const second = (await ser.serialize(topic, person))!
    shift = 0
    const third = (await ser.serialize(topic, person))!
    expect((await ssnOf(first)).subarray(0, 5).toString('hex')).toBe('0000000001')
    expect((await ssnOf(second)).subarray(0, 5).toString('hex')).toBe('0000000002')
    expect((await ssnOf(third)).subarray(0, 5).toString('hex')).toBe('0000000002')

    const deks = new DekRegistryClient({ baseUrl: ctx.server.url })
    expect((await deks.getDek('kek-rotating', subject, -1, 'AES256_GCM', false)).version).toBe(2)
    deks.close()

    const confluent = confluentSerdes(ctx.confluent, AvroSerializer, AvroDeserializer)
    for (const bytes of [first, second, third]) expect(await confluent.de.deserialize(topic, bytes)).toEqual(person)
    const theirs = await confluent.ser.serialize(topic, { ...person, card: Buffer.from(CARD) })
    expect((await ssnOf(theirs)).subarray(0, 5).toString('hex')).toBe('0000000002')
    expect(await avroDeserializer(ctx.ours, { rules: await ours() }).deserialize(topic, theirs)).toEqual(person)
  })

  it('encrypts the whole payload with an ENCRYPT_PAYLOAD encoding rule, both ways', async () => {
    const topic = 'sealed'
    await register(`${topic}-value`, 'AVRO', JSON.stringify(PERSON_AVRO), {
      encodingRules: [{ ...encryptRule('kek-payload'), type: 'ENCRYPT_PAYLOAD', tags: [] }],
    })
    const person = { name: 'Ada Lovelace', ssn: SSN, card: CARD, nick: null, age: 36 }
    const rules = await ours()
    const mine = (await avroSerializer(ctx.ours, { useLatestVersion: true, rules }).serialize(topic, person))!
    expect(contains(mine, 'Ada Lovelace') || contains(mine, SSN)).toBe(false)
    const confluent = confluentSerdes(ctx.confluent, AvroSerializer, AvroDeserializer)
    expect(await confluent.de.deserialize(topic, mine)).toEqual(person)
    const theirs = await confluent.ser.serialize(topic, { ...person, card: Buffer.from(CARD) })
    expect(contains(theirs, 'Ada Lovelace')).toBe(false)
    expect(await avroDeserializer(ctx.ours, { rules }).deserialize(topic, theirs)).toEqual(person)
  })

  it('encrypts a Protobuf payload after its message indexes, with the bytes Confluent writes (SIV)', async () => {
    const topic = 'sealed-proto'
    const schema = PERSON_PROTO.replace('message Person {', 'message Other {\n  string x = 1;\n}\n\nmessage Person {')
    await register(`${topic}-value`, 'PROTOBUF', schema, {
      encodingRules: [
        {
          ...encryptRule('kek-payload-proto', { 'encrypt.dek.algorithm': 'AES256_SIV' }),
          type: 'ENCRYPT_PAYLOAD',
          tags: [],
        },
      ],
    })
    const person = { name: 'Ada Lovelace', ssn: SSN, card: CARD, age: 36 }
    const rules = await ours()
    const ser = protobufSerializer(ctx.ours, { useLatestVersion: true, messageType: 'acme.Person', rules })
    const mine = (await ser.serialize(topic, person))!
    expect(mine.subarray(5, 7).toString('hex')).toBe('0202')
    expect(contains(mine, 'Ada Lovelace') || contains(mine, SSN)).toBe(false)
    const { ser: theirSer, de: theirDe, message } = await confluentProtobuf(topic)
    const theirs = await theirSer.serialize(topic, message('acme.Person', { ...person }))
    expect(theirs.toString('hex')).toBe(mine.toString('hex'))
    const fromMine = await theirDe.deserialize(topic, mine)
    expect(fromMine).toMatchObject({ name: 'Ada Lovelace', ssn: SSN, age: 36 })
    expect(await protobufDeserializer(ctx.ours, { rules }).deserialize(topic, theirs)).toEqual(person)
  })

  it('registers the KEK and one DEK when several producers start at once', async () => {
    const topic = 'race'
    await register(`${topic}-value`, 'AVRO', JSON.stringify(PERSON_AVRO), {
      domainRules: [encryptRule('kek-race', { 'encrypt.dek.algorithm': 'AES256_SIV' })],
    })
    const person = { name: 'Ada', ssn: SSN, card: CARD, nick: null, age: 36 }
    const engines = await Promise.all([ours(), ours(), ours(), ours()])
    const written = await Promise.all(
      engines.map(
        async (rules) => (await avroSerializer(ctx.ours, { useLatestVersion: true, rules }).serialize(topic, person))!,
      ),
    )
    // SIV is deterministic: every producer ended up with the one registered DEK.
    for (const bytes of written) expect(bytes.toString('hex')).toBe(written[0]!.toString('hex'))
    expect(await avroDeserializer(ctx.ours, { rules: await ours() }).deserialize(topic, written[0]!)).toEqual(person)
  })

  it('refuses to encrypt a tagged field that is neither a string nor bytes, and names it', async () => {
    const topic = 'not-text'
    const schema = {
      type: 'record',
      name: 'Pin',
      fields: [{ name: 'pin', type: 'int', 'confluent:tags': ['PII'] }],
    }
    await register(`${topic}-value`, 'AVRO', JSON.stringify(schema), { domainRules: [encryptRule('kek-int')] })
    expect(
      await rejection(
        avroSerializer(ctx.ours, { useLatestVersion: true, rules: await ours() }).serialize(topic, { pin: 1234 }),
      ),
    ).toMatch(/field 'Pin.pin' has type INT; only STRING and BYTES fields can be encrypted/)
  })
})

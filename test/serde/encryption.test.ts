/**
 * The ENCRYPT executor's own behaviour on the real registry and DEK registry: parameters from
 * the schema's metadata, the caches (a warmed-up serde calls neither registry nor KMS), the
 * errors for a missing or mismatched KEK, soft-deleted DEKs still decrypting, and KMS drivers
 * plugged in by type with alternate key ids.
 */
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../../src/serde/avro.js'
import { AesGcm } from '../../src/serde/rules/encryption/aead.js'
import { DekRegistryClient, type DekRegistry } from '../../src/serde/rules/encryption/dek-client.js'
import { encryptionExecutors, type EncryptionOptions } from '../../src/serde/rules/encryption/executor.js'
import type { KmsDriver } from '../../src/serde/rules/encryption/kms.js'
import type { Metadata, RuleSet } from '../../src/serde/rules/model.js'
import { createRuleEngine } from '../../src/serde/rules/runtime.js'
import { CARD, encryptRule, PERSON_AVRO, SECRET, SSN } from './encryption-fixtures.js'
import { rejection, serverAndClients } from './fixtures.js'

const person = { name: 'Ada', ssn: SSN, card: CARD, nick: null, age: 36 }

/** Counts the calls that reach the real DEK registry client. */
function counting(inner: DekRegistry): DekRegistry & { calls: number } {
  const c = {
    calls: 0,
    getKek(...a: Parameters<DekRegistry['getKek']>) {
      c.calls++
      return inner.getKek(...a)
    },
    registerKek(...a: Parameters<DekRegistry['registerKek']>) {
      c.calls++
      return inner.registerKek(...a)
    },
    getDek(...a: Parameters<DekRegistry['getDek']>) {
      c.calls++
      return inner.getDek(...a)
    },
    registerDek(...a: Parameters<DekRegistry['registerDek']>) {
      c.calls++
      return inner.registerDek(...a)
    },
  }
  return c
}

describe('the ENCRYPT executor on the real DEK registry', () => {
  const ctx = serverAndClients()
  const engine = (options: Partial<EncryptionOptions> = {}) =>
    createRuleEngine({
      executors: encryptionExecutors({
        dekRegistry: { baseUrl: ctx.server.url },
        config: { secret: SECRET },
        ...options,
      }),
    })
  const register = (subject: string, ruleSet: RuleSet, metadata?: Metadata) =>
    ctx.ours.register(subject, {
      schema: JSON.stringify(PERSON_AVRO),
      schemaType: 'AVRO',
      ruleSet,
      ...(metadata === undefined ? {} : { metadata }),
    } as never)
  const write = async (topic: string, rules: Awaited<ReturnType<typeof engine>>) =>
    (await avroSerializer(ctx.ours, { useLatestVersion: true, rules }).serialize(topic, person))!

  it("takes the rule's parameters from the schema's metadata.properties when the rule has none", async () => {
    await register(
      'props-value',
      { domainRules: [{ ...encryptRule('unused'), params: {} }] },
      {
        properties: {
          'encrypt.kek.name': 'kek-props',
          'encrypt.kms.type': 'local-kms',
          'encrypt.kms.key.id': 'props-key',
          'encrypt.dek.algorithm': 'AES256_SIV',
        },
      },
    )
    const bytes = await write('props', await engine())
    expect(bytes.includes(SSN)).toBe(false)
    const deks = new DekRegistryClient({ baseUrl: ctx.server.url })
    expect(await deks.getKek('kek-props', false)).toMatchObject({ kmsType: 'local-kms', kmsKeyId: 'props-key' })
    expect((await deks.getDek('kek-props', 'props-value', 1, 'AES256_SIV', false)).version).toBe(1)
    deks.close()
    expect(await avroDeserializer(ctx.ours, { rules: await engine() }).deserialize('props', bytes)).toEqual(person)
  })

  it('makes no DEK registry call once warmed up, writing or reading', async () => {
    await register('cached-value', { domainRules: [encryptRule('kek-cached')] })
    const registry = counting(new DekRegistryClient({ baseUrl: ctx.server.url }))
    const rules = await engine({ dekRegistry: registry })
    const first = await write('cached', rules)
    const afterFirst = registry.calls
    expect(afterFirst).toBeGreaterThan(0)
    const de = avroDeserializer(ctx.ours, { rules })
    expect(await de.deserialize('cached', first)).toEqual(person)
    const warm = registry.calls
    for (let i = 0; i < 20; i++) expect(await de.deserialize('cached', await write('cached', rules))).toEqual(person)
    expect(registry.calls).toBe(warm)
  })

  it('names the KEK when the rule and the registered KEK disagree, or a reader finds none', async () => {
    await register('mismatch-value', { domainRules: [{ ...encryptRule('kek-mm'), onFailure: 'ERROR' }] })
    await write('mismatch', await engine())
    await register('mismatch2-value', {
      domainRules: [{ ...encryptRule('kek-mm', { 'encrypt.kms.key.id': 'other' }), onFailure: 'ERROR' }],
    })
    expect(await rejection(write('mismatch2', await engine()))).toMatch(
      /KEK 'kek-mm' has KMS key id 'interop-key', but the rule says 'other'/,
    )

    const orphan = await write('mismatch', await engine())
    await register('mismatch-value', { domainRules: [{ ...encryptRule('kek-nowhere'), onFailure: 'ERROR' }] })
    ctx.ours.clearLatestCache()
    const reader = avroDeserializer(ctx.ours, { rules: await engine(), useLatestVersion: true })
    expect(await rejection(reader.deserialize('mismatch', orphan))).toMatch(/the DEK registry has no KEK 'kek-nowhere'/)

    await register('nameless-value', { domainRules: [{ ...encryptRule('x'), params: {}, onFailure: 'ERROR' }] })
    expect(await rejection(write('nameless', await engine()))).toMatch(
      /no encrypt\.kek\.name in the rule's params or the schema's metadata/,
    )
    expect(await rejection(avroSerializer(ctx.ours, { useLatestVersion: true }).serialize('nameless', person))).toMatch(
      /type 'ENCRYPT', for which no executor is registered \(field encryption: createRuleEngine\(\{ executors: encryptionExecutors/,
    )
    await register('badalg-value', {
      domainRules: [{ ...encryptRule('kek-alg', { 'encrypt.dek.algorithm': 'ROT13' }), onFailure: 'ERROR' }],
    })
    expect(await rejection(write('badalg', await engine()))).toMatch(/encrypt\.dek\.algorithm 'ROT13' is not one of/)
  })

  it('still decrypts data whose DEK was soft-deleted, and refuses a DEK version the registry does not have', async () => {
    await register('gone-value', { domainRules: [{ ...encryptRule('kek-gone'), onFailure: 'ERROR' }] })
    const bytes = await write('gone', await engine())
    const res = await fetch(`${ctx.server.url}/dek-registry/v1/keks/kek-gone/deks/gone-value`, { method: 'DELETE' })
    expect(res.status).toBe(204)
    expect(await avroDeserializer(ctx.ours, { rules: await engine() }).deserialize('gone', bytes)).toEqual(person)

    await register('gone2-value', {
      domainRules: [{ ...encryptRule('kek-gone', { 'encrypt.dek.expiry.days': '30' }), onFailure: 'ERROR' }],
    })
    const rotated = await write('gone2', await engine())
    const raw = (await avroDeserializer(ctx.ours, { rules: false }).deserialize('gone2', rotated)) as { ssn: string }
    const forged = Buffer.from(raw.ssn, 'base64')
    forged.writeInt32BE(7, 1)
    const tampered = (await avroSerializer(ctx.ours, { useLatestVersion: true, rules: false }).serialize('gone2', {
      ...raw,
      ssn: forged.toString('base64'),
    }))!
    expect(
      await rejection(avroDeserializer(ctx.ours, { rules: await engine() }).deserialize('gone2', tampered)),
    ).toMatch(/no DEK version 7 of subject 'gone2-value' under KEK 'kek-gone'/)
  })

  it('wraps DEKs with a KMS driver plugged in by type, falling back to the alternate key ids', async () => {
    const keys = new Map([['backup', new AesGcm(randomBytes(16))]])
    const vault: KmsDriver = {
      type: 'test-vault',
      newClient(_config, keyId) {
        const key = keys.get(keyId)
        if (key === undefined) throw new Error(`key ${keyId} is unavailable`)
        return { encrypt: (p) => key.encrypt(p), decrypt: (c) => key.decrypt(c) }
      },
    }
    await register('vault-value', {
      domainRules: [
        {
          ...encryptRule('kek-vault', { 'encrypt.kms.type': 'test-vault', 'encrypt.kms.key.id': 'primary' }),
          onFailure: 'ERROR',
        },
      ],
    })
    const options = { kmsDrivers: [vault], config: { 'encrypt.alternate.kms.key.ids': 'backup' } }
    const bytes = await write('vault', await engine(options))
    expect(await avroDeserializer(ctx.ours, { rules: await engine(options) }).deserialize('vault', bytes)).toEqual(
      person,
    )
    const message = await rejection(avroDeserializer(ctx.ours, { rules: await engine() }).deserialize('vault', bytes))
    expect(message).toMatch(/no KMS driver is registered for type 'test-vault'/)
  })
})

/**
 * Data-contract rules in the serializers: what a schema without rules costs (nothing: it is the
 * same path as `rules: false`), and a CEL condition and a CEL_FIELD transform against
 * @confluentinc/schemaregistry's serializer on the same registry, same schema, same rules, in the
 * same run, interleaved, best of a few rounds; and field encryption (ENCRYPT with the local KMS,
 * AES256_GCM and AES256_SIV) on write and on read against the same client.
 * Run: `node --import tsx bench/rules.ts`.
 */
import {
  AvroDeserializer,
  AvroSerializer,
  CelExecutor,
  CelFieldExecutor,
  FieldEncryptionExecutor,
  LocalKmsDriver,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startServer } from '../src/main.js'
import { avroDeserializer, avroSerializer } from '../src/serde/avro.js'
import { encryptionExecutors } from '../src/serde/rules/encryption/executor.js'
import { createRuleEngine } from '../src/serde/rules/runtime.js'
import { HttpSchemaRegistryClient } from '../src/serde/http-client.js'
import { compare, ROUND_MS, ROUNDS, type Op } from './timing.js'

const ORDER = {
  type: 'record',
  name: 'Order',
  namespace: 'bench',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'email', type: 'string', 'confluent:tags': ['PII'] },
    { name: 'amount', type: 'double' },
    { name: 'qty', type: 'int' },
  ],
}
const VALUE = { id: 'o-1', email: 'ada@example.com', amount: 25.5, qty: 3 }

/** `compare` over named async variants. */
const compareAsync = (ops: Record<string, Op>) =>
  compare(Object.entries(ops).map(([name, op]) => ({ name, op, async: true })))

export async function runRulesBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'registrum-rules-bench-'))
  const server = await startServer({ host: '127.0.0.1', port: 0, db: join(dir, 'bench.db'), logLevel: 'silent' })
  const ours = new HttpSchemaRegistryClient({ baseUrl: server.url })
  const confluent = new SchemaRegistryClient({ baseURLs: [server.url] })
  CelExecutor.register()
  CelFieldExecutor.register()
  FieldEncryptionExecutor.register()
  LocalKmsDriver.register()
  const lines: string[] = []
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US')
  const report = (title: string, results: Map<string, number>, baseline: string) => {
    const base = results.get(baseline)!
    for (const [name, ops] of results)
      lines.push(
        `${title.padEnd(26)}${name.padEnd(34)}${fmt(ops).padStart(10)} ops/CPU-s  ${(ops / base).toFixed(2)}x ${baseline}`,
      )
  }
  try {
    const register = async (subject: string, ruleSet?: object) =>
      ours.register(subject, {
        schema: JSON.stringify(ORDER),
        schemaType: 'AVRO',
        references: [],
        ...(ruleSet ? { ruleSet } : {}),
      })

    await register('plain-value')
    const plain = avroSerializer(ours, { useLatestVersion: true })
    const plainOff = avroSerializer(ours, { useLatestVersion: true, rules: false })
    report(
      'no rules (async)',
      await compareAsync({
        'registrum, rules on': () => plain.serialize('plain', VALUE),
        'registrum, rules: false': () => plainOff.serialize('plain', VALUE),
      }),
      'registrum, rules: false',
    )

    await register('cond-value', {
      domainRules: [
        {
          name: 'positive',
          kind: 'CONDITION',
          mode: 'WRITE',
          type: 'CEL',
          expr: 'message.amount > 0.0 && message.qty > 0',
        },
      ],
    })
    const oursCond = avroSerializer(ours, { useLatestVersion: true })
    const theirsCond = new AvroSerializer(confluent, SerdeType.VALUE, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
    })
    report(
      'CEL condition',
      await compareAsync({
        registrum: () => oursCond.serialize('cond', VALUE),
        '@confluentinc/schemaregistry': () => theirsCond.serialize('cond', VALUE),
      }),
      '@confluentinc/schemaregistry',
    )

    await register('mask-value', {
      domainRules: [
        { name: 'mask', kind: 'TRANSFORM', mode: 'WRITE', type: 'CEL_FIELD', tags: ['PII'], expr: '"***"' },
      ],
    })
    const oursMask = avroSerializer(ours, { useLatestVersion: true })
    const theirsMask = new AvroSerializer(confluent, SerdeType.VALUE, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
    })
    report(
      'CEL_FIELD transform',
      await compareAsync({
        registrum: () => oursMask.serialize('mask', VALUE),
        // Confluent's transforms write into the value they are given: hand it a fresh copy.
        '@confluentinc/schemaregistry': () => theirsMask.serialize('mask', { ...VALUE }),
      }),
      '@confluentinc/schemaregistry',
    )

    const secret = 'bench secret'
    const encrypting = await createRuleEngine({
      executors: encryptionExecutors({ dekRegistry: { baseUrl: server.url }, config: { secret } }),
    })
    for (const algorithm of ['AES256_GCM', 'AES256_SIV']) {
      const topic = `enc-${algorithm}`
      await register(`${topic}-value`, {
        domainRules: [
          {
            name: 'encrypt',
            kind: 'TRANSFORM',
            mode: 'WRITEREAD',
            type: 'ENCRYPT',
            tags: ['PII'],
            params: {
              'encrypt.kek.name': `bench-${algorithm}`,
              'encrypt.kms.type': 'local-kms',
              'encrypt.kms.key.id': 'bench',
              'encrypt.dek.algorithm': algorithm,
            },
          },
        ],
      })
      const oursEnc = avroSerializer(ours, { useLatestVersion: true, rules: encrypting })
      const theirsEnc = new AvroSerializer(confluent, SerdeType.VALUE, {
        useLatestVersion: true,
        autoRegisterSchemas: false,
        ruleConfig: { secret },
      })
      report(
        `ENCRYPT ${algorithm} write`,
        await compareAsync({
          registrum: () => oursEnc.serialize(topic, VALUE),
          '@confluentinc/schemaregistry': () => theirsEnc.serialize(topic, { ...VALUE }),
        }),
        '@confluentinc/schemaregistry',
      )
      const bytes = (await oursEnc.serialize(topic, VALUE))!
      const oursDec = avroDeserializer(ours, { rules: encrypting })
      const theirsDec = new AvroDeserializer(confluent, SerdeType.VALUE, { ruleConfig: { secret } })
      report(
        `ENCRYPT ${algorithm} read`,
        await compareAsync({
          registrum: () => oursDec.deserialize(topic, bytes),
          '@confluentinc/schemaregistry': () => theirsDec.deserialize(topic, bytes),
        }),
        '@confluentinc/schemaregistry',
      )
    }
  } finally {
    ours.close()
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  }
  console.log(
    `\ndata-contract rules, Avro serialize (ops per CPU-second, best of ${ROUNDS} x ${ROUND_MS} ms, interleaved)`,
  )
  for (const l of lines) console.log(l)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runRulesBench()
}

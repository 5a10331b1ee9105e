/**
 * Data-contract rules against @confluentinc/schemaregistry, both serdes on our real registry: a
 * message one rejects the other rejects, a field transform or a migration yields the same object,
 * and each reads what the other wrote.
 */
import {
  AvroDeserializer,
  AvroSerializer,
  CelExecutor,
  CelFieldExecutor,
  JsonDeserializer,
  JsonSerializer,
  JsonataExecutor,
  SerdeType,
} from '@confluentinc/schemaregistry'
import { beforeAll, describe, expect, it } from 'vitest'
import { avroDeserializer, avroSerializer } from '../../src/serde/avro.js'
import { jsonDeserializer, jsonSerializer } from '../../src/serde/json.js'
import { protobufDeserializer, protobufSerializer } from '../../src/serde/protobuf.js'
import { dlqAction, type DeadLetter } from '../../src/serde/rules/dlq.js'
import { RuleEngine } from '../../src/serde/rules/engine.js'
import { celExecutor, celFieldExecutor } from '../../src/serde/rules/cel.js'
import { jsonataExecutor } from '../../src/serde/rules/jsonata.js'
import type { Rule, RuleSet } from '../../src/serde/rules/model.js'
import { rejection, serverAndClients } from './fixtures.js'

const PERSON = {
  type: 'record',
  name: 'Person',
  namespace: 'acme',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'ssn', type: 'string', 'confluent:tags': ['PII'] },
    { name: 'age', type: 'int' },
  ],
}

const adult: Rule = { name: 'adult', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'message.age >= 18' }
const mask: Rule = {
  name: 'mask',
  kind: 'TRANSFORM',
  mode: 'WRITE',
  type: 'CEL_FIELD',
  tags: ['PII'],
  expr: 'typeName == "STRING"; "XXX-XX-" + value.substring(7)',
}

describe('data-contract rules against @confluentinc/schemaregistry', () => {
  const ctx = serverAndClients()

  beforeAll(() => {
    CelExecutor.register()
    CelFieldExecutor.register()
    JsonataExecutor.register()
  })

  const register = (subject: string, schema: object, ruleSet: RuleSet, extra: Record<string, unknown> = {}) =>
    ctx.confluent.register(subject, {
      schemaType: (extra.schemaType as string) ?? 'AVRO',
      schema: JSON.stringify(schema),
      ruleSet: ruleSet as never,
      ...extra,
    } as never)

  it('rejects on write, in both serdes, the messages a CEL condition fails, and accepts the others', async () => {
    await register('people-value', PERSON, { domainRules: [adult] })
    const theirs = new AvroSerializer(ctx.confluent, SerdeType.VALUE, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
    })
    const ours = avroSerializer(ctx.ours, { useLatestVersion: true })
    const child = { name: 'Tim', ssn: '111-22-3333', age: 9 }
    expect(await rejection(theirs.serialize('people', child))).toBeDefined()
    expect(await rejection(ours.serialize('people', child))).toMatch(/adult.*message\.age >= 18/)
    const grown = { name: 'Ada', ssn: '111-22-3333', age: 36 }
    const a = await ours.serialize('people', grown)
    const b = await theirs.serialize('people', grown)
    expect(a!.toString('hex')).toBe(b.toString('hex'))
  })

  it('masks tagged fields the same way with a CEL_FIELD transform, and each reads the other', async () => {
    await register('masked-value', PERSON, { domainRules: [mask] })
    const theirs = new AvroSerializer(ctx.confluent, SerdeType.VALUE, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
    })
    const ours = avroSerializer(ctx.ours, { useLatestVersion: true })
    const person = { name: 'Ada', ssn: '111-22-3333', age: 36 }
    const mine = (await ours.serialize('masked', person))!
    const other = await theirs.serialize('masked', { ...person })
    expect(mine.toString('hex')).toBe(other.toString('hex'))
    expect(person.ssn).toBe('111-22-3333')
    const expected = { name: 'Ada', ssn: 'XXX-XX-3333', age: 36 }
    expect(await avroDeserializer(ctx.ours).deserialize('masked', other)).toEqual(expected)
    expect(await new AvroDeserializer(ctx.confluent, SerdeType.VALUE, {}).deserialize('masked', mine)).toEqual(expected)
  })

  it('fails on read a message whose READ condition is false', async () => {
    const readRule: Rule = {
      name: 'no-bob',
      kind: 'CONDITION',
      mode: 'READ',
      type: 'CEL',
      expr: "message.name != 'Bob'",
    }
    await register('readers-value', PERSON, { domainRules: [readRule] })
    const bytes = (await avroSerializer(ctx.ours, { useLatestVersion: true }).serialize('readers', {
      name: 'Bob',
      ssn: '1',
      age: 40,
    }))!
    expect(await rejection(avroDeserializer(ctx.ours).deserialize('readers', bytes))).toMatch(/no-bob/)
    // Confluent's JavaScript deserializer lets it through: its CEL sees avsc's record instances,
    // cannot read their fields, and counts the evaluation error as a pass (Java's rejects it).
    expect(
      await rejection(new AvroDeserializer(ctx.confluent, SerdeType.VALUE, {}).deserialize('readers', bytes)),
    ).toBeUndefined()
    const ok = (await avroSerializer(ctx.ours, { useLatestVersion: true }).serialize('readers', {
      name: 'Ann',
      ssn: '1',
      age: 40,
    }))!
    expect(await avroDeserializer(ctx.ours).deserialize('readers', ok)).toEqual({ name: 'Ann', ssn: '1', age: 40 })
    expect(() => avroDeserializer(ctx.ours).deserializeSync('readers', ok)).toThrow()
  })

  it('writes a message that fails a rule with onFailure NONE, in both serdes', async () => {
    await register('lenient-value', PERSON, { domainRules: [{ ...adult, onFailure: 'NONE' }] })
    const child = { name: 'Tim', ssn: '1', age: 9 }
    const mine = (await avroSerializer(ctx.ours, { useLatestVersion: true }).serialize('lenient', child))!
    const other = await new AvroSerializer(ctx.confluent, SerdeType.VALUE, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
    }).serialize('lenient', child)
    expect(mine.toString('hex')).toBe(other.toString('hex'))
  })

  it('ignores disabled rules, and every rule when the serde is told to', async () => {
    await register('disabled-value', PERSON, { domainRules: [{ ...adult, disabled: true }] })
    const child = { name: 'Tim', ssn: '1', age: 9 }
    await expect(
      avroSerializer(ctx.ours, { useLatestVersion: true }).serialize('disabled', child),
    ).resolves.toBeInstanceOf(Buffer)
    await register('ignored-value', PERSON, { domainRules: [adult] })
    await expect(
      avroSerializer(ctx.ours, { useLatestVersion: true, rules: false }).serialize('ignored', child),
    ).resolves.toBeInstanceOf(Buffer)
  })

  it('checks JSON Schema messages with the same verdicts', async () => {
    const schema = {
      type: 'object',
      title: 'Person',
      properties: { name: { type: 'string' }, age: { type: 'integer' } },
    }
    await register('jpeople-value', schema, { domainRules: [adult] }, { schemaType: 'JSON' })
    const theirs = new JsonSerializer(ctx.confluent, SerdeType.VALUE, {
      useLatestVersion: true,
      autoRegisterSchemas: false,
    })
    const ours = jsonSerializer(ctx.ours, { useLatestVersion: true })
    expect(await rejection(theirs.serialize('jpeople', { name: 'Tim', age: 3 }))).toBeDefined()
    expect(await rejection(ours.serialize('jpeople', { name: 'Tim', age: 3 }))).toMatch(/adult/)
    const bytes = (await ours.serialize('jpeople', { name: 'Ada', age: 30 }))!
    expect(await new JsonDeserializer(ctx.confluent, SerdeType.VALUE, {}).deserialize('jpeople', bytes)).toEqual({
      name: 'Ada',
      age: 30,
    })
    expect(await jsonDeserializer(ctx.ours).deserialize('jpeople', bytes)).toEqual({ name: 'Ada', age: 30 })
  })

  it('runs CEL conditions and tagged field transforms on Protobuf messages', async () => {
    const proto = `syntax = "proto3"; package acme; import "confluent/meta.proto";
message Person { string name = 1; string ssn_number = 2 [(confluent.field_meta).tags = "PII"]; int32 age = 3; }`
    await ctx.ours.register('ppeople-value', {
      schema: proto,
      schemaType: 'PROTOBUF',
      references: [],
      ruleSet: { domainRules: [adult, mask] },
    })
    const ser = protobufSerializer(ctx.ours, { useLatestVersion: true })
    await expect(ser.serialize('ppeople', { name: 'Tim', ssn_number: '111-22-3333', age: 3 })).rejects.toThrow(/adult/)
    const bytes = (await ser.serialize('ppeople', { name: 'Ada', ssn_number: '111-22-3333', age: 36 }))!
    const read = (await protobufDeserializer(ctx.ours, { toObject: {} }).deserialize(
      'ppeople',
      bytes,
    )) as unknown as Record<string, unknown>
    expect(read).toMatchObject({ name: 'Ada', ssn_number: 'XXX-XX-3333', age: 36 })
  })

  it('runs read field rules on the Protobuf message the payload names, not the first of the file', async () => {
    const proto = `syntax = "proto3"; package acme; import "confluent/meta.proto";
message Other { string note = 1; }
message Person { string name = 1; string ssn = 2 [(confluent.field_meta).tags = "PII"]; }`
    const mask: Rule = {
      name: 'mask-on-read',
      kind: 'TRANSFORM',
      mode: 'READ',
      type: 'CEL_FIELD',
      tags: ['PII'],
      expr: '"***"',
    }
    await ctx.ours.register('pread-value', {
      schema: proto,
      schemaType: 'PROTOBUF',
      references: [],
      ruleSet: { domainRules: [mask] },
    })
    const bytes = (await protobufSerializer(ctx.ours, { useLatestVersion: true, messageType: 'acme.Person' }).serialize(
      'pread',
      { name: 'Ada', ssn: '111-22-3333' },
    ))!
    expect(await protobufDeserializer(ctx.ours).deserialize('pread', bytes)).toEqual({ name: 'Ada', ssn: '***' })
  })

  it('sends a failing message to the dead-letter sink and writes nothing', async () => {
    await register('dlq-value', PERSON, {
      domainRules: [{ ...adult, onFailure: 'DLQ', params: { 'dlq.topic': 'people-dlq' } }],
    })
    const letters: DeadLetter[] = []
    const rules = new RuleEngine({
      executors: [celExecutor(), celFieldExecutor(), jsonataExecutor()],
      actions: [
        dlqAction((l) => {
          letters.push(l)
        }),
      ],
    })
    const ser = avroSerializer(ctx.ours, { useLatestVersion: true, rules })
    await expect(ser.serialize('dlq', { name: 'Tim', ssn: '1', age: 9 })).rejects.toThrow(/people-dlq/)
    expect(letters.map((l) => [l.topic, l.headers['__rule.name'], (l.message as { name: string }).name])).toEqual([
      ['people-dlq', 'adult', 'Tim'],
    ])
  })

  describe('migrations between major versions with JSONata', () => {
    const v1 = {
      type: 'record',
      name: 'Widget',
      fields: [
        { name: 'name', type: 'string' },
        { name: 'size', type: 'int' },
        { name: 'version', type: 'int' },
      ],
    }
    const v2 = {
      type: 'record',
      name: 'Widget',
      fields: [
        { name: 'name', type: 'string' },
        { name: 'height', type: 'int' },
        { name: 'version', type: 'int' },
      ],
    }
    const v3 = {
      type: 'record',
      name: 'Widget',
      fields: [
        { name: 'name', type: 'string' },
        { name: 'length', type: 'int' },
        { name: 'version', type: 'int' },
      ],
    }
    const rename = (from: string, to: string) =>
      `$merge([$sift($, function($v, $k) {$k != '${from}'}), {'${to}': $.'${from}'}])`
    const migrations = (up: string, down: string): Rule[] => [
      { name: 'up', kind: 'TRANSFORM', mode: 'UPGRADE', type: 'JSONATA', expr: up },
      { name: 'down', kind: 'TRANSFORM', mode: 'DOWNGRADE', type: 'JSONATA', expr: down },
    ]
    const objects = [
      { name: 'alice', size: 123, version: 1 },
      { name: 'alice', height: 123, version: 1 },
      { name: 'alice', length: 123, version: 1 },
    ]
    const version = (v: number) => ({ 'application.version': `v${v}` })

    beforeAll(async () => {
      await ctx.confluent.updateConfig('widgets-value', { compatibilityGroup: 'application.version' })
      const meta = (v: number) => ({ properties: version(v) })
      await register('widgets-value', v1, {}, { metadata: meta(1) })
      await register(
        'widgets-value',
        v2,
        { migrationRules: migrations(rename('size', 'height'), rename('height', 'size')) },
        { metadata: meta(2) },
      )
      await register(
        'widgets-value',
        v3,
        { migrationRules: migrations(rename('height', 'length'), rename('length', 'height')) },
        { metadata: meta(3) },
      )
    })

    it.each([1, 2, 3])(
      'reads a v%i message as every version, as Confluent does, whichever serde wrote it',
      async (w) => {
        const mine = (await avroSerializer(ctx.ours, { useLatestWithMetadata: version(w) }).serialize(
          'widgets',
          objects[w - 1],
        ))!
        const theirs = await new AvroSerializer(ctx.confluent, SerdeType.VALUE, {
          useLatestWithMetadata: version(w),
          autoRegisterSchemas: false,
        }).serialize('widgets', { ...objects[w - 1] })
        expect(mine.toString('hex')).toBe(theirs.toString('hex'))
        for (const r of [1, 2, 3]) {
          const ourRead = await avroDeserializer(ctx.ours, { useLatestWithMetadata: version(r) }).deserialize(
            'widgets',
            theirs,
          )
          const theirRead = await new AvroDeserializer(ctx.confluent, SerdeType.VALUE, {
            useLatestWithMetadata: version(r),
          }).deserialize('widgets', mine)
          expect(ourRead).toEqual(objects[r - 1])
          expect(ourRead).toEqual(theirRead)
        }
      },
    )
  })
})

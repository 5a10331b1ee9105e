import { describe, expect, it } from 'vitest'
import { avroFormat } from '../../formats/avro/index.js'
import { parseProtobuf } from '../../formats/protobuf/parse.js'
import { celExecutor, celFieldExecutor } from './cel.js'
import type { FieldWalker } from './context.js'
import { dlqAction, type DeadLetter } from './dlq.js'
import { RuleEngine, RuleError, type RuleEngineOptions, type RuleRun } from './engine.js'
import { avroFieldWalker, jsonFieldWalker, protobufFieldTags, protobufFieldWalker } from './fields.js'
import { jsonataExecutor } from './jsonata.js'
import type { Metadata, Rule, RuleSchema } from './model.js'
import { matchesPath } from './wildcard.js'

const USER_AVRO = JSON.stringify({
  type: 'record',
  name: 'User',
  namespace: 'acme',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'ssn', type: 'string', 'confluent:tags': ['PII'] },
    { name: 'age', type: 'int' },
    {
      name: 'address',
      type: [
        'null',
        { type: 'record', name: 'Address', fields: [{ name: 'street', type: 'string', 'confluent:tags': ['PII'] }] },
      ],
      default: null,
    },
  ],
})
const userAvro = avroFormat.parse(USER_AVRO, [], 'new')

const engine = (extra: Omit<RuleEngineOptions, 'executors'> = {}) =>
  new RuleEngine({ executors: [celExecutor(), celFieldExecutor(), jsonataExecutor()], ...extra })

const schemaWith = (
  rules: Rule[],
  extra: { metadata?: Metadata; enableAt?: string; text?: string } = {},
): RuleSchema => ({
  schemaType: 'AVRO',
  schema: extra.text ?? USER_AVRO,
  metadata: extra.metadata,
  ruleSet: { domainRules: rules, ...(extra.enableAt === undefined ? {} : { enableAt: extra.enableAt }) },
})

const write = (target: RuleSchema, walkFields: FieldWalker = avroFieldWalker(userAvro.root)): RuleRun => ({
  subject: 'users-value',
  topic: 'users',
  isKey: false,
  phase: 'DOMAIN',
  mode: 'WRITE',
  target,
  walkFields,
})

const user = { name: 'Ada', ssn: '123-45-6789', age: 36, address: { street: 'Main St' } }

describe('rule engine', () => {
  it('passes a message whose CEL condition holds and fails one whose condition is false', async () => {
    const rule: Rule = { name: 'adult', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'message.age >= 18' }
    await expect(engine().execute(write(schemaWith([rule])), user)).resolves.toBe(user)
    const err = await engine()
      .execute(write(schemaWith([rule])), { ...user, age: 12 })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RuleError)
    expect((err as RuleError).code).toBe('RULE_FAILED')
    expect((err as Error).message).toContain("'message.age >= 18'")
  })

  it('uses the rule doc as the failure message when there is one', async () => {
    const rule: Rule = {
      name: 'adult',
      doc: 'Users must be adults.',
      kind: 'CONDITION',
      mode: 'WRITEREAD',
      type: 'CEL',
      expr: 'message.age >= 18',
    }
    await expect(engine().execute(write(schemaWith([rule])), { ...user, age: 1 })).rejects.toThrow(
      'Users must be adults.',
    )
  })

  it('runs only the rules whose mode matches, and none that are disabled or enabled elsewhere', async () => {
    const failing = (over: Partial<Rule>): Rule => ({
      name: 'never',
      kind: 'CONDITION',
      mode: 'WRITE',
      type: 'CEL',
      expr: 'false',
      ...over,
    })
    await expect(engine().execute(write(schemaWith([failing({ mode: 'READ' })])), user)).resolves.toBe(user)
    await expect(engine().execute(write(schemaWith([failing({ mode: 'UPGRADE' })])), user)).resolves.toBe(user)
    await expect(engine().execute(write(schemaWith([failing({ disabled: true })])), user)).resolves.toBe(user)
    await expect(engine().execute(write(schemaWith([failing({})], { enableAt: 'SERVER' })), user)).resolves.toBe(user)
    await expect(engine().execute(write(schemaWith([failing({})], { enableAt: 'CLIENT' })), user)).rejects.toThrow(
      RuleError,
    )
    await expect(engine().execute(write(schemaWith([failing({ mode: 'WRITEREAD' })])), user)).rejects.toThrow(RuleError)
    await expect(
      engine({ overrides: [{ type: 'CEL', disabled: true }] }).execute(write(schemaWith([failing({})])), user),
    ).resolves.toBe(user)
  })

  it('follows onFailure NONE, and picks the write or read half of a two-way action', async () => {
    const none: Rule = { name: 'n', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'false', onFailure: 'NONE' }
    await expect(engine().execute(write(schemaWith([none])), user)).resolves.toBe(user)
    const twoWay: Rule = {
      name: 't',
      kind: 'CONDITION',
      mode: 'WRITEREAD',
      type: 'CEL',
      expr: 'false',
      onFailure: 'NONE,ERROR',
    }
    await expect(engine().execute(write(schemaWith([twoWay])), user)).resolves.toBe(user)
    await expect(engine().execute({ ...write(schemaWith([twoWay])), mode: 'READ' }, user)).rejects.toThrow(RuleError)
  })

  it('skips the expression when its guard is false', async () => {
    const rule: Rule = {
      name: 'g',
      kind: 'CONDITION',
      mode: 'WRITE',
      type: 'CEL',
      expr: 'message.name == "Bob"; message.age > 100',
    }
    await expect(engine().execute(write(schemaWith([rule])), user)).resolves.toBe(user)
    await expect(engine().execute(write(schemaWith([rule])), { ...user, name: 'Bob' })).rejects.toThrow(RuleError)
  })

  it('fails clearly on an expression that does not parse, an unknown rule type and an unknown action', async () => {
    const bad: Rule = { name: 'bad', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'message.age >=' }
    await expect(engine().execute(write(schemaWith([bad])), user)).rejects.toThrow(/does not parse/)
    const unknownType: Rule = { name: 'u', kind: 'CONDITION', mode: 'WRITE', type: 'LUA', expr: 'x' }
    await expect(engine().execute(write(schemaWith([unknownType])), user)).rejects.toThrow(/no executor is registered/)
    const unknownAction: Rule = {
      name: 'a',
      kind: 'CONDITION',
      mode: 'WRITE',
      type: 'CEL',
      expr: 'false',
      onFailure: 'PAGER',
    }
    await expect(engine().execute(write(schemaWith([unknownAction])), user)).rejects.toThrow(/action 'PAGER'/)
  })

  it('treats an expression that errs at run time as a failure, not a pass', async () => {
    const rule: Rule = { name: 'missing', kind: 'CONDITION', mode: 'WRITE', type: 'CEL', expr: 'message.nope == 1' }
    await expect(engine().execute(write(schemaWith([rule])), user)).rejects.toThrow(/failed: .*nope/)
  })

  it('transforms the whole message with CEL', async () => {
    const rule: Rule = {
      name: 'up',
      kind: 'TRANSFORM',
      mode: 'WRITE',
      type: 'CEL',
      expr: '{"name": message.name.upperAscii(), "ssn": message.ssn, "age": message.age}',
    }
    const out = (await engine().execute(write(schemaWith([rule])), user)) as Record<string, unknown>
    expect(out.name).toBe('ADA')
  })
})

describe('field rules', () => {
  const mask: Rule = {
    name: 'mask',
    kind: 'TRANSFORM',
    mode: 'WRITE',
    type: 'CEL_FIELD',
    tags: ['PII'],
    expr: 'typeName == "STRING"; "XXX"',
  }

  it("transforms the tagged Avro fields, nested ones included, and leaves the caller's value untouched", async () => {
    const original = structuredClone(user)
    const out = await engine().execute(write(schemaWith([mask])), user)
    expect(out).toEqual({ name: 'Ada', ssn: 'XXX', age: 36, address: { street: 'XXX' } })
    expect(user).toEqual(original)
  })

  it('adds the tags metadata gives a path, with wildcards', async () => {
    const rule: Rule = { ...mask, tags: ['NAME'] }
    const out = await engine().execute(
      write(schemaWith([rule], { metadata: { tags: { 'acme.User.na*': ['NAME'] } } })),
      user,
    )
    expect(out).toMatchObject({ name: 'XXX', ssn: '123-45-6789' })
  })

  it('binds name, fullName, typeName, tags, value and the containing message', async () => {
    const rule: Rule = {
      name: 'vars',
      kind: 'CONDITION',
      mode: 'WRITE',
      type: 'CEL_FIELD',
      tags: ['PII'],
      expr: 'fullName == "acme.User.ssn"; name == "ssn" && typeName == "STRING" && "PII" in tags && value.size() == 11 && message.name == "Ada"',
    }
    await expect(engine().execute(write(schemaWith([rule])), user)).resolves.toBe(user)
  })

  it('fails a field condition that is false for one field', async () => {
    const rule: Rule = {
      name: 'short',
      kind: 'CONDITION',
      mode: 'WRITE',
      type: 'CEL_FIELD',
      tags: ['PII'],
      expr: 'value.size() < 10',
    }
    await expect(engine().execute(write(schemaWith([rule])), user)).rejects.toThrow(RuleError)
  })

  it('walks JSON Schema properties with their confluent:tags and $refs', async () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string' },
        ssn: { type: 'string', 'confluent:tags': ['PII'] },
        home: { $ref: '#/$defs/Address' },
      },
      $defs: { Address: { type: 'object', properties: { street: { type: 'string', 'confluent:tags': ['PII'] } } } },
    }
    const target: RuleSchema = { schemaType: 'JSON', schema: JSON.stringify(schema), ruleSet: { domainRules: [mask] } }
    const out = await engine().execute(write(target, jsonFieldWalker(schema)), {
      name: 'Ada',
      ssn: '1',
      home: { street: 'Main' },
    })
    expect(out).toEqual({ name: 'Ada', ssn: 'XXX', home: { street: 'XXX' } })
  })

  it('walks Protobuf messages with (confluent.field_meta).tags, by .proto and JSON field names', async () => {
    const parsed = parseProtobuf(
      `syntax = "proto3"; package acme; import "confluent/meta.proto";
      message User { string name = 1; string ssn_number = 2 [(confluent.field_meta).tags = "PII"]; Address home = 3; repeated Address others = 4; }
      message Address { string street = 1 [(confluent.field_meta) = { tags: ["PII"] }]; }`,
      [],
      'new',
    )
    const walker = protobufFieldWalker(parsed.lookupMessage('acme.User')!, protobufFieldTags([parsed.file]))
    const target: RuleSchema = { schemaType: 'PROTOBUF', schema: parsed.text, ruleSet: { domainRules: [mask] } }
    const out = await engine().execute(write(target, walker), {
      name: 'Ada',
      ssnNumber: '1',
      home: { street: 'a' },
      others: [{ street: 'b' }],
    })
    expect(out).toEqual({ name: 'Ada', ssnNumber: 'XXX', home: { street: 'XXX' }, others: [{ street: 'XXX' }] })
  })

  it('runs only the first of two transforms on the same tags on write', async () => {
    const second: Rule = { ...mask, name: 'mask2', expr: '"YYY"' }
    const out = await engine().execute(write(schemaWith([mask, second])), user)
    expect(out).toMatchObject({ ssn: 'XXX' })
  })
})

describe('migration rules', () => {
  it('upgrades and downgrades with JSONata', async () => {
    const v1: RuleSchema = { schemaType: 'JSON', schema: '{}', version: 1 }
    const v2: RuleSchema = {
      schemaType: 'JSON',
      schema: '{}',
      version: 2,
      ruleSet: {
        migrationRules: [
          {
            name: 'up',
            kind: 'TRANSFORM',
            mode: 'UPGRADE',
            type: 'JSONATA',
            expr: "$merge([$sift($, function($v, $k) {$k != 'size'}), {'height': $.size}])",
          },
          {
            name: 'down',
            kind: 'TRANSFORM',
            mode: 'DOWNGRADE',
            type: 'JSONATA',
            expr: "$merge([$sift($, function($v, $k) {$k != 'height'}), {'size': $.height}])",
          },
        ],
      },
    }
    const base = { subject: 's', topic: 't', isKey: false, phase: 'MIGRATION' as const }
    await expect(
      engine().execute({ ...base, mode: 'UPGRADE', source: v1, target: v2 }, { name: 'a', size: 3 }),
    ).resolves.toEqual({ name: 'a', height: 3 })
    await expect(
      engine().execute({ ...base, mode: 'DOWNGRADE', source: v2, target: v1 }, { name: 'a', height: 3 }),
    ).resolves.toEqual({ name: 'a', size: 3 })
  })
})

describe('DLQ action', () => {
  it('hands the failing message to the sink with the rule headers, then fails', async () => {
    const letters: DeadLetter[] = []
    const rule: Rule = {
      name: 'adult',
      kind: 'CONDITION',
      mode: 'WRITE',
      type: 'CEL',
      expr: 'message.age >= 18',
      onFailure: 'DLQ',
      params: { 'dlq.topic': 'users-dlq' },
    }
    const e = engine({
      actions: [
        dlqAction((l) => {
          letters.push(l)
        }),
      ],
    })
    await expect(e.execute(write(schemaWith([rule])), { ...user, age: 3 })).rejects.toThrow(/sent to 'users-dlq'/)
    expect(letters).toHaveLength(1)
    expect(letters[0]!.topic).toBe('users-dlq')
    expect(letters[0]!.headers).toMatchObject({
      '__rule.name': 'adult',
      '__rule.mode': 'WRITE',
      '__rule.topic': 'users',
    })
    expect(letters[0]!.message).toMatchObject({ age: 3 })
  })
})

describe('metadata tag paths', () => {
  it.each([
    ['acme.User.ssn', 'acme.User.ssn', true],
    ['acme.User.ssn', 'acme.User.*', true],
    ['acme.User.ssn', 'acme.*', false],
    ['acme.User.ssn', 'acme.**', true],
    ['acme.User.ssn', '**.ssn', true],
    ['acme.User.ssn', 'acme.User.ss?', true],
    ['acme.User.ssn', 'acme.User.s', false],
    ['$.a.b', '$.a.*', true],
  ])('%s against %s is %s', (path, pattern, expected) => {
    expect(matchesPath(path, pattern)).toBe(expected)
  })

  it('matches in linear time a pattern that would backtrack as a regular expression', () => {
    expect(matchesPath('a'.repeat(5000) + 'b', '*'.repeat(30) + 'c')).toBe(false)
  })
})

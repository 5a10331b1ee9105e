import fc from 'fast-check'
import type { StoreReader } from '../../../src/store/store.js'

export type FuzzType = 'AVRO' | 'PROTOBUF' | 'JSON'

/** A valid schema per format: the subject's first version and the seed that mutations start from. */
export const SEEDS: Record<FuzzType, string> = {
  AVRO: JSON.stringify({
    type: 'record',
    name: 'Order',
    namespace: 'fz',
    fields: [
      { name: 'id', type: 'long' },
      { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] }, default: 'A' },
      { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
      { name: 'note', type: ['null', 'string'], default: null },
      { name: 'hash', type: { type: 'fixed', name: 'H', size: 4 } },
      {
        name: 'attrs',
        type: { type: 'map', values: { type: 'bytes', logicalType: 'decimal', precision: 4, scale: 2 } },
      },
    ],
  }),
  PROTOBUF: `syntax = "proto3";
package fz;
import "google/protobuf/timestamp.proto";
message Order {
  int64 id = 1;
  string note = 2;
  repeated Line lines = 3;
  map<string, int32> counts = 4;
  oneof pay { string card = 5; int32 cash = 6; }
  google.protobuf.Timestamp at = 7;
  enum Kind { A = 0; B = 1; }
  reserved 9, 10 to 12;
  message Line { string sku = 1; }
}
`,
  JSON: JSON.stringify({
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: {
      id: { type: 'integer', minimum: 0 },
      note: { type: ['string', 'null'], maxLength: 20 },
      lines: { type: 'array', items: { $ref: '#/definitions/line' } },
    },
    required: ['id'],
    additionalProperties: false,
    definitions: { line: { type: 'object', properties: { sku: { type: 'string', pattern: '^[A-Z]+$' } } } },
  }),
}

const TOKENS: Record<FuzzType, string[]> = {
  AVRO: [
    '{',
    '}',
    '[',
    ']',
    '"',
    ':',
    ',',
    '"type"',
    '"record"',
    '"name"',
    '"fields"',
    '"enum"',
    '"symbols"',
    '"array"',
    '"items"',
    '"map"',
    '"values"',
    '"fixed"',
    '"size"',
    '"default"',
    '"logicalType"',
    '"decimal"',
    '"null"',
    'null',
    'true',
    '-1',
    '1e309',
    '"aliases"',
    '"namespace"',
    '"doc"',
  ],
  PROTOBUF: [
    '{',
    '}',
    ';',
    '=',
    '<',
    '>',
    '"',
    'message',
    'enum',
    'oneof',
    'map',
    'repeated',
    'optional',
    'required',
    'import',
    'package',
    'syntax',
    'option',
    'reserved',
    'extensions',
    'extend',
    'service',
    'rpc',
    'returns',
    'stream',
    'to',
    'max',
    'int32',
    'string',
    'bytes',
    'group',
    '0',
    '-1',
    '536870912',
    '19000',
    '"proto2"',
    '"proto3"',
    'google.protobuf.Any',
    '.',
    '[',
    ']',
    '(',
    ')',
    '//',
    '/*',
  ],
  JSON: [
    '{',
    '}',
    '[',
    ']',
    '"',
    ':',
    ',',
    '"type"',
    '"object"',
    '"properties"',
    '"items"',
    '"$ref"',
    '"#/definitions/x"',
    '"#"',
    '"allOf"',
    '"anyOf"',
    '"oneOf"',
    '"not"',
    '"enum"',
    '"const"',
    '"required"',
    '"additionalProperties"',
    '"pattern"',
    '"(["',
    '"minimum"',
    '"maxLength"',
    '"$schema"',
    '"if"',
    '"then"',
    'null',
    'true',
    '-1',
    '1e309',
    '"$id"',
    '"$defs"',
  ],
}

const edit = (tokens: string[]) =>
  fc.record({
    at: fc.nat(),
    kind: fc.constantFrom('delete', 'insert', 'replace', 'cut'),
    text: fc.oneof(
      fc.constantFrom(...tokens),
      fc.string({ maxLength: 4 }),
      fc.constantFrom('\u0000', '\uD800', '\\u0000', '\\'),
    ),
    len: fc.integer({ min: 1, max: 12 }),
  })

/** The seed with a few random edits: deletions, insertions of format tokens, cut ranges. */
function mutated(type: FuzzType): fc.Arbitrary<string> {
  return fc.array(edit(TOKENS[type]), { minLength: 1, maxLength: 6 }).map((edits) => {
    let s = SEEDS[type]
    for (const e of edits) {
      const at = e.at % (s.length + 1)
      if (e.kind === 'delete') s = s.slice(0, at) + s.slice(at + 1)
      else if (e.kind === 'insert') s = s.slice(0, at) + e.text + s.slice(at)
      else if (e.kind === 'replace') s = s.slice(0, at) + e.text + s.slice(at + e.text.length)
      else s = s.slice(0, at) + s.slice(at + e.len)
    }
    return s
  })
}

const tokenSoup = (type: FuzzType) =>
  fc.array(fc.constantFrom(...TOKENS[type], 'a', 'b', 'X', '1'), { maxLength: 40 }).map((t) => t.join(' '))

const avroLike: fc.Arbitrary<unknown> = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(
      'null',
      'int',
      'long',
      'string',
      'bytes',
      'boolean',
      'float',
      'double',
      'Order',
      'fz.Kind',
      'nope',
      '',
    ),
    fc.array(tie('schema'), { maxLength: 3 }),
    fc.record(
      {
        type: fc.constantFrom('record', 'enum', 'array', 'map', 'fixed', 'error', 'int', 'string', 'union'),
        name: fc.oneof(fc.constantFrom('Order', 'A', 'fz.Order', '1bad', 'a-b', ''), fc.string({ maxLength: 5 })),
        fields: fc.array(
          fc.record(
            {
              name: fc.oneof(fc.constantFrom('id', 'x', ''), fc.string({ maxLength: 4 })),
              type: tie('schema'),
              default: fc.jsonValue({ maxDepth: 2 }),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 4 },
        ),
        symbols: fc.array(fc.oneof(fc.constantFrom('A', 'B', 'A'), fc.string({ maxLength: 3 })), { maxLength: 4 }),
        items: tie('schema'),
        values: tie('schema'),
        size: fc.oneof(fc.integer({ min: -2, max: 20 }), fc.jsonValue({ maxDepth: 1 })),
        logicalType: fc.constantFrom('decimal', 'uuid', 'date', 'timestamp-millis', 'x'),
        precision: fc.integer({ min: -1, max: 40 }),
        scale: fc.integer({ min: -1, max: 40 }),
        aliases: fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
      },
      { requiredKeys: ['type'] },
    ),
  ),
})).schema

const KEYWORDS = [
  'type',
  'properties',
  'items',
  'prefixItems',
  '$ref',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'enum',
  'const',
  'required',
  'additionalProperties',
  'patternProperties',
  'pattern',
  'minimum',
  'exclusiveMaximum',
  'maxLength',
  'format',
  '$schema',
  '$id',
  'definitions',
  '$defs',
  'if',
  'then',
  'else',
  'dependencies',
  'dependentSchemas',
  'unevaluatedProperties',
  'contains',
  'multipleOf',
]

const jsonSchemaLike: fc.Arbitrary<unknown> = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small' },
    fc.boolean(),
    fc.dictionary(
      fc.constantFrom(...KEYWORDS),
      fc.oneof(
        tie('schema'),
        fc.array(tie('schema'), { maxLength: 3 }),
        fc.dictionary(fc.string({ maxLength: 3 }), tie('schema'), { maxKeys: 3 }),
        fc.constantFrom(
          'object',
          'string',
          'integer',
          'null',
          '#',
          '#/definitions/x',
          '#/properties/id',
          'http://json-schema.org/draft-07/schema#',
          '[',
          'date-time',
        ),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      { maxKeys: 5 },
    ),
  ),
})).schema

/** Schema texts for a format that are almost always invalid or incompatible with the seed. */
export function schemaTexts(type: FuzzType): fc.Arbitrary<string> {
  const structured =
    type === 'AVRO'
      ? avroLike.map((v) => JSON.stringify(v))
      : type === 'JSON'
        ? jsonSchemaLike.map((v) => JSON.stringify(v))
        : tokenSoup(type)
  return fc.oneof(
    { arbitrary: mutated(type), weight: 4 },
    { arbitrary: structured, weight: 3 },
    { arbitrary: tokenSoup(type), weight: 1 },
    { arbitrary: fc.string({ maxLength: 60 }), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), weight: 1 },
  )
}

/** Whole request bodies: fields of the wrong type, odd references, metadata and rule sets. */
export function requestBodies(type: FuzzType): fc.Arbitrary<unknown> {
  const reference = fc.record(
    {
      name: fc.oneof(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })),
      subject: fc.oneof(fc.constantFrom(`fuzz-${type}`, 'missing', ''), fc.jsonValue({ maxDepth: 1 })),
      version: fc.oneof(fc.integer({ min: -3, max: 3 }), fc.jsonValue({ maxDepth: 1 })),
    },
    { requiredKeys: [] },
  )
  const body = fc.record(
    {
      schema: fc.oneof(schemaTexts(type), fc.jsonValue({ maxDepth: 2 })),
      schemaType: fc.oneof(fc.constantFrom(type, type.toLowerCase(), 'XML', ''), fc.jsonValue({ maxDepth: 1 })),
      references: fc.oneof(fc.array(reference, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 })),
      version: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.jsonValue({ maxDepth: 1 })),
      id: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.jsonValue({ maxDepth: 1 })),
      metadata: fc.oneof(
        fc.record({ properties: fc.dictionary(fc.string({ maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })) }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      ruleSet: fc.oneof(
        fc.record({ domainRules: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 2 }) }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    },
    { requiredKeys: [] },
  )
  return fc.oneof({ arbitrary: body, weight: 5 }, { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 })
}

/** Everything a client can observe about the store, for before/after comparison. */
export function dumpStore(store: StoreReader): string {
  const subjects = [...store.subjects()].sort()
  const contexts = store.contexts().sort()
  return JSON.stringify({
    subjects: subjects.map((s) => ({
      s,
      versions: store.versionsOf(s),
      config: store.config(s) ?? null,
      mode: store.mode(s) ?? null,
    })),
    schemas: contexts.map((c) => ({
      c,
      max: store.maxId(c),
      ids: Array.from({ length: store.maxId(c) }, (_, i) => store.schemaById(c, i + 1) ?? null),
    })),
    global: { config: store.config(':.:') ?? null, mode: store.mode(':.:') ?? null },
  })
}

import { describe, expect, it } from 'vitest'
import { SchemaParseError, type ResolvedRef } from '../format.js'
import { parseJsonSchema } from './parse.js'

const ref = (name: string, schema: unknown): ResolvedRef => ({
  name,
  subject: name,
  version: 1,
  schema: typeof schema === 'string' ? schema : JSON.stringify(schema),
  schemaType: 'JSON',
})

function parseError(text: string, refs: ResolvedRef[] = [], mode: 'new' | 'stored' = 'new'): SchemaParseError {
  try {
    parseJsonSchema(text, refs, mode)
  } catch (e) {
    if (e instanceof SchemaParseError) return e
    throw new Error(`expected SchemaParseError, got ${String(e)}`)
  }
  throw new Error('expected SchemaParseError, but it parsed')
}

describe('parseJsonSchema: dialects', () => {
  it.each([
    [
      'draft-04',
      '{"$schema":"http://json-schema.org/draft-04/schema#","id":"x","type":"number","maximum":5,"exclusiveMaximum":true}',
    ],
    ['draft-06', '{"$schema":"http://json-schema.org/draft-06/schema#","type":"number","exclusiveMaximum":5}'],
    ['draft-07', '{"$schema":"http://json-schema.org/draft-07/schema#","if":{"type":"string"},"then":{"minLength":1}}'],
    [
      '2019-09',
      '{"$schema":"https://json-schema.org/draft/2019-09/schema","type":"object","dependentRequired":{"a":["b"]}}',
    ],
    [
      '2020-12',
      '{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"array","prefixItems":[{"type":"string"}],"items":false}',
    ],
  ])('accepts a %s schema and picks the dialect from $schema', (draft, text) => {
    expect(parseJsonSchema(text, [], 'new').draft).toBe(draft)
  })

  it('defaults to draft-07 without $schema', () => {
    expect(parseJsonSchema('{"type":"string"}', [], 'new').draft).toBe('draft-07')
  })

  it.each(['true', 'false', '{}'])('accepts the boolean or empty schema %s', (text) => {
    expect(parseJsonSchema(text, [], 'new').schema).toEqual(JSON.parse(text))
  })

  it('exposes the title for RecordNameStrategy', () => {
    expect(parseJsonSchema('{"title":"com.acme.Order","type":"object"}', [], 'new').title).toBe('com.acme.Order')
  })
})

describe('parseJsonSchema: invalid schemas give SchemaParseError', () => {
  it('reports malformed JSON with its line and column', () => {
    expect(parseError('{\n  "type": "string",\n}').message).toMatch(/line 3, column 1/)
  })

  it.each([
    ['empty text', ''],
    ['a bare string', '"string"'],
    ['a number', '42'],
    ['null', 'null'],
    ['an array', '[{"type":"string"}]'],
    ['an unknown type', '{"type":"strnig"}'],
    ['a numeric type', '{"type":5}'],
    ['a negative minLength', '{"type":"string","minLength":-1}'],
    ['a string maxLength', '{"type":"string","maxLength":"5"}'],
    ['required as a string', '{"type":"object","required":"a"}'],
    ['properties as an array', '{"properties":[]}'],
    ['enum not an array', '{"enum":"x"}'],
    ['an empty draft-04 enum', '{"$schema":"http://json-schema.org/draft-04/schema#","enum":[]}'],
    ['an invalid pattern', '{"type":"string","pattern":"("}'],
    ['multipleOf 0', '{"type":"number","multipleOf":0}'],
    [
      'a boolean draft-06 exclusiveMaximum',
      '{"$schema":"http://json-schema.org/draft-06/schema#","exclusiveMaximum":true}',
    ],
    [
      'a numeric draft-04 exclusiveMaximum',
      '{"$schema":"http://json-schema.org/draft-04/schema#","maximum":3,"exclusiveMaximum":5}',
    ],
    ['additionalProperties as a string', '{"additionalProperties":"no"}'],
    ['items as a number', '{"items":5}'],
    ['an empty allOf', '{"allOf":[]}'],
    ['a numeric dependency', '{"dependencies":{"a":5}}'],
    ['an unknown $schema', '{"$schema":"http://example.com/my-dialect","type":"string"}'],
    ['a dangling local $ref', '{"$ref":"#/definitions/missing"}'],
    ['a $ref to an unregistered schema', '{"properties":{"a":{"$ref":"address.json"}}}'],
  ])('rejects %s', (_what, text) => {
    expect(parseError(text)).toBeInstanceOf(SchemaParseError)
  })

  it('names the keyword and JSON pointer of a meta-schema violation', () => {
    expect(parseError('{"properties":{"a":{"type":"strnig"}}}').message).toContain(
      "keyword 'type' at '#/properties/a/type'",
    )
  })

  it('names the $ref that does not resolve', () => {
    expect(parseError('{"items":{"$ref":"#/$defs/nope"}}').message).toContain("'#/items'")
  })

  it('rejects a reference whose text is not JSON', () => {
    expect(parseError('{"$ref":"a.json"}', [ref('a.json', '{oops')])).toBeInstanceOf(SchemaParseError)
  })

  it('loads schemas in stored mode that new mode rejects', () => {
    const stored = parseJsonSchema('{"type":"strnig","properties":{"a":{"$ref":"#/nowhere"}}}', [], 'stored')
    expect(stored.model().kind).toBe('object')
  })

  it('still rejects malformed JSON in stored mode', () => {
    expect(parseError('{"type":', [], 'stored')).toBeInstanceOf(SchemaParseError)
  })
})

describe('parseJsonSchema: references', () => {
  it('resolves a $ref to a registered schema by its reference name', () => {
    const parsed = parseJsonSchema(
      '{"type":"object","properties":{"home":{"$ref":"address.json"}},"required":["home"]}',
      [ref('address.json', { type: 'object', properties: { zip: { type: 'string' } }, required: ['zip'] })],
      'new',
    )
    expect(parsed.validator()({ home: { zip: '1000' } })).toEqual({ valid: true, errors: [] })
    expect(parsed.validator()({ home: { zip: 1000 } }).valid).toBe(false)
  })

  it('resolves a $ref with a fragment into a registered schema', () => {
    const parsed = parseJsonSchema(
      '{"$ref":"defs.json#/$defs/id"}',
      [ref('defs.json', { $defs: { id: { type: 'integer' } } })],
      'new',
    )
    expect(parsed.validator()(3).valid).toBe(true)
    expect(parsed.validator()('3').valid).toBe(false)
  })

  it('resolves local $defs, definitions and recursive references', () => {
    const parsed = parseJsonSchema(
      '{"type":"object","properties":{"name":{"$ref":"#/definitions/name"},"children":{"type":"array","items":{"$ref":"#"}}},"definitions":{"name":{"type":"string"}}}',
      [],
      'new',
    )
    expect(parsed.validator()({ name: 'a', children: [{ name: 'b', children: [] }] }).valid).toBe(true)
    expect(parsed.validator()({ name: 'a', children: [{ name: 2 }] }).valid).toBe(false)
  })
})

describe('JsonSchema.validator', () => {
  it('reports why a value does not match', () => {
    const result = parseJsonSchema('{"type":"object","properties":{"a":{"type":"integer"}}}', [], 'new').validator()({
      a: 'x',
    })
    expect(result.valid).toBe(false)
    expect(result.errors.join()).toContain('/a')
  })

  it('applies draft-04 boolean exclusiveMaximum', () => {
    const v = parseJsonSchema(
      '{"$schema":"http://json-schema.org/draft-04/schema#","type":"number","maximum":5,"exclusiveMaximum":true}',
      [],
      'new',
    ).validator()
    expect([v(4).valid, v(5).valid]).toEqual([true, false])
  })

  it('applies 2020-12 prefixItems', () => {
    const v = parseJsonSchema(
      '{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":[{"type":"string"}],"items":false}',
      [],
      'new',
    ).validator()
    expect([v(['a']).valid, v(['a', 'b']).valid, v([1]).valid]).toEqual([true, false, false])
  })

  it('checks formats', () => {
    const v = parseJsonSchema('{"type":"string","format":"email"}', [], 'new').validator()
    expect([v('a@b.example').valid, v('not an email').valid]).toEqual([true, false])
  })

  it('compiles once and survives spreading the parsed schema', () => {
    const parsed = parseJsonSchema('{"type":"string"}', [], 'stored')
    const spread = { ...parsed, metadata: {} }
    expect(spread.validator()).toBe(parsed.validator())
  })
})

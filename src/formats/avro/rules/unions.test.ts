import { describe, expect, it } from 'vitest'
import { parseTree } from '../parse.js'
import { checkReaderWriter } from './walk.js'

const node = (text: string) => parseTree(text, [], 'stored').root
const check = (reader: string, writer: string) =>
  checkReaderWriter(node(reader), node(writer)).map((v) => `${v.rule} ${v.path}`)

describe('MISSING_UNION_BRANCH', () => {
  it('lets a reader union read any writer type one of its branches reads', () => {
    expect(check('["null","long"]', '"int"')).toEqual([])
    expect(check('["null","string"]', '"int"')).toEqual(['MISSING_UNION_BRANCH /'])
  })

  it('needs every writer branch readable, reporting each missing branch by index', () => {
    expect(check('["null","string"]', '["string","null"]')).toEqual([])
    expect(check('["null"]', '["null","int","string"]')).toEqual(['MISSING_UNION_BRANCH /1', 'MISSING_UNION_BRANCH /2'])
  })

  it('checks a writer union against a single reader type branch by branch', () => {
    expect(check('"long"', '["int","long"]')).toEqual([])
    expect(check('"long"', '["int","string"]')).toEqual(['TYPE_MISMATCH /1'])
  })

  it('says which writer type is missing', () => {
    const [v] = checkReaderWriter(node('["null"]'), node('["null","bytes"]'))
    expect(v?.message).toBe(
      "The {reader} schema is missing a union branch for the BYTES type at path '/1' in the {writer} schema",
    )
  })

  it('finds the reader branch of a named writer type by name or alias, in any position', () => {
    const rec = (name: string, extra = '') =>
      `{"type":"record","name":"${name}"${extra},"fields":[{"name":"a","type":"int"}]}`
    const many = (k: number) => Array.from({ length: k }, (_, i) => rec(`R${i}`)).join(',')
    expect(check(`[${many(50)}]`, rec('R37'))).toEqual([])
    expect(check(`[${many(50)}]`, rec('Other'))).toEqual(['MISSING_UNION_BRANCH /'])
    expect(check(`[${many(5)},${rec('New', ',"aliases":["Old"]')}]`, rec('Old'))).toEqual([])
    // Same simple name in another namespace still reads (Java compares simple names).
    expect(check(`[${rec('x.R1')}]`, rec('y.R1'))).toEqual([])
    // A named branch never reads another kind, and a record branch named like an enum does not read it.
    expect(check(`["int",${rec('E')}]`, '{"type":"enum","name":"E","symbols":["A"]}')).toEqual([
      'MISSING_UNION_BRANCH /',
    ])
    // Of two branches with the matching name, the first one that reads the writer wins.
    const wide = '{"type":"record","name":"R","namespace":"b","fields":[{"name":"a","type":"long"}]}'
    const narrow = '{"type":"record","name":"R","namespace":"a","fields":[{"name":"a","type":"string"}]}'
    expect(check(`[${narrow},${wide}]`, rec('R'))).toEqual([])
    expect(check(`[${narrow}]`, rec('R'))).toEqual(['MISSING_UNION_BRANCH /'])
  })
})

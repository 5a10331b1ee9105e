import { describe, expect, it } from 'vitest'
import { parseTree } from '../parse.js'
import { checkReaderWriter } from './walk.js'

const node = (text: string) => parseTree(text, [], 'stored').root
const check = (reader: string, writer: string) => checkReaderWriter(node(reader), node(writer)).map((v) => `${v.rule} ${v.path}`)

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
    expect(v?.message).toBe("The {reader} schema is missing a union branch for the BYTES type at path '/1' in the {writer} schema")
  })
})

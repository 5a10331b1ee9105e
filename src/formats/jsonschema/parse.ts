import { SchemaParseError, type ParsedSchema, type ResolvedRefs } from '../format.js'
import { compileValidator, metaSchemaErrors, type ValidationResult } from './ajv.js'
import { draftOf, DEFAULT_DRAFT, type Draft } from './drafts.js'
import { parseJsonText, type JsonTree } from './json-text.js'
import { loadModel } from './load.js'
import { isPlainObject, type Node } from './model.js'
import { RefIndex } from './refs.js'

/**
 * A parsed JSON Schema. The members are plain properties (not prototype methods) so that the
 * registry can spread it (`{...parsed, metadata}`) without losing them.
 */
export interface JsonSchema extends ParsedSchema {
  readonly type: 'JSON'
  /** The schema as parsed JSON: an object or a boolean. */
  readonly schema: unknown
  /** The top-level `title`, which RecordNameStrategy uses as the record name. */
  readonly title: string | undefined
  readonly draft: Draft
  /** The text as a tree that keeps key order and number lexemes, for the canonical form. */
  readonly tree: JsonTree
  /** The model the compatibility diff walks, built on first use. */
  model(): Node
  /**
   * A validator for values, with references registered, compiled on first use and cached.
   * @example parsed.validator()({ a: 1 }) // { valid: true, errors: [] }
   */
  validator(): (value: unknown) => ValidationResult
}

const MAX_ERRORS = 3

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** Every `$ref` in schema positions, with the JSON pointer where it sits. */
function collectRefs(raw: unknown, pointer = '#'): [string, string][] {
  if (Array.isArray(raw)) return raw.flatMap((item, i) => collectRefs(item, `${pointer}/${i}`))
  if (!isPlainObject(raw)) return []
  const found: [string, string][] = typeof raw.$ref === 'string' ? [[raw.$ref, pointer]] : []
  for (const [key, value] of Object.entries(raw)) {
    if (key === 'enum' || key === 'const' || key === 'default' || key === 'examples') continue
    found.push(...collectRefs(value, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`))
  }
  return found
}

/**
 * Parses JSON Schema text. 'new' checks the schema against its dialect's meta-schema, requires
 * every `$ref` to resolve and compiles it; 'stored' only needs well-formed JSON.
 */
export function parseJsonSchema(text: string, refs: ResolvedRefs, mode: 'new' | 'stored'): JsonSchema {
  const parsed = parseJsonText(text)
  if ('error' in parsed) {
    const { line, column, message } = parsed.error
    throw new SchemaParseError(`Invalid JSON at line ${line}, column ${column}: ${message}`)
  }
  const schema = parsed.value
  if (typeof schema !== 'boolean' && !isPlainObject(schema))
    throw new SchemaParseError('Invalid JSON schema: a schema must be a JSON object or a boolean')
  const declared = isPlainObject(schema) ? schema.$schema : undefined
  let draft = draftOf(declared)
  if (draft === undefined) {
    if (mode === 'new') throw new SchemaParseError(`Invalid JSON schema: unsupported $schema '${String(declared)}'`)
    draft = DEFAULT_DRAFT
  }
  if (mode === 'new') {
    let errors: string[]
    try {
      errors = metaSchemaErrors(schema, draft)
    } catch (e) {
      throw new SchemaParseError(`Invalid JSON schema: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
    }
    if (errors.length > 0) throw new SchemaParseError(`Invalid JSON schema: ${errors.slice(0, MAX_ERRORS).join('; ')}`)
    for (const ref of refs)
      if (tryJson(ref.schema) === undefined)
        throw new SchemaParseError(`Invalid JSON schema: reference '${ref.name}' is not valid JSON`)
  }
  const index = new RefIndex(schema, refs, tryJson)
  if (mode === 'new') {
    for (const [ref, pointer] of collectRefs(schema))
      if (!index.resolve(ref, index.root) && !resolvesInside(index, schema, ref, pointer))
        throw new SchemaParseError(`Invalid JSON schema: keyword '$ref' at '${pointer}': cannot resolve '${ref}'`)
  }
  const compile = () => compileValidator(schema, draft, refs, tryJson)
  let validator: ((value: unknown) => ValidationResult) | undefined
  if (mode === 'new') {
    try {
      validator = compile()
    } catch (e) {
      throw new SchemaParseError(`Invalid JSON schema: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
    }
  }
  let model: Node | undefined
  return {
    type: 'JSON',
    text,
    refs,
    schema,
    draft,
    tree: parsed.tree,
    title: isPlainObject(schema) && typeof schema.title === 'string' ? schema.title : undefined,
    model: () => (model ??= loadModel(index)),
    validator: () => (validator ??= compile()),
  }
}

/** A `$ref` under a nested `$id` resolves against that `$id`; try the scopes on its path. */
function resolvesInside(index: RefIndex, schema: unknown, ref: string, pointer: string): boolean {
  let scope = index.root
  let raw: unknown = schema
  for (const token of pointer.slice(2).split('/').filter(Boolean)) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~')
    raw = Array.isArray(raw) ? raw[Number(key)] : isPlainObject(raw) ? raw[key] : undefined
    scope = index.enter(raw, scope)
    if (index.resolve(ref, scope)) return true
  }
  return false
}

import { Ajv, type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv'
import { Ajv2019 } from 'ajv/dist/2019.js'
import { Ajv2020 } from 'ajv/dist/2020.js'
import draft06MetaSchema from 'ajv/dist/refs/json-schema-draft-06.json' with { type: 'json' }
import formatsModule from 'ajv-formats'
import type { ResolvedRefs } from '../format.js'
import { DRAFT_04_META_SCHEMA } from './draft04-meta.js'
import { draftOfDocument, type Draft } from './drafts.js'
import { isPlainObject } from './model.js'

// ajv-formats is CommonJS; under NodeNext its plugin is the module's `default`.
const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: Ajv) => void

type AnyAjv = Ajv | Ajv2019 | Ajv2020

function newAjv(draft: Draft): AnyAjv {
  const options = { strict: false, allErrors: true, validateFormats: true, logger: false as const }
  const ajv: AnyAjv =
    draft === '2020-12' ? new Ajv2020(options) : draft === '2019-09' ? new Ajv2019(options) : new Ajv(options)
  if (draft === 'draft-06') ajv.addMetaSchema(draft06MetaSchema)
  addFormats(ajv as Ajv)
  return ajv
}

let metaValidators: Map<Draft, (schema: unknown) => ErrorObject[]> | undefined

/** A meta-schema check per dialect; draft-04 validates the schema as data against its meta-schema. */
function metaValidator(draft: Draft): (schema: unknown) => ErrorObject[] {
  metaValidators ??= new Map()
  let check = metaValidators.get(draft)
  if (!check) {
    if (draft === 'draft-04') {
      // The meta-schema is itself draft-04 (boolean exclusiveMinimum), so it is converted too.
      const meta = fromDraft04(DRAFT_04_META_SCHEMA) as Record<string, unknown>
      delete meta.$id
      const validate = newAjv('draft-07').compile(meta)
      check = (schema) => (validate(schema) ? [] : (validate.errors ?? []))
    } else {
      const ajv = newAjv(draft)
      check = (schema) => (ajv.validateSchema(schema as AnySchema) ? [] : (ajv.errors ?? []))
    }
    metaValidators.set(draft, check)
  }
  return check
}

/** Meta-schema errors of `schema` as `keyword 'x' at '#/pointer': message` lines; empty when valid. */
export function metaSchemaErrors(schema: unknown, draft: Draft): string[] {
  return metaValidator(draft)(schema).map((e) => {
    const pointer = `#${e.instancePath}`
    const keyword =
      e.instancePath.split('/').at(-1) || (e.params as { missingProperty?: string }).missingProperty || e.keyword
    return `keyword '${keyword}' at '${pointer}': ${e.message ?? e.keyword}`
  })
}

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'items']
const SUBSCHEMAS = ['additionalProperties', 'additionalItems', 'items', 'not']

/** draft-04 keywords rewritten for ajv's draft-07 engine: `id` → `$id`, boolean exclusive limits → numbers. */
export function fromDraft04(schema: unknown): unknown {
  if (Array.isArray(schema) || !isPlainObject(schema)) return schema
  const out: Record<string, unknown> = { ...schema }
  delete out.$schema
  if (typeof out.id === 'string') {
    out.$id = out.id
    delete out.id
  }
  for (const [flag, limit] of [
    ['exclusiveMaximum', 'maximum'],
    ['exclusiveMinimum', 'minimum'],
  ] as const) {
    if (out[flag] === true && typeof out[limit] === 'number') {
      out[flag] = out[limit]
      delete out[limit]
    } else if (typeof out[flag] === 'boolean') delete out[flag]
  }
  for (const key of SUBSCHEMA_MAPS)
    if (isPlainObject(out[key]))
      out[key] = Object.fromEntries(
        Object.entries(out[key]).map(([k, v]) => [k, Array.isArray(v) ? v : fromDraft04(v)]),
      )
  for (const key of SUBSCHEMA_LISTS) if (Array.isArray(out[key])) out[key] = out[key].map(fromDraft04)
  for (const key of SUBSCHEMAS) if (isPlainObject(out[key])) out[key] = fromDraft04(out[key])
  return out
}

/** The outcome of validating one value. */
export interface ValidationResult {
  readonly valid: boolean
  readonly errors: string[]
}

/**
 * Compiles `schema` with its references registered under their names, in a fresh ajv instance so
 * that two schemas never share reference bindings. Throws ajv's error when it cannot compile.
 */
export function compileValidator(
  schema: unknown,
  draft: Draft,
  refs: ResolvedRefs,
  parseRef: (text: string) => unknown,
) {
  const ajv = newAjv(draft === 'draft-04' ? 'draft-07' : draft)
  const prepare = (raw: unknown, rawDraft: Draft) => {
    const converted = rawDraft === 'draft-04' ? fromDraft04(raw) : raw
    // ajv validates against one dialect; a reference in another dialect is compiled in ours.
    if (isPlainObject(converted) && rawDraft !== draft) {
      const copy = { ...converted }
      delete copy.$schema
      return copy
    }
    return converted
  }
  for (const ref of refs) {
    const raw = parseRef(ref.schema)
    if (raw === undefined) continue
    const prepared = prepare(raw, draftOfDocument(raw))
    const withoutId = isPlainObject(prepared) ? { ...prepared } : prepared
    if (isPlainObject(withoutId) && typeof withoutId.$id === 'string' && withoutId.$id !== ref.name)
      delete withoutId.$id
    if (!ajv.getSchema(ref.name)) ajv.addSchema(withoutId as AnySchema, ref.name)
  }
  const validate: ValidateFunction = ajv.compile(prepare(schema, draft) as AnySchema)
  return (value: unknown): ValidationResult => {
    const valid = validate(value) as boolean
    const errors = valid ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`)
    return { valid, errors }
  }
}

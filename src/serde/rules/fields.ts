/**
 * Field walkers for field rules (CEL_FIELD and any field executor), one per format, visiting the
 * fields of a message depth first as Confluent's serializers do, with the field names and tags
 * they use: Avro `namespace.Record.field` and `confluent:tags`; Protobuf `package.Message.field`
 * and `(confluent.field_meta).tags`; JSON Schema `$.a.b` and `confluent:tags`. A transform's result
 * is written into copies of the containers on its path: the caller's value is never modified.
 */
import type { AvroNode, RecordNode } from '../../formats/avro/model.js'
import { isPlainObject } from '../../formats/jsonschema/model.js'
import type { OptionElement, OptionValue, ProtoFile, TypeElement } from '../../formats/protobuf/model.js'
import { allFields } from '../../formats/protobuf/model.js'
import type protobuf from 'protobufjs'
import type { FieldContext, FieldVisitor, FieldWalker, RuleContext } from './context.js'
import type { FieldType } from './model.js'

const TAGS = 'confluent:tags'

/** Enters a field, walks its value, leaves; the new value (the old one for conditions). */
async function visitField(
  ctx: RuleContext,
  holder: unknown,
  fullName: string,
  name: string,
  type: FieldType,
  tags: Iterable<string>,
  value: unknown,
  walk: (v: unknown) => Promise<unknown>,
): Promise<unknown> {
  ctx.enterField(holder, fullName, name, type, tags)
  try {
    return await walk(value)
  } finally {
    ctx.leaveField()
  }
}

/** Calls the visitor on a leaf when a field is being visited. */
function leaf(ctx: RuleContext, type: FieldType, value: unknown, visit: FieldVisitor): unknown {
  const field: FieldContext | undefined = ctx.currentField()
  if (field === undefined) return value
  field.type = type
  return visit(field, value)
}

/** Copy-on-write for records and maps: the first changed key copies the container. */
class Rewriter<T extends object> {
  #copy: T | undefined
  constructor(
    readonly original: T,
    readonly kind: 'CONDITION' | 'TRANSFORM',
  ) {}
  set(key: string | number, before: unknown, after: unknown): void {
    if (this.kind === 'CONDITION' || Object.is(before, after)) return
    this.#copy ??= (Array.isArray(this.original) ? [...this.original] : { ...this.original }) as T
    ;(this.#copy as Record<string | number, unknown>)[key] = after
  }
  get result(): T {
    return this.#copy ?? this.original
  }
}

// ---- Avro ----------------------------------------------------------------------------------

export function avroFieldWalker(root: AvroNode): FieldWalker {
  return (ctx, message, visit) => walkAvro(ctx, root, message, visit)
}

function avroType(node: AvroNode): FieldType {
  switch (node.kind) {
    case 'record':
      return 'RECORD'
    case 'enum':
      return 'ENUM'
    case 'array':
      return 'ARRAY'
    case 'map':
      return 'MAP'
    case 'union':
      return 'COMBINED'
    case 'fixed':
      return 'FIXED'
    default:
      return node.kind.toUpperCase() as FieldType
  }
}

async function walkAvro(ctx: RuleContext, node: AvroNode, value: unknown, visit: FieldVisitor): Promise<unknown> {
  if (value === null || value === undefined) return value
  const field = ctx.currentField()
  if (field !== undefined) field.type = avroType(node)
  switch (node.kind) {
    case 'union': {
      const branch = node.branches.find((b) => avroFits(b, value))
      return branch === undefined ? value : walkAvro(ctx, branch, value, visit)
    }
    case 'array': {
      if (!Array.isArray(value)) return value
      const out = new Rewriter(value, ctx.rule.kind)
      for (let i = 0; i < value.length; i++) out.set(i, value[i], await walkAvro(ctx, node.items, value[i], visit))
      return out.result
    }
    case 'map': {
      if (!isPlainObject(value)) return value
      const out = new Rewriter(value, ctx.rule.kind)
      for (const [k, v] of Object.entries(value)) out.set(k, v, await walkAvro(ctx, node.values, v, visit))
      return out.result
    }
    case 'record':
      return isPlainObject(value) ? walkAvroRecord(ctx, node, value, visit) : value
    default:
      return leaf(ctx, avroType(node), value, visit)
  }
}

async function walkAvroRecord(
  ctx: RuleContext,
  node: RecordNode,
  value: Record<string, unknown>,
  visit: FieldVisitor,
): Promise<unknown> {
  const out = new Rewriter(value, ctx.rule.kind)
  for (const f of node.fields) {
    if (!Object.hasOwn(value, f.name)) continue
    const tags = f.props.get(TAGS)
    const before = value[f.name]
    const after = await visitField(
      ctx,
      value,
      `${node.fullName}.${f.name}`,
      f.name,
      avroType(f.type),
      stringList(tags),
      before,
      (v) => walkAvro(ctx, f.type, v, visit),
    )
    out.set(f.name, before, after)
  }
  return out.result
}

/** Which branch of an unwrapped union a value belongs to, as avsc's `isValid` would pick. */
function avroFits(node: AvroNode, value: unknown): boolean {
  switch (node.kind) {
    case 'null':
      return value === null
    case 'boolean':
      return typeof value === 'boolean'
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= -2147483648 && value <= 2147483647
    case 'long':
      return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))
    case 'float':
    case 'double':
      return typeof value === 'number'
    case 'string':
      return typeof value === 'string'
    case 'enum':
      return typeof value === 'string' && node.symbols.includes(value)
    case 'bytes':
    case 'fixed':
      return value instanceof Uint8Array
    case 'array':
      return Array.isArray(value)
    case 'map':
      return isPlainObject(value)
    case 'record':
      return isPlainObject(value) && node.fields.every((f) => Object.hasOwn(value, f.name) || f.default !== undefined)
    case 'union':
      return node.branches.some((b) => avroFits(b, value))
  }
}

// ---- JSON Schema ---------------------------------------------------------------------------

/**
 * `schema` is the parsed schema document; `documents` the referenced ones by reference name, so a
 * `$ref` to another subject's schema resolves too.
 */
export function jsonFieldWalker(schema: unknown, documents: ReadonlyMap<string, unknown> = new Map()): FieldWalker {
  const resolve = (ref: string): unknown => resolveJsonRef(schema, documents, ref)
  return (ctx, message, visit) => walkJson(ctx, schema, '$', message, visit, resolve, 0)
}

const MAX_REF_DEPTH = 64

function resolveJsonRef(root: unknown, documents: ReadonlyMap<string, unknown>, ref: string): unknown {
  const hash = ref.indexOf('#')
  const docName = hash < 0 ? ref : ref.slice(0, hash)
  const pointer = hash < 0 ? '' : ref.slice(hash + 1)
  let target: unknown = docName === '' ? root : documents.get(docName)
  for (const raw of pointer.split('/').slice(1)) {
    const key = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~')
    target = isPlainObject(target) || Array.isArray(target) ? (target as Record<string, unknown>)[key] : undefined
  }
  return target
}

function jsonType(schema: unknown): FieldType {
  if (!isPlainObject(schema)) return 'NULL'
  const type = schema.type
  if (type === undefined)
    return isPlainObject(schema.properties) && Object.keys(schema.properties).length > 0 ? 'RECORD' : 'NULL'
  if (Array.isArray(type)) return 'COMBINED'
  if (schema.const !== undefined || schema.enum !== undefined) return 'ENUM'
  switch (type) {
    case 'object':
      return isPlainObject(schema.properties) && Object.keys(schema.properties).length > 0 ? 'RECORD' : 'MAP'
    case 'array':
      return 'ARRAY'
    case 'string':
      return 'STRING'
    case 'integer':
      return 'INT'
    case 'number':
      return 'DOUBLE'
    case 'boolean':
      return 'BOOLEAN'
    default:
      return 'NULL'
  }
}

function jsonFits(schema: unknown, value: unknown): boolean {
  if (!isPlainObject(schema)) return schema !== false
  const types = schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type]
  if (types === undefined) return true
  return types.some((t) => {
    switch (t) {
      case 'null':
        return value === null
      case 'boolean':
        return typeof value === 'boolean'
      case 'integer':
        return (typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint'
      case 'number':
        return typeof value === 'number' || typeof value === 'bigint'
      case 'string':
        return typeof value === 'string'
      case 'array':
        return Array.isArray(value)
      case 'object':
        return isPlainObject(value)
      default:
        return false
    }
  })
}

async function walkJson(
  ctx: RuleContext,
  schema: unknown,
  path: string,
  value: unknown,
  visit: FieldVisitor,
  resolve: (ref: string) => unknown,
  depth: number,
): Promise<unknown> {
  if (value === null || value === undefined || !isPlainObject(schema) || depth > MAX_REF_DEPTH) return value
  const field = ctx.currentField()
  if (field !== undefined) field.type = jsonType(schema)
  if (typeof schema.$ref === 'string')
    return walkJson(ctx, resolve(schema.$ref), path, value, visit, resolve, depth + 1)
  const next = (s: unknown, v: unknown): Promise<unknown> => walkJson(ctx, s, path, v, visit, resolve, depth + 1)
  let current: unknown = value
  const branches = (k: string): unknown[] => (Array.isArray(schema[k]) ? (schema[k] as unknown[]) : [])
  for (const s of branches('allOf')) current = await next(s, current)
  const oneOf = branches('oneOf').find((s) => jsonFits(s, current))
  if (oneOf !== undefined) current = await next(oneOf, current)
  for (const s of branches('anyOf').filter((s) => jsonFits(s, current))) current = await next(s, current)
  if (Array.isArray(current) && schema.items !== undefined && !Array.isArray(schema.items)) {
    const out = new Rewriter(current, ctx.rule.kind)
    for (let i = 0; i < current.length; i++) out.set(i, current[i], await next(schema.items, current[i]))
    return out.result
  }
  if (isPlainObject(current) && isPlainObject(schema.properties)) {
    const record = current
    const out = new Rewriter(record, ctx.rule.kind)
    for (const [name, propSchema] of Object.entries(schema.properties)) {
      if (record[name] === undefined || record[name] === null) continue
      const fullName = `${path}.${name}`
      const tags = isPlainObject(propSchema) ? stringList(propSchema[TAGS]) : []
      const after = await visitField(ctx, record, fullName, name, jsonType(propSchema), tags, record[name], (v) =>
        walkJson(ctx, propSchema, fullName, v, visit, resolve, depth + 1),
      )
      out.set(name, record[name], after)
    }
    return out.result
  }
  const type = jsonType(schema)
  if (type === 'ENUM' || type === 'STRING' || type === 'INT' || type === 'DOUBLE' || type === 'BOOLEAN')
    return leaf(ctx, type, current, visit)
  return current
}

// ---- Protobuf ------------------------------------------------------------------------------

/** Field tags written as `(confluent.field_meta).tags`, by `package.Message.field`, for a file and its imports. */
export function protobufFieldTags(files: readonly ProtoFile[]): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, readonly string[]>()
  const visitType = (prefix: string, t: TypeElement): void => {
    if (t.kind !== 'message') return
    const name = prefix === '' ? t.name : `${prefix}.${t.name}`
    for (const f of allFields(t)) {
      const tags = fieldMetaTags(f.options)
      if (tags.length > 0) out.set(`${name}.${f.name}`, tags)
    }
    for (const n of t.nested) visitType(name, n)
  }
  for (const file of files) for (const t of file.types) visitType(file.packageName ?? '', t)
  return out
}

function fieldMetaTags(options: readonly OptionElement[]): string[] {
  const tags: string[] = []
  for (const o of options) {
    if (!o.parenthesized || o.name !== 'confluent.field_meta') continue
    collectTags(o.value, tags)
  }
  return tags
}

function collectTags(value: OptionValue, into: string[]): void {
  if (value.kind === 'OPTION') {
    if (value.value.name === 'tags') optionStrings(value.value.value, into)
  } else if (value.kind === 'MAP') {
    const tags = value.value.get('tags')
    if (tags !== undefined) optionStrings(tags, into)
  }
}

function optionStrings(value: OptionValue, into: string[]): void {
  if (value.kind === 'STRING') into.push(value.value)
  else if (value.kind === 'LIST') for (const v of value.value) optionStrings(v, into)
}

export function protobufFieldWalker(type: protobuf.Type, tags: ReadonlyMap<string, readonly string[]>): FieldWalker {
  return (ctx, message, visit) => walkProtoMessage(ctx, type, message, visit, tags)
}

function protoScalarType(type: string): FieldType {
  switch (type) {
    case 'string':
      return 'STRING'
    case 'bytes':
      return 'BYTES'
    case 'bool':
      return 'BOOLEAN'
    case 'float':
      return 'FLOAT'
    case 'double':
      return 'DOUBLE'
    case 'int32':
    case 'sint32':
    case 'uint32':
    case 'fixed32':
    case 'sfixed32':
      return 'INT'
    default:
      return 'LONG'
  }
}

function protoFieldType(f: protobuf.Field): FieldType {
  if (f.map) return 'MAP'
  if (f.repeated) return 'ARRAY'
  const resolved = f.resolvedType
  if (resolved !== null && resolved !== undefined) return 'values' in resolved ? 'ENUM' : 'RECORD'
  return protoScalarType(f.type)
}

async function walkProtoMessage(
  ctx: RuleContext,
  type: protobuf.Type,
  value: unknown,
  visit: FieldVisitor,
  tags: ReadonlyMap<string, readonly string[]>,
): Promise<unknown> {
  if (!isPlainObject(value) && (typeof value !== 'object' || value === null)) return value
  const record = value as Record<string, unknown>
  const out = new Rewriter(record, ctx.rule.kind)
  const typeName = type.fullName.replace(/^\./, '')
  for (const f of type.fieldsArray) {
    const key = Object.hasOwn(record, f.name)
      ? f.name
      : Object.hasOwn(record, camel(f.name))
        ? camel(f.name)
        : undefined
    if (key === undefined || record[key] === null || record[key] === undefined) continue
    const fullName = `${typeName}.${f.name}`
    const after = await visitField(
      ctx,
      record,
      fullName,
      f.name,
      protoFieldType(f),
      tags.get(fullName) ?? [],
      record[key],
      (v) => walkProtoValue(ctx, f, v, visit, tags, f.repeated || f.map),
    )
    out.set(key, record[key], after)
  }
  return out.result
}

async function walkProtoValue(
  ctx: RuleContext,
  f: protobuf.Field,
  value: unknown,
  visit: FieldVisitor,
  tags: ReadonlyMap<string, readonly string[]>,
  container: boolean,
): Promise<unknown> {
  if (container && Array.isArray(value)) {
    const out = new Rewriter(value, ctx.rule.kind)
    for (let i = 0; i < value.length; i++)
      out.set(i, value[i], await walkProtoValue(ctx, f, value[i], visit, tags, false))
    return out.result
  }
  if (container && f.map && isPlainObject(value)) {
    const out = new Rewriter(value, ctx.rule.kind)
    for (const [k, v] of Object.entries(value)) out.set(k, v, await walkProtoValue(ctx, f, v, visit, tags, false))
    return out.result
  }
  const resolved = f.resolvedType
  if (resolved !== null && resolved !== undefined && 'fieldsArray' in resolved) {
    const field = ctx.currentField()
    if (field !== undefined) field.type = 'RECORD'
    return walkProtoMessage(ctx, resolved, value, visit, tags)
  }
  const type = resolved !== null && resolved !== undefined ? 'ENUM' : protoScalarType(f.type)
  return leaf(ctx, type, value, visit)
}

const camel = (name: string): string => name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase())

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

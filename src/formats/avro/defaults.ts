import { isNumber, isObject, type JsonValue } from './json.js'
import type { AvroNode } from './model.js'

const INT_MIN = -(2n ** 31n)
const INT_MAX = 2n ** 31n - 1n
const LONG_MIN = -(2n ** 63n)
const LONG_MAX = 2n ** 63n - 1n

function integralIn(v: JsonValue | undefined, min: bigint, max: bigint): boolean {
  if (!isNumber(v) || !v.integral) return false
  const n = BigInt(v.lexeme)
  return n >= min && n <= max
}

/**
 * Whether `value` is a valid default for `node`, as Apache Avro Java's `Schema.isValidDefault`
 * judges it when default validation is on: a union default matches its first branch, enum and
 * fixed defaults need only be strings, and a record default needs every field (or its default).
 */
export function isValidDefault(node: AvroNode, value: JsonValue | undefined): boolean {
  if (value === undefined) return false
  switch (node.kind) {
    case 'string':
    case 'bytes':
    case 'enum':
    case 'fixed':
      return typeof value === 'string'
    case 'int':
      return integralIn(value, INT_MIN, INT_MAX)
    case 'long':
      return integralIn(value, LONG_MIN, LONG_MAX)
    case 'float':
    case 'double':
      return isNumber(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'null':
      return value === null
    case 'array':
      return Array.isArray(value) && value.every((v) => isValidDefault(node.items, v))
    case 'map':
      return isObject(value) && [...value.values()].every((v) => isValidDefault(node.values, v))
    case 'union':
      return node.branches[0] !== undefined && isValidDefault(node.branches[0], value)
    case 'record':
      return (
        isObject(value) &&
        node.fields.every((f) => isValidDefault(f.type, value.has(f.name) ? value.get(f.name) : f.default))
      )
  }
}

const NAME = /^[\p{L}_][\p{L}\p{Nd}_]*$/u

/** Java's `Schema.validateName`: a letter or `_`, then letters, digits or `_` (Unicode). */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'Empty name'
  if (NAME.test(name)) return undefined
  return /^[\p{L}_]/u.test(name) ? `Illegal character in: ${name}` : `Illegal initial character: ${name}`
}

/** A namespace is dotted names, each part valid as a name (Java `Schema.Name` validates every part). */
export function namespaceProblem(space: string | null): string | undefined {
  if (space === null) return undefined
  for (const part of space.split('.')) {
    const problem = nameProblem(part)
    if (problem !== undefined) return `Invalid namespace: ${space} (${problem})`
  }
  return undefined
}

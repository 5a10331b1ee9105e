import { isNumber, type JsonValue } from './json.js'
import type { AvroNode } from './model.js'

/** A logical type Apache Avro Java recognises on a node, with the attributes that belong to it. */
export interface LogicalType {
  readonly name: string
  /** Attributes written by Confluent's normalized printer: `logicalType`, then `precision`/`scale` for decimals. */
  readonly attrs: ReadonlyArray<readonly [string, JsonValue]>
}

const ON: Record<string, readonly string[]> = {
  date: ['int'],
  'time-millis': ['int'],
  'time-micros': ['long'],
  'timestamp-millis': ['long'],
  'timestamp-micros': ['long'],
  'timestamp-nanos': ['long'],
  'local-timestamp-millis': ['long'],
  'local-timestamp-micros': ['long'],
  'local-timestamp-nanos': ['long'],
  uuid: ['string', 'fixed'],
  duration: ['fixed'],
  'big-decimal': ['bytes'],
}

const intOf = (v: JsonValue | undefined) => (isNumber(v) && v.integral ? Number(v.lexeme) : undefined)

/**
 * The node's logical type when it is valid (Java's `LogicalTypes.fromSchemaIgnoreInvalid`), else
 * undefined. Unknown or invalid logical types stay plain attributes.
 */
export function logicalTypeOf(node: AvroNode): LogicalType | undefined {
  if (node.kind === 'union') return undefined
  const name = node.props.get('logicalType')
  if (typeof name !== 'string') return undefined
  if (name === 'decimal') return decimal(node)
  const kinds = ON[name]
  if (!kinds?.includes(node.kind)) return undefined
  if (node.kind === 'fixed' && name === 'uuid' && node.size !== 16) return undefined
  if (node.kind === 'fixed' && name === 'duration' && node.size !== 12) return undefined
  return { name, attrs: [['logicalType', name]] }
}

function decimal(node: AvroNode): LogicalType | undefined {
  if (node.kind !== 'bytes' && node.kind !== 'fixed') return undefined
  const precision = intOf(node.props.get('precision'))
  const scale = node.props.has('scale') ? intOf(node.props.get('scale')) : 0
  if (precision === undefined || precision <= 0 || scale === undefined || scale < 0 || scale > precision)
    return undefined
  if (node.kind === 'fixed' && precision > Math.floor(Math.log10(2) * (8 * node.size - 1))) return undefined
  const attrs: [string, JsonValue][] = [
    ['logicalType', 'decimal'],
    ['precision', node.props.get('precision')!],
  ]
  if (scale !== 0) attrs.push(['scale', node.props.get('scale')!])
  return { name: 'decimal', attrs }
}

/**
 * What one schema language (avro.ts, protobuf.ts, json.ts) contributes to the serializers and
 * deserializers, and the parse of a registered schema through it.
 */
import type { ParsedSchema, ResolvedRefs, SchemaType } from '../formats/format.js'
import { resolveReferences, type SchemaInfo, type SchemaRegistryClient } from './client.js'
import { SerdeError } from './errors.js'
import type { Int64Mode } from './int64.js'
import type { FieldWalker } from './rules/context.js'
import type { PayloadFrame } from './wire.js'

/** What one schema language contributes to the shared machinery. */
export interface FormatBinding<P extends ParsedSchema> {
  readonly type: SchemaType
  parse(text: string, refs: ResolvedRefs): P
  /** Full name for the record name strategies, or undefined. */
  recordName(parsed: P): string | undefined
  /**
   * Visits the fields of a value for field rules (CEL_FIELD). `frame` is where a decoded value came
   * from (a Protobuf payload names its message by indexes); a value to write has none.
   */
  fieldWalker?(parsed: P, frame?: PayloadFrame): FieldWalker | undefined
  /** Where the encoded message starts in a framed payload (after Protobuf's indexes); default `frame.start`. */
  bodyStart?(frame: PayloadFrame): number
}

/** The JavaScript types of values (README: type table), the same for Avro and Protobuf. */
export interface ValueTypesConfig {
  /**
   * 64-bit integers read back as `'number'` (default; every value must then be a safe integer,
   * both ways), `'bigint'` or `'string'`. Serializers also take numbers in the other two modes.
   */
  readonly int64?: Int64Mode
}

/** Parses a schema text with its references fetched from the registry; parse failures are INVALID_SCHEMA. */
export async function parseWithRefs<P extends ParsedSchema>(
  client: SchemaRegistryClient,
  binding: FormatBinding<P>,
  info: SchemaInfo,
  what: string,
): Promise<P> {
  const type = info.schemaType ?? 'AVRO'
  if (type !== binding.type) {
    throw new SerdeError('INVALID_SCHEMA', `${what} is a ${type} schema, but this is a ${binding.type} serde.`)
  }
  const refs = await resolveReferences(client, info.references)
  try {
    return binding.parse(info.schema, refs)
  } catch (cause) {
    throw new SerdeError('INVALID_SCHEMA', `${what} does not parse as ${binding.type}: ${(cause as Error).message}`, {
      cause,
    })
  }
}

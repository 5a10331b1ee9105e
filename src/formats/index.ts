import type { SchemaFormat, SchemaType } from './format.js'
import { avroFormat } from './avro/index.js'
import { protobufFormat } from './protobuf/index.js'
import { jsonSchemaFormat } from './jsonschema/index.js'

export * from './format.js'

/** The one switch on `schemaType`: a new schema language is one folder plus one line here. */
const FORMATS: Partial<Record<SchemaType, SchemaFormat>> = {
  AVRO: avroFormat,
  PROTOBUF: protobufFormat,
  JSON: jsonSchemaFormat,
}

/** The format for a `schemaType`, or undefined when it is not supported. */
export function formatFor(type: string): SchemaFormat | undefined {
  return Object.hasOwn(FORMATS, type) ? FORMATS[type as SchemaType] : undefined
}

/** The schema types this build supports, for `GET /schemas/types`. */
export function supportedTypes(): SchemaType[] {
  return Object.keys(FORMATS) as SchemaType[]
}

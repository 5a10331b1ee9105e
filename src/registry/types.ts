import type { SchemaType } from '../formats/format.js'
import type { JsonObject, SchemaReference } from '../formats/model.js'

/** The body of register, lookup and compatibility requests, parsed at the edge. */
export interface SchemaRequest {
  readonly schema?: string
  readonly schemaType?: string
  readonly references?: readonly SchemaReference[]
  readonly metadata?: JsonObject
  readonly ruleSet?: JsonObject
  /** IMPORT mode only. */
  readonly id?: number
  /** IMPORT: explicit version; otherwise it must be the next version, or -1. */
  readonly version?: number
}

/** A subject-version as the API shows it (Confluent's `Schema` entity). */
export interface SchemaView {
  readonly subject: string
  readonly version: number
  readonly id: number
  readonly guid: string
  readonly schemaType: SchemaType
  readonly schema: string
  readonly references: readonly SchemaReference[]
  readonly metadata?: JsonObject
  readonly ruleSet?: JsonObject
  readonly ts: number
  readonly deleted: boolean
}

/** A schema by id (Confluent's `SchemaString`); subject/version only when asked for. */
export interface SchemaByIdView {
  readonly subject?: string
  readonly version?: number
  readonly id: number
  readonly guid: string
  readonly schemaType: SchemaType
  readonly schema: string
  readonly references: readonly SchemaReference[]
  readonly metadata?: JsonObject
  readonly ruleSet?: JsonObject
  readonly maxId?: number
  readonly ts?: number
  readonly deleted?: boolean
}

/** `latest` (or -1) or a concrete version number. */
export type VersionSpec = number | 'latest'

export interface CompatibilityView {
  readonly isCompatible: boolean
  readonly messages: readonly string[]
}

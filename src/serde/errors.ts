/** Why a serializer, deserializer or registry call failed. */
export type SerdeErrorCode =
  /** The first byte of a payload is neither magic byte 0 (schema id) nor 1 (GUID). */
  | 'UNKNOWN_MAGIC_BYTE'
  /** The payload ends before the header, the message indexes or the datum are complete. */
  | 'TRUNCATED'
  /** The Protobuf message-index list is malformed or names no message of the schema. */
  | 'INVALID_MESSAGE_INDEXES'
  /** The registry does not know the schema id found in a payload. */
  | 'UNKNOWN_SCHEMA_ID'
  /** Magic byte 0x01 is not followed by a whole 16-byte GUID, or a GUID string is malformed. */
  | 'INVALID_GUID'
  /** The registry does not know the GUID found in a payload or record header. */
  | 'UNKNOWN_GUID'
  /** The payload bytes do not decode under the writer schema. */
  | 'INVALID_PAYLOAD'
  /** A value does not fit the schema it is serialized with. */
  | 'INVALID_VALUE'
  /** The subject name strategy cannot name a subject for this schema. */
  | 'INVALID_SUBJECT'
  /** The schema found for a subject or id cannot be used (wrong type, unparsable, missing message). */
  | 'INVALID_SCHEMA'
  /** `deserializeSync` met a schema id that has not been loaded yet. */
  | 'SCHEMA_NOT_LOADED'
  /** The registry answered with an error or could not be reached. */
  | 'REGISTRY_ERROR'
  /** A data-contract rule failed: its condition was false, its expression erred, or it has no executor. */
  | 'RULE_FAILED'
  /** A synchronous path (`encoderFor`, `deserializeSync`) met a schema whose rules run asynchronously. */
  | 'ASYNC_ONLY'

/**
 * A serde failure, with a `code` to branch on and a message that says what is wrong.
 *
 * @example
 * try { await deserializer.deserialize(topic, bytes) }
 * catch (e) { if (e instanceof SerdeError && e.code === 'UNKNOWN_MAGIC_BYTE') skip() }
 */
export class SerdeError extends Error {
  override readonly name: string = 'SerdeError'
  constructor(
    readonly code: SerdeErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

/** What an error answer of the registry said, as sent. */
export interface RegistryAnswer {
  /** Its `error_code`, when it had a numeric one. */
  readonly errorCode?: number
  /** Its `message`; else the body's text; else the HTTP status text. */
  readonly message: string
}

/**
 * An error answer of the registry (`{"error_code": 40403, "message": "..."}`), or a network failure
 * (`status` 0) after the retries ran out. `errorCode` is the status when the answer had none.
 */
export class SchemaRegistryError extends SerdeError {
  override readonly name = 'SchemaRegistryError'
  /** The answer itself; absent for a network failure. */
  readonly answer: RegistryAnswer | undefined
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
    options?: ErrorOptions & { readonly answer?: RegistryAnswer },
  ) {
    super('REGISTRY_ERROR', message, options)
    this.answer = options?.answer
  }
}

/** The registry's error codes the serde layer reacts to. */
export const SUBJECT_NOT_FOUND = 40401
export const VERSION_NOT_FOUND = 40402
export const SCHEMA_NOT_FOUND = 40403

/** Every way the registry refuses a request. `http/errors.ts` maps each code to status + error_code. */
export type RegistryErrorCode =
  | 'SUBJECT_NOT_FOUND'
  | 'VERSION_NOT_FOUND'
  | 'SCHEMA_NOT_FOUND'
  | 'SUBJECT_SOFT_DELETED'
  | 'SUBJECT_NOT_SOFT_DELETED'
  | 'SCHEMAVERSION_SOFT_DELETED'
  | 'SCHEMAVERSION_NOT_SOFT_DELETED'
  | 'SUBJECT_COMPATIBILITY_NOT_CONFIGURED'
  | 'SUBJECT_MODE_NOT_CONFIGURED'
  | 'INCOMPATIBLE_SCHEMA'
  | 'INVALID_SCHEMA'
  | 'INVALID_VERSION'
  | 'INVALID_COMPATIBILITY_LEVEL'
  | 'INVALID_MODE'
  | 'OPERATION_NOT_PERMITTED'
  | 'REFERENCE_EXISTS'
  | 'ACCESS_DENIED'
  | 'INVALID_SUBJECT'
  | 'SCHEMA_TOO_LARGE'
  | 'INVALID_RULESET'
  | 'CONTEXT_NOT_EMPTY'
  | 'INVALID_CONTEXT'
  | 'BAD_REQUEST'
  | 'UNPROCESSABLE'
  | 'NOT_FOUND'
  | 'STORE_ERROR'
  | 'KEY_NOT_FOUND'
  | 'KEY_NOT_SOFT_DELETED'
  | 'KEY_SOFT_DELETED'
  | 'KEY_ALREADY_EXISTS'
  | 'TOO_MANY_KEYS'
  | 'INVALID_KEY'
  | 'KEY_REFERENCE_EXISTS'

export class RegistryError extends Error {
  override readonly name = 'RegistryError'
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
  }
}

const err = (code: RegistryErrorCode, message: string, options?: ErrorOptions) =>
  new RegistryError(code, message, options)

export const subjectNotFound = (s: string) => err('SUBJECT_NOT_FOUND', `Subject '${s}' not found.`)
export const versionNotFound = (v: number | string) => err('VERSION_NOT_FOUND', `Version ${v} not found.`)
export const schemaNotFound = (id?: number | string) =>
  err('SCHEMA_NOT_FOUND', id === undefined ? 'Schema not found' : `Schema ${id} not found`)
export const subjectSoftDeleted = (s: string) =>
  err('SUBJECT_SOFT_DELETED', `Subject '${s}' was soft deleted.Set permanent=true to delete permanently`)
export const subjectNotSoftDeleted = (s: string) =>
  err('SUBJECT_NOT_SOFT_DELETED', `Subject '${s}' was not deleted first before being permanently deleted`)
export const versionSoftDeleted = (s: string, v: number) =>
  err(
    'SCHEMAVERSION_SOFT_DELETED',
    `Subject '${s}' Version ${v} was soft deleted.Set permanent=true to delete permanently`,
  )
export const versionNotSoftDeleted = (s: string, v: number) =>
  err(
    'SCHEMAVERSION_NOT_SOFT_DELETED',
    `Subject '${s}' Version ${v} was not deleted first before being permanently deleted`,
  )
export const subjectLevelConfigNotFound = (s: string) =>
  err('SUBJECT_COMPATIBILITY_NOT_CONFIGURED', `Subject '${s}' does not have subject-level compatibility configured`)
export const subjectLevelModeNotFound = (s: string) =>
  err('SUBJECT_MODE_NOT_CONFIGURED', `Subject '${s}' does not have subject-level mode configured`)
export const incompatibleSchema = (s: string, messages: readonly string[]) =>
  err(
    'INCOMPATIBLE_SCHEMA',
    `Schema being registered is incompatible with an earlier schema for subject "${s}", details: [${messages.join(', ')}]`,
  )
export const invalidSchema = (message: string, options?: ErrorOptions) => err('INVALID_SCHEMA', message, options)
export const invalidVersion = (v: string) =>
  err(
    'INVALID_VERSION',
    `The specified version '${v}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
  )
export const invalidCompatibilityLevel = () =>
  err(
    'INVALID_COMPATIBILITY_LEVEL',
    'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive',
  )
export const invalidMode = (detail = '') =>
  err('INVALID_MODE', `Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE and IMPORT.${detail}`)
export const operationNotPermitted = (message: string) => err('OPERATION_NOT_PERMITTED', message)
/**
 * 42206, naming the subject-versions that still refer to `s` version `v` that the caller may
 * read (a few, then a count); `hidden` says others exist on subjects the caller may not read.
 */
export const referenceExists = (
  s: string,
  v: number,
  referrers: readonly { subject: string; version: number }[],
  hidden = false,
) => {
  const named = referrers.slice(0, 5).map((r) => `subject '${r.subject}' version ${r.version}`)
  const more = referrers.length > named.length ? ` and ${referrers.length - named.length} more` : ''
  const unreadable = hidden ? `${named.length > 0 ? ' and' : ''} by versions of subjects you may not read` : ''
  return err(
    'REFERENCE_EXISTS',
    `One or more references exist to subject '${s}' version ${v}: referenced by ${named.join(', ')}${more}${unreadable}. Delete the referring versions first.`,
  )
}
/** The caller may not read `subject`; the same words as the HTTP layer's own denials. */
export const accessDenied = (subject: string) =>
  err('ACCESS_DENIED', `User is denied operation Read on Subject: ${subject}`)
export const invalidSubject = (s: string) => err('INVALID_SUBJECT', `The specified subject '${s}' is not a valid.`)
export const schemaTooLarge = (detail?: string) =>
  err('SCHEMA_TOO_LARGE', `Register operation failed because schema is too large${detail ? `: ${detail}` : ''}`)
export const invalidRuleSet = (message: string) => err('INVALID_RULESET', message)
export const contextNotEmpty = (c: string) => err('CONTEXT_NOT_EMPTY', `The specified context '${c}' is not empty.`)
export const badRequest = (message: string) => err('BAD_REQUEST', message)
export const unprocessable = (message: string) => err('UNPROCESSABLE', message)
export const storeError = (message: string, options?: ErrorOptions) => err('STORE_ERROR', message, options)

// The DEK registry's errors (`/dek-registry/v1`), in Confluent's words where it has them.
export const keyNotFound = (name: string) => err('KEY_NOT_FOUND', `Key '${name}' not found`)
export const keyNotSoftDeleted = (name: string) =>
  err('KEY_NOT_SOFT_DELETED', `Key '${name}' was not deleted first before being permanently deleted`)
export const keySoftDeleted = (name: string) => err('KEY_SOFT_DELETED', `Key '${name}' must be undeleted first`)
export const keyAlreadyExists = (name: string) =>
  err('KEY_ALREADY_EXISTS', `Key '${name}' already exists; use a different value`)
export const tooManyKeys = (max: number) => err('TOO_MANY_KEYS', `A maximum of ${max} keys already exist`)
/** 42271: `field` is missing or invalid; `detail` says what was expected. */
export const invalidKey = (field: string, detail: string) =>
  err('INVALID_KEY', `Invalid or missing key info: ${field}: ${detail}`)
export const keyReferenceExists = (name: string, detail: string) =>
  err('KEY_REFERENCE_EXISTS', `One or more references exist to the key ${name}: ${detail}`)

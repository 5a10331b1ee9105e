import type { FastifyBaseLogger, FastifyError, FastifyInstance } from 'fastify'
import { RegistryError, type RegistryErrorCode } from '../registry/errors.js'
import { negotiate, UNSUPPORTED_MEDIA_TYPE } from './content-type.js'
import { SCHEMA_REGISTRY_V1_JSON } from '../formats/model.js'

/** The one table from domain error to HTTP status and Confluent `error_code`. */
export const ERROR_TABLE: Record<RegistryErrorCode, readonly [status: number, errorCode: number]> = {
  SUBJECT_NOT_FOUND: [404, 40401],
  VERSION_NOT_FOUND: [404, 40402],
  SCHEMA_NOT_FOUND: [404, 40403],
  SUBJECT_SOFT_DELETED: [404, 40404],
  SUBJECT_NOT_SOFT_DELETED: [404, 40405],
  SCHEMAVERSION_SOFT_DELETED: [404, 40406],
  SCHEMAVERSION_NOT_SOFT_DELETED: [404, 40407],
  SUBJECT_COMPATIBILITY_NOT_CONFIGURED: [404, 40408],
  SUBJECT_MODE_NOT_CONFIGURED: [404, 40409],
  INCOMPATIBLE_SCHEMA: [409, 40901],
  INVALID_SCHEMA: [422, 42201],
  INVALID_VERSION: [422, 42202],
  INVALID_COMPATIBILITY_LEVEL: [422, 42203],
  INVALID_MODE: [422, 42204],
  OPERATION_NOT_PERMITTED: [422, 42205],
  REFERENCE_EXISTS: [422, 42206],
  ACCESS_DENIED: [403, 40301],
  INVALID_SUBJECT: [422, 42208],
  SCHEMA_TOO_LARGE: [422, 42209],
  INVALID_RULESET: [422, 42210],
  CONTEXT_NOT_EMPTY: [422, 42211],
  INVALID_CONTEXT: [400, 400],
  BAD_REQUEST: [400, 400],
  UNPROCESSABLE: [422, 422],
  NOT_FOUND: [404, 404],
  STORE_ERROR: [500, 50001],
  KEY_NOT_FOUND: [404, 40470],
  KEY_NOT_SOFT_DELETED: [404, 40471],
  KEY_SOFT_DELETED: [404, 40472],
  KEY_ALREADY_EXISTS: [409, 40971],
  TOO_MANY_KEYS: [409, 40972],
  INVALID_KEY: [422, 42271],
  KEY_REFERENCE_EXISTS: [422, 42272],
}

/** Framework errors that fastify raises before a route runs, in Confluent's envelope. */
const FRAMEWORK: Record<string, readonly [number, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, UNSUPPORTED_MEDIA_TYPE],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'Request body is larger than the configured limit'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [422, 'Request body is empty'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'Request body size did not match Content-Length'],
  FST_ERR_NOT_FOUND: [404, 'HTTP 404 Not Found'],
}

/**
 * Codes answered outside the domain table: framework errors (400, 404, 406, 413, 415, 422), HTTP
 * framing refused before routing (408 body too slow, 414 path parameter too long, 431 headers too
 * large; see guards.ts), authentication (401; 429 after repeated failures), access denied (40301, Confluent RBAC's code), overload (503) and the
 * unexpected (500). With ERROR_TABLE this is every error_code the server sends; openapi.yaml's
 * `ErrorCode` must list exactly these.
 */
export const OTHER_ERROR_CODES = [400, 401, 404, 406, 408, 413, 414, 415, 422, 429, 431, 500, 503, 40301] as const

export interface ErrorBody {
  readonly error_code: number
  readonly message: string
}

/**
 * The status and `{error_code, message}` answering an error a route threw: a registry error by
 * its code, a framework error by its kind, anything unexpected as a logged 500.
 */
export function errorAnswer(
  error: FastifyError | RegistryError,
  incompatibleErrorCode: number,
  log: FastifyBaseLogger,
): { status: number; body: ErrorBody } {
  if (error instanceof RegistryError) {
    const [status, code] = ERROR_TABLE[error.code]
    if (status >= 500) log.error({ err: error }, 'store error')
    return {
      status,
      body: { error_code: error.code === 'INCOMPATIBLE_SCHEMA' ? incompatibleErrorCode : code, message: error.message },
    }
  }
  if (error.code && FRAMEWORK[error.code]) {
    const [status, message] = FRAMEWORK[error.code]!
    return { status, body: { error_code: status, message } }
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, body: { error_code: error.statusCode, message: error.message } }
  }
  log.error({ err: error }, 'unexpected error')
  return { status: 500, body: { error_code: 500, message: 'Internal Server Error' } }
}

/** Installs the one error handler and the 404 handler; routes never catch. */
export function installErrorHandling(app: FastifyInstance, incompatibleErrorCode: number): void {
  app.setErrorHandler((error: FastifyError | RegistryError, request, reply) => {
    const { status, body } = errorAnswer(error, incompatibleErrorCode, request.log)
    reply
      .code(status)
      .type(negotiate(request.headers.accept) ?? SCHEMA_REGISTRY_V1_JSON)
      .send(body)
  })
  app.setNotFoundHandler((request, reply) => {
    reply
      .code(404)
      .type(negotiate(request.headers.accept) ?? SCHEMA_REGISTRY_V1_JSON)
      .send({ error_code: 404, message: 'HTTP 404 Not Found' })
  })
}

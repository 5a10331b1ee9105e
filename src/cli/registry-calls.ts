import { RegistryTransport, SchemaRegistryError } from '../serde/index.js'
import { InfrastructureError } from './errors.js'

export { SchemaRegistryError }

/** How to reach a registry: URL plus optional basic or bearer credentials. */
export interface Connection {
  readonly url: string
  readonly user?: string
  readonly password?: string
  readonly token?: string
}

/**
 * Plain Confluent REST calls over the serde's {@link RegistryTransport}, so the commands work
 * against any Confluent-compatible registry. A registry that cannot be reached, or refuses the
 * credentials, is an {@link InfrastructureError}; other error answers are
 * {@link SchemaRegistryError}s for the caller to judge, with a message for the terminal.
 */
export class RegistryCalls {
  readonly #base: string
  readonly #transport: RegistryTransport

  /** `maxSockets`: the most requests the command keeps in flight (default 16). */
  constructor(
    readonly connection: Connection,
    { maxSockets }: { maxSockets?: number } = {},
  ) {
    this.#base = connection.url.replace(/\/+$/, '')
    this.#transport = new RegistryTransport({
      baseUrl: connection.url,
      ...(maxSockets ? { maxSockets } : {}),
      ...(connection.token
        ? { auth: { bearerToken: connection.token } }
        : connection.user !== undefined
          ? { auth: { username: connection.user, password: connection.password ?? '' } }
          : {}),
      // One attempt per call, no deadline short of the registry's own: the commands report what
      // happened and CI decides whether to run them again.
      maxRetries: 0,
      timeoutMs: 300_000,
    })
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path)
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, body)
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, body)
  }

  delete<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path)
  }

  /** Like `get`, but undefined for the given 404 error codes (e.g. 40408 "no subject config"). */
  async getOptional<T>(path: string, notFoundCodes: readonly number[]): Promise<T | undefined> {
    try {
      return await this.get<T>(path)
    } catch (e) {
      const code = e instanceof SchemaRegistryError ? e.answer?.errorCode : undefined
      if (
        e instanceof SchemaRegistryError &&
        e.status === 404 &&
        (code === undefined || notFoundCodes.includes(code))
      ) {
        return undefined
      }
      throw e
    }
  }

  /**
   * Like `post`, but undefined when the registry answers one of `statuses` (a route it does not
   * have, 404 or 405, or one the caller may not use, 403), for calls with a fallback.
   */
  async postUnlessRefused<T>(path: string, body: unknown, statuses: readonly number[]): Promise<T | undefined> {
    try {
      return await this.#transport.request<T>('POST', path.replace(/^\/+/, ''), JSON.stringify(body), true)
    } catch (e) {
      if (e instanceof SchemaRegistryError && statuses.includes(e.status)) return undefined
      return this.#failure(e, 'POST', path)
    }
  }

  /** Sends `body` as JSON to `path` (`/subjects/...`, from the base URL) and parses the answer. */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    try {
      return await this.#transport.request<T>(
        method,
        path.replace(/^\/+/, ''),
        body === undefined ? undefined : JSON.stringify(body),
        true,
      )
    } catch (e) {
      return this.#failure(e, method, path)
    }
  }

  /**
   * The error a command gets for an error answer the registry gave inside a bulk answer: the same
   * as for that call made alone (`POST /subjects/x/versions` answering 422, say).
   */
  answerError(method: string, path: string, status: number, body: { error_code?: number; message?: string }): Error {
    const errorCode = body.error_code
    const message = body.message ?? ''
    return this.#meaning(
      new SchemaRegistryError(status, errorCode ?? status, message, {
        answer: { ...(errorCode === undefined ? {} : { errorCode }), message },
      }),
      method,
      path,
    )
  }

  /** Throws what a failed call means for a command. */
  #failure(e: unknown, method: string, path: string): never {
    if (!(e instanceof SchemaRegistryError)) throw e
    throw this.#meaning(e, method, path)
  }

  /** What a failed call means for a command: unreachable or refused credentials, or the registry's error. */
  #meaning(e: SchemaRegistryError, method: string, path: string): Error {
    if (e.status === 0) {
      const cause = e.cause as { code?: string; message?: string } | undefined
      return new InfrastructureError(
        `cannot reach the registry at ${this.#base}: ${cause?.code ?? cause?.message ?? e.message}`,
      )
    }
    // A 2xx answer that is not JSON: nothing a command could use.
    if (e.answer === undefined) return new InfrastructureError(`${method} ${path}: ${e.message}`)
    const { errorCode, message } = e.answer
    if (e.status === 401 || e.status === 403) {
      return new InfrastructureError(`${method} ${path}: ${e.status} ${message} (check --user/--password or --token)`)
    }
    return new SchemaRegistryError(
      e.status,
      e.errorCode,
      `${method} ${path}: ${e.status}${errorCode ? `/${errorCode}` : ''} ${message}`,
      { answer: e.answer, cause: e },
    )
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.#transport.close()
  }
}

/** `encodeURIComponent` for a subject in a path (qualified subjects carry `:` and `.`). */
export const enc = (subject: string) => encodeURIComponent(subject)

import { InfrastructureError } from './errors.js'

/** How to reach a registry: URL plus optional basic or bearer credentials. */
export interface Connection {
  readonly url: string
  readonly user?: string
  readonly password?: string
  readonly token?: string
}

/** A non-2xx answer from the registry, with Confluent's `error_code` when the body had one. */
export class RegistryHttpError extends Error {
  override readonly name = 'RegistryHttpError'
  constructor(
    readonly status: number,
    readonly errorCode: number | undefined,
    message: string,
  ) {
    super(message)
  }
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'

/**
 * Plain Confluent REST calls over `fetch`, so the commands work against any Confluent-compatible
 * registry. Network failures become {@link InfrastructureError}s; HTTP errors become
 * {@link RegistryHttpError}s for the caller to judge.
 */
export class RestClient {
  readonly #base: string
  readonly #headers: Record<string, string>

  constructor(readonly connection: Connection) {
    this.#base = connection.url.replace(/\/+$/, '')
    this.#headers = { accept: `${CONTENT_TYPE}, application/json`, 'content-type': CONTENT_TYPE }
    if (connection.token) this.#headers.authorization = `Bearer ${connection.token}`
    else if (connection.user !== undefined) {
      const pair = `${connection.user}:${connection.password ?? ''}`
      this.#headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`
    }
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
      if (
        e instanceof RegistryHttpError &&
        e.status === 404 &&
        (e.errorCode === undefined || notFoundCodes.includes(e.errorCode))
      ) {
        return undefined
      }
      throw e
    }
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.#base}${path}`
    let response: Response
    try {
      response = await fetch(url, {
        method,
        headers: this.#headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause
      throw new InfrastructureError(
        `cannot reach the registry at ${this.#base}: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
      )
    }
    const text = await response.text()
    let parsed: unknown
    try {
      parsed = text === '' ? undefined : JSON.parse(text)
    } catch {
      parsed = text
    }
    if (response.ok) return parsed as T
    const error = parsed as { error_code?: unknown; message?: unknown } | undefined
    const code = typeof error?.error_code === 'number' ? error.error_code : undefined
    const message = typeof error?.message === 'string' ? error.message : text || response.statusText
    if (response.status === 401 || response.status === 403) {
      throw new InfrastructureError(
        `${method} ${path}: ${response.status} ${message} (check --user/--password or --token)`,
      )
    }
    throw new RegistryHttpError(
      response.status,
      code,
      `${method} ${path}: ${response.status}${code ? `/${code}` : ''} ${message}`,
    )
  }
}

/** `encodeURIComponent` for a subject in a path (qualified subjects carry `:` and `.`). */
export const enc = (subject: string) => encodeURIComponent(subject)

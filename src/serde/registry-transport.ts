/**
 * Requests to a Confluent-compatible registry over node's own http/https with a keep-alive
 * agent: auth headers, the media type, retries with backoff across several URLs, and the error
 * envelope (`{"error_code": 40403, "message": "..."}`) read into a {@link SchemaRegistryError}.
 * {@link HttpSchemaRegistryClient} and the CLI both call the registry through it.
 */
import http from 'node:http'
import https from 'node:https'
import { SCHEMA_REGISTRY_JSON, SCHEMA_REGISTRY_V1_JSON } from '../formats/model.js'
import { SchemaRegistryError } from './errors.js'

export interface RegistryTransportOptions {
  /** One registry URL, or several tried in turn when one cannot be reached. */
  readonly baseUrl: string | readonly string[]
  readonly auth?: { readonly username: string; readonly password: string } | { readonly bearerToken: string }
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number
  /** Retries after a network error or a 408/429/5xx answer (default 3). */
  readonly maxRetries?: number
  /** First retry delay; doubles each retry up to `maxRetryBackoffMs` (defaults 100 ms and 2 s). */
  readonly retryBackoffMs?: number
  readonly maxRetryBackoffMs?: number
  /** Most requests in flight at once, each on its own kept-alive socket (default 16). */
  readonly maxSockets?: number
}

const ACCEPT = `${SCHEMA_REGISTRY_V1_JSON}, ${SCHEMA_REGISTRY_JSON}, application/json`
const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504])

/**
 * @example
 * const registry = new RegistryTransport({ baseUrl: 'http://127.0.0.1:8081' })
 * const subjects = await registry.request<string[]>('GET', 'subjects')
 */
export class RegistryTransport {
  readonly #urls: URL[]
  readonly #options: RegistryTransportOptions
  readonly #headers: Record<string, string>
  readonly #httpAgent: http.Agent
  readonly #httpsAgent: https.Agent
  #urlIndex = 0

  constructor(options: RegistryTransportOptions) {
    const urls = typeof options.baseUrl === 'string' ? [options.baseUrl] : options.baseUrl
    if (urls.length === 0) throw new TypeError('a registry client needs at least one baseUrl')
    this.#urls = urls.map((u) => new URL(u.endsWith('/') ? u : `${u}/`))
    this.#options = options
    const maxSockets = options.maxSockets ?? 16
    this.#httpAgent = new http.Agent({ keepAlive: true, maxSockets })
    this.#httpsAgent = new https.Agent({ keepAlive: true, maxSockets })
    this.#headers = { 'content-type': SCHEMA_REGISTRY_V1_JSON, accept: ACCEPT, ...options.headers }
    const auth = options.auth
    if (auth !== undefined && 'bearerToken' in auth) this.#headers.authorization = `Bearer ${auth.bearerToken}`
    else if (auth !== undefined) {
      this.#headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
    }
  }

  /**
   * Sends `payload` (JSON text) to `path`, relative to the base URL (`subjects/x/versions`), and
   * resolves with the parsed answer; undefined for an empty 2xx answer when `allowEmpty` is set.
   * Error answers reject with a {@link SchemaRegistryError} carrying the status and `error_code`;
   * a registry that cannot be reached after the retries, with one of status 0.
   */
  async request<T>(method: string, path: string, payload?: string, allowEmpty = false): Promise<T> {
    const maxRetries = this.#options.maxRetries ?? 3
    let delay = this.#options.retryBackoffMs ?? 100
    for (let attempt = 0; ; attempt++) {
      const base = this.#urls[this.#urlIndex]!
      try {
        return await this.#send<T>(method, new URL(path, base), payload, allowEmpty)
      } catch (err) {
        const network = !(err instanceof SchemaRegistryError)
        const retryable = network || RETRY_STATUS.has(err.status)
        if (!retryable || attempt >= maxRetries) {
          if (network) {
            throw new SchemaRegistryError(
              0,
              0,
              `Schema registry ${base.origin} unreachable: ${(err as Error).message}`,
              { cause: err },
            )
          }
          throw err
        }
        if (network) this.#urlIndex = (this.#urlIndex + 1) % this.#urls.length
        await sleep(delay / 2 + (Math.random() * delay) / 2)
        delay = Math.min(delay * 2, this.#options.maxRetryBackoffMs ?? 2000)
      }
    }
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.#httpAgent.destroy()
    this.#httpsAgent.destroy()
  }

  #send<T>(method: string, url: URL, payload: string | undefined, allowEmpty: boolean): Promise<T> {
    const isHttps = url.protocol === 'https:'
    const headers =
      payload === undefined ? this.#headers : { ...this.#headers, 'content-length': String(Buffer.byteLength(payload)) }
    return new Promise<T>((resolve, reject) => {
      const req = (isHttps ? https : http).request(
        url,
        {
          method,
          headers,
          agent: isHttps ? this.#httpsAgent : this.#httpAgent,
          timeout: this.#options.timeoutMs ?? 10_000,
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8')
            const status = res.statusCode ?? 0
            let json: unknown
            try {
              json = text === '' ? undefined : JSON.parse(text)
            } catch {
              json = undefined
            }
            if (status >= 200 && status < 300) {
              if (json === undefined && !(allowEmpty && text === ''))
                reject(
                  new SchemaRegistryError(
                    status,
                    0,
                    `${method} ${url.pathname}: answer is not JSON: ${text.slice(0, 200)}`,
                  ),
                )
              else resolve(json as T)
              return
            }
            const e = (json ?? {}) as { error_code?: unknown; message?: unknown }
            const errorCode = typeof e.error_code === 'number' ? e.error_code : undefined
            const message = typeof e.message === 'string' ? e.message : undefined
            reject(
              new SchemaRegistryError(
                status,
                errorCode ?? status,
                `${method} ${url.pathname} failed with HTTP ${status}${errorCode !== undefined ? ` (error_code ${errorCode})` : ''}: ${message ?? text.slice(0, 200)}`,
                {
                  answer: {
                    ...(errorCode === undefined ? {} : { errorCode }),
                    message: message ?? (text || res.statusMessage || ''),
                  },
                },
              ),
            )
          })
        },
      )
      req.on('timeout', () => req.destroy(new Error(`timed out after ${this.#options.timeoutMs ?? 10_000} ms`)))
      req.on('error', reject)
      req.end(payload)
    })
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

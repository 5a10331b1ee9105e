/**
 * A {@link SchemaRegistryClient} over HTTP(S) with node's own http/https and a keep-alive agent.
 * Answers that never change are cached forever; "latest" answers for `latestCacheTtlMs`.
 */
import http from 'node:http'
import https from 'node:https'
import { LoadingCache, schemaKey, type RegisteredSchema, type SchemaInfo, type SchemaRegistryClient } from './client.js'
import { SchemaRegistryError } from './errors.js'

export interface HttpSchemaRegistryClientOptions {
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
  /** How long a "latest version" answer is reused (default: until `clearLatestCache()`). */
  readonly latestCacheTtlMs?: number
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json'
const ACCEPT = 'application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json'
const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504])

/**
 * @example
 * const client = new HttpSchemaRegistryClient({
 *   baseUrl: 'https://registry.example:8081',
 *   auth: { username: 'svc', password: process.env.SR_PASSWORD! },
 * })
 */
export class HttpSchemaRegistryClient implements SchemaRegistryClient {
  readonly #urls: URL[]
  readonly #options: HttpSchemaRegistryClientOptions
  readonly #headers: Record<string, string>
  readonly #httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 })
  readonly #httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 })
  readonly #ids = new LoadingCache<SchemaInfo>()
  readonly #guids = new LoadingCache<SchemaInfo>()
  readonly #registered = new LoadingCache<number>()
  readonly #lookups = new LoadingCache<RegisteredSchema>()
  readonly #versions = new LoadingCache<RegisteredSchema>()
  readonly #latest: LoadingCache<RegisteredSchema>
  #urlIndex = 0

  constructor(options: HttpSchemaRegistryClientOptions) {
    const urls = typeof options.baseUrl === 'string' ? [options.baseUrl] : options.baseUrl
    if (urls.length === 0) throw new TypeError('HttpSchemaRegistryClient needs at least one baseUrl')
    this.#urls = urls.map((u) => new URL(u.endsWith('/') ? u : `${u}/`))
    this.#options = options
    this.#latest = new LoadingCache(options.latestCacheTtlMs ?? Infinity)
    this.#headers = { 'content-type': CONTENT_TYPE, accept: ACCEPT, ...options.headers }
    const auth = options.auth
    if (auth !== undefined && 'bearerToken' in auth) this.#headers.authorization = `Bearer ${auth.bearerToken}`
    else if (auth !== undefined) {
      this.#headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
    }
  }

  register(subject: string, schema: SchemaInfo, options: { normalize?: boolean } = {}): Promise<number> {
    return this.#registered.get(schemaKey(subject, schema, options.normalize), async () => {
      const res = await this.#request<{ id: number; guid?: string } & Partial<SchemaInfo>>(
        'POST',
        `subjects/${enc(subject)}/versions${normalizeQuery(options)}`,
        body(schema),
      )
      // The id's schema is what was just sent (or, from registries that answer with the whole
      // version, what was stored, with any data contract it inherited); a consumer in the same
      // process need not fetch it.
      const sent = info(
        typeof res.schema === 'string' ? { ...schema, ...res, schema: res.schema } : { ...schema, guid: res.guid },
      )
      this.#ids.set(String(res.id), sent)
      if (res.guid !== undefined) this.#guids.set(res.guid, sent)
      return res.id
    })
  }

  lookup(subject: string, schema: SchemaInfo, options: { normalize?: boolean } = {}): Promise<RegisteredSchema> {
    return this.#lookups.get(schemaKey(subject, schema, options.normalize), () =>
      this.#request<RegisteredSchema>('POST', `subjects/${enc(subject)}${normalizeQuery(options)}`, body(schema)).then(
        registered,
      ),
    )
  }

  getSchemaById(id: number, subject?: string): Promise<SchemaInfo> {
    const query = subject === undefined ? '' : `?subject=${enc(subject)}`
    // Ids are global per context; only a context-qualified subject (":.ctx:s") changes the answer.
    const key = subject?.startsWith(':.') ? `${id}${subject}` : String(id)
    return this.#ids.get(key, () => this.#request<SchemaInfo>('GET', `schemas/ids/${id}${query}`).then(info))
  }

  getSchemaByGuid(guid: string): Promise<SchemaInfo> {
    return this.#guids.get(guid, () => this.#request<SchemaInfo>('GET', `schemas/guids/${enc(guid)}`).then(info))
  }

  getLatest(subject: string): Promise<RegisteredSchema> {
    return this.#latest.get(subject, () =>
      this.#request<RegisteredSchema>('GET', `subjects/${enc(subject)}/versions/latest`).then(registered),
    )
  }

  getVersion(subject: string, version: number): Promise<RegisteredSchema> {
    if (version === -1) return this.getLatest(subject)
    return this.#versions.get(`${subject}\u0000${version}`, () =>
      this.#request<RegisteredSchema>('GET', `subjects/${enc(subject)}/versions/${version}`).then(registered),
    )
  }

  getLatestWithMetadata(subject: string, metadata: Readonly<Record<string, string>>): Promise<RegisteredSchema> {
    const query = Object.entries(metadata)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `key=${enc(k)}&value=${enc(v)}`)
      .join('&')
    return this.#latest.get(`${subject}\u0000?${query}`, () =>
      this.#request<RegisteredSchema>('GET', `subjects/${enc(subject)}/metadata?${query}`).then(registered),
    )
  }

  clearLatestCache(): void {
    this.#latest.clear()
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.#httpAgent.destroy()
    this.#httpsAgent.destroy()
  }

  async #request<T>(method: string, path: string, payload?: string): Promise<T> {
    const maxRetries = this.#options.maxRetries ?? 3
    let delay = this.#options.retryBackoffMs ?? 100
    for (let attempt = 0; ; attempt++) {
      const base = this.#urls[this.#urlIndex]!
      try {
        return await this.#send<T>(method, new URL(path, base), payload)
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

  #send<T>(method: string, url: URL, payload: string | undefined): Promise<T> {
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
              if (json === undefined)
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
            const e = (json ?? {}) as { error_code?: number; message?: string }
            reject(
              new SchemaRegistryError(
                status,
                typeof e.error_code === 'number' ? e.error_code : status,
                `${method} ${url.pathname} failed with HTTP ${status}${typeof e.error_code === 'number' ? ` (error_code ${e.error_code})` : ''}: ${e.message ?? text.slice(0, 200)}`,
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

function enc(s: string): string {
  return encodeURIComponent(s)
}

function normalizeQuery(options: { normalize?: boolean }): string {
  return options.normalize === true ? '?normalize=true' : ''
}

function body(schema: SchemaInfo): string {
  const out: Record<string, unknown> = { schema: schema.schema }
  if (schema.schemaType !== undefined && schema.schemaType !== 'AVRO') out.schemaType = schema.schemaType
  if (schema.references !== undefined && schema.references.length > 0) out.references = schema.references
  if (schema.metadata !== undefined) out.metadata = schema.metadata
  if (schema.ruleSet !== undefined) out.ruleSet = schema.ruleSet
  return JSON.stringify(out)
}

function info(res: SchemaInfo): SchemaInfo {
  return {
    schema: res.schema,
    schemaType: res.schemaType ?? 'AVRO',
    references: res.references ?? [],
    ...(res.guid === undefined ? {} : { guid: res.guid }),
    ...(res.metadata === undefined || res.metadata === null ? {} : { metadata: res.metadata }),
    ...(res.ruleSet === undefined || res.ruleSet === null ? {} : { ruleSet: res.ruleSet }),
  }
}

function registered(res: RegisteredSchema): RegisteredSchema {
  return { ...info(res), subject: res.subject, id: res.id, version: res.version }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/**
 * A {@link SchemaRegistryClient} over HTTP(S) through a {@link RegistryTransport} (node's own
 * http/https with a keep-alive agent). Answers that never change are cached forever; "latest"
 * answers for `latestCacheTtlMs`.
 */
import { LoadingCache, schemaKey, type RegisteredSchema, type SchemaInfo, type SchemaRegistryClient } from './client.js'
import { RegistryTransport, type RegistryTransportOptions } from './registry-transport.js'

export interface HttpSchemaRegistryClientOptions extends RegistryTransportOptions {
  /** How long a "latest version" answer is reused (default: until `clearLatestCache()`). */
  readonly latestCacheTtlMs?: number
}

/**
 * @example
 * const client = new HttpSchemaRegistryClient({
 *   baseUrl: 'https://registry.example:8081',
 *   auth: { username: 'svc', password: process.env.SR_PASSWORD! },
 * })
 */
export class HttpSchemaRegistryClient implements SchemaRegistryClient {
  readonly #transport: RegistryTransport
  readonly #ids = new LoadingCache<SchemaInfo>()
  readonly #guids = new LoadingCache<SchemaInfo>()
  readonly #registered = new LoadingCache<number>()
  readonly #lookups = new LoadingCache<RegisteredSchema>()
  readonly #versions = new LoadingCache<RegisteredSchema>()
  readonly #latest: LoadingCache<RegisteredSchema>

  constructor(options: HttpSchemaRegistryClientOptions) {
    this.#transport = new RegistryTransport(options)
    this.#latest = new LoadingCache(options.latestCacheTtlMs ?? Infinity)
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
    this.#transport.close()
  }

  #request<T>(method: string, path: string, payload?: string): Promise<T> {
    return this.#transport.request<T>(method, path, payload)
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

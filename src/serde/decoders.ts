/** The decoders a deserializer reads with, one per schema id or GUID, fetched and built once. */
import { isNotFound, unknownGuid, unknownSchemaId, type SchemaInfo, type SchemaRegistryClient } from './client.js'
import { SerdeError } from './errors.js'
import type { SchemaRef } from './wire.js'

/** Decodes a payload whose bytes after the id or GUID start at `start`; `header` is the schema-id header, if any. */
export type Decoder<T> = (payload: Uint8Array, start: number, header?: Uint8Array) => T

/** Decoders by schema id or GUID, each built once; concurrent first reads of one share one load. */
export class ReaderDecoders<D> {
  readonly #ready = new Map<SchemaRef, D>()
  readonly #infos = new Map<SchemaRef, SchemaInfo>()
  readonly #loading = new Map<SchemaRef, Promise<D>>()
  // Most topics carry one schema: remember the last one read.
  #lastRef: SchemaRef = Number.NaN
  #last: D | undefined

  constructor(
    readonly client: SchemaRegistryClient,
    readonly build: (ref: SchemaRef, info: SchemaInfo) => Promise<D>,
  ) {}

  /** The decoder of a loaded id or GUID, or undefined. */
  get(ref: SchemaRef): D | undefined {
    if (ref === this.#lastRef) return this.#last
    const d = this.#ready.get(ref)
    if (d !== undefined) {
      this.#lastRef = ref
      this.#last = d
    }
    return d
  }

  load(ref: SchemaRef): Promise<D> {
    const ready = this.#ready.get(ref)
    if (ready !== undefined) return Promise.resolve(ready)
    let p = this.#loading.get(ref)
    if (p === undefined) {
      p = this.#fetch(ref).then(
        (d) => {
          this.#ready.set(ref, d)
          this.#loading.delete(ref)
          return d
        },
        (err: unknown) => {
          this.#loading.delete(ref)
          throw err
        },
      )
      this.#loading.set(ref, p)
    }
    return p
  }

  /** The registered schema of a loaded id or GUID. */
  info(ref: SchemaRef): SchemaInfo | undefined {
    return this.#infos.get(ref)
  }

  /** The decoder for a payload's id or GUID, or SCHEMA_NOT_LOADED. */
  require(ref: SchemaRef): D {
    const d = this.get(ref)
    if (d === undefined) {
      const what = typeof ref === 'number' ? `Schema id ${ref}` : `Schema GUID ${ref}`
      throw new SerdeError('SCHEMA_NOT_LOADED', `${what} has not been loaded yet: call load() or deserialize() first.`)
    }
    return d
  }

  async #fetch(ref: SchemaRef): Promise<D> {
    let info: SchemaInfo
    try {
      info = typeof ref === 'number' ? await this.client.getSchemaById(ref) : await this.client.getSchemaByGuid(ref)
    } catch (err) {
      if (!isNotFound(err)) throw err
      throw typeof ref === 'number' ? unknownSchemaId(ref, err) : unknownGuid(ref, err)
    }
    const built = await this.build(ref, info)
    this.#infos.set(ref, info)
    return built
  }
}

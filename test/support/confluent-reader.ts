/**
 * An independent reader of a `_schemas` topic that applies records the way Confluent Schema
 * Registry's reader thread and in-memory cache do, to check what the incumbent would derive from
 * a topic Registrum wrote. It shares no code with Registrum's store.
 *
 * - Keys are JSON; `NOOP` keys and unreadable records are skipped.
 * - A SCHEMA value whose id already names a key holding another schema text is ignored (the
 *   incumbent logs "Found a schema with duplicate ID" and skips it); otherwise it is stored and
 *   the key joins the id's set of subject versions. Overwriting a key does not remove it from the
 *   set of the id its older value had.
 * - A SCHEMA tombstone removes the key, and removes it from its old value's id.
 * - CONFIG and MODE values are stored per subject (none: the global scope); tombstones remove.
 * - DELETE_SUBJECT marks versions up to its version deleted; CLEAR_SUBJECT drops deleted versions.
 *
 * @example
 * const r = new ConfluentReader()
 * for (const m of records) r.apply(m.key, m.value)
 * r.schemaById(3) // the text GET /schemas/ids/3 would answer, or undefined
 */
interface SchemaValue {
  subject: string
  version: number
  id: number
  schema: string
  deleted?: boolean
}

export class ConfluentReader {
  readonly #schemas = new Map<string, SchemaValue>()
  readonly #other = new Map<string, unknown>()
  /** id -> subject -> version, as the incumbent's guid index. */
  readonly #byId = new Map<number, Map<string, number>>()
  /** id -> the text of the last SCHEMA record carrying it: the plainest reading of the log. */
  readonly #lastById = new Map<number, string>()

  apply(rawKey: string | null, rawValue: string | null): void {
    if (rawKey === null) return
    let key: { keytype?: unknown; subject?: unknown; version?: unknown }
    let value: Record<string, unknown> | null
    try {
      key = JSON.parse(rawKey) as typeof key
      value = rawValue === null || rawValue === '' ? null : (JSON.parse(rawValue) as Record<string, unknown>)
    } catch {
      return
    }
    switch (key.keytype) {
      case 'SCHEMA':
        this.#schema(`${String(key.subject)}\u0000${String(key.version)}`, value as SchemaValue | null)
        return
      case 'CONFIG':
      case 'MODE': {
        const k = `${key.keytype}\u0000${typeof key.subject === 'string' ? key.subject : ''}`
        if (value === null) this.#other.delete(k)
        else this.#other.set(k, value)
        return
      }
      case 'DELETE_SUBJECT':
        if (value && typeof value.subject === 'string' && typeof value.version === 'number') {
          for (let v = 1; v <= value.version; v++) {
            const k = `${value.subject}\u0000${v}`
            const old = this.#schemas.get(k)
            if (old) this.#schemas.set(k, { ...old, deleted: true })
          }
        }
        return
      case 'CLEAR_SUBJECT':
        if (value && typeof value.subject === 'string') {
          for (const [k, v] of this.#schemas) if (v.subject === value.subject && v.deleted) this.#schema(k, null)
        }
        return
      default:
        return
    }
  }

  #schema(k: string, value: SchemaValue | null): void {
    if (value === null) {
      const old = this.#schemas.get(k)
      this.#schemas.delete(k)
      if (!old) return
      const [subject, version] = splitKey(k)
      const keys = this.#byId.get(old.id)
      if (keys?.get(subject) === version) keys.delete(subject)
      if (keys?.size === 0) this.#byId.delete(old.id)
      return
    }
    if (typeof value.id === 'number' && typeof value.schema === 'string') this.#lastById.set(value.id, value.schema)
    const holder = this.#byId.get(value.id)?.entries().next().value
    const held = holder ? this.#schemas.get(`${holder[0]}\u0000${holder[1]}`) : undefined
    if (held && held.schema !== value.schema) return
    this.#schemas.set(k, value)
    const [subject, version] = splitKey(k)
    const keys = this.#byId.get(value.id) ?? new Map<string, number>()
    this.#byId.set(value.id, keys)
    keys.set(subject, version)
  }

  /**
   * The schema text served for an id. The incumbent answers from any one key of the id's set,
   * so every key must hold the same text; `'ambiguous'` when they disagree.
   */
  schemaById(id: number): string | undefined {
    const keys = this.#byId.get(id)
    if (!keys) return undefined
    const texts = new Set([...keys].map(([s, v]) => this.#schemas.get(`${s}\u0000${v}`)?.schema ?? '(missing)'))
    return texts.size === 1 ? [...texts][0] : 'ambiguous'
  }

  /** The text of the last record that carried the id, for readers that keep the last one. */
  lastTextById(id: number): string | undefined {
    return this.#lastById.get(id)
  }

  ids(): number[] {
    return [...this.#byId.keys()].sort((a, b) => a - b)
  }

  /** Every subject with its versions as `[version, id, deleted]`, deleted ones included. */
  subjects(): Map<string, [number, number, boolean][]> {
    const out = new Map<string, [number, number, boolean][]>()
    for (const [k, v] of this.#schemas) {
      const [subject, version] = splitKey(k)
      const list = out.get(subject) ?? []
      out.set(subject, list)
      list.push([version, v.id, v.deleted === true])
    }
    for (const list of out.values()) list.sort((a, b) => a[0] - b[0])
    return out
  }

  config(subject?: string): unknown {
    return this.#other.get(`CONFIG\u0000${subject ?? ''}`)
  }
}

function splitKey(k: string): [string, number] {
  const i = k.lastIndexOf('\u0000')
  return [k.slice(0, i), Number(k.slice(i + 1))]
}

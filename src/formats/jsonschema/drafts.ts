/** The JSON Schema dialects Confluent accepts, chosen by `$schema`; draft-07 when it is absent. */
export type Draft = 'draft-04' | 'draft-06' | 'draft-07' | '2019-09' | '2020-12'

export const DEFAULT_DRAFT: Draft = 'draft-07'

const MARKERS: readonly (readonly [string, Draft])[] = [
  ['draft-04', 'draft-04'],
  ['draft-06', 'draft-06'],
  ['draft-07', 'draft-07'],
  ['2019-09', '2019-09'],
  ['2020-12', '2020-12'],
]

/** The dialect a `$schema` value names, or undefined for a value we do not know. */
export function draftOf(schemaUri: unknown): Draft | undefined {
  if (schemaUri === undefined) return DEFAULT_DRAFT
  if (typeof schemaUri !== 'string') return undefined
  return MARKERS.find(([marker]) => schemaUri.includes(marker))?.[1]
}

/** The dialect of a schema document; unknown `$schema` values fall back to the default. */
export function draftOfDocument(raw: unknown): Draft {
  const uri = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).$schema : undefined
  return draftOf(uri) ?? DEFAULT_DRAFT
}

export const isModern = (d: Draft) => d === '2019-09' || d === '2020-12'

/** The keyword that sets a base URI: `id` until draft-04, `$id` afterwards. */
export const idKeyword = (d: Draft) => (d === 'draft-04' ? 'id' : '$id')

import type { CheckOutcome } from '../check/outcome.js'

export interface Summary {
  readonly checked: number
  readonly compatible: number
  readonly incompatible: number
  readonly invalid: number
}

export function summarize(outcomes: readonly CheckOutcome[]): Summary {
  const count = (s: CheckOutcome['status']) => outcomes.filter((o) => o.status === s).length
  return {
    checked: outcomes.length,
    compatible: count('compatible'),
    incompatible: count('incompatible'),
    invalid: count('invalid'),
  }
}

/** One line saying why a subject failed, for junit messages and annotations. */
export function failureTitle(o: CheckOutcome): string {
  if (o.status === 'invalid') return `invalid ${o.type} schema for subject ${o.subject}`
  const against = o.failedVersion !== undefined ? ` with version ${o.failedVersion}` : ''
  return `${o.subject} is incompatible${against}${o.level ? ` under ${o.level}` : ''}`
}

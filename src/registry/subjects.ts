import { invalidSubject } from './errors.js'

/** A subject split into its context and name. `qualified` is how it is stored and returned. */
export interface QualifiedSubject {
  /** `.` for the default context, `.name` otherwise. */
  readonly context: string
  readonly name: string
  readonly qualified: string
}

export const DEFAULT_CONTEXT = '.'
export const GLOBAL_CONTEXT = '.__GLOBAL'

const CONTEXT_PREFIX = /^:(\.[^:]*|\*):(.*)$/s

/**
 * Splits `:.ctx:name` (Confluent's `QualifiedSubject`). A subject without a prefix, or with the
 * default context `:.:`, lives in the default context and is written without a prefix.
 */
export function qualify(raw: string): QualifiedSubject {
  const m = CONTEXT_PREFIX.exec(raw)
  if (!m || m[1] === '*') return { context: DEFAULT_CONTEXT, name: raw, qualified: raw }
  const context = m[1] === '.' ? DEFAULT_CONTEXT : m[1]!
  const name = m[2]!
  return { context, name, qualified: context === DEFAULT_CONTEXT ? name : `:${context}:${name}` }
}

/** The qualified form of a name inside a context. */
export function inContext(context: string, name: string): string {
  return context === DEFAULT_CONTEXT ? name : `:${context}:${name}`
}

/** The subject a reference names, read in the referencing schema's context. */
export function referencedSubject(refSubject: string, context: string): string {
  const unqualified = qualify(refSubject).context === DEFAULT_CONTEXT && !refSubject.startsWith(':')
  return unqualified && context !== DEFAULT_CONTEXT ? inContext(context, refSubject) : refSubject
}

/** The config/mode scope key of a context: `:.:` for the default (global) one. */
export function contextScope(context: string): string {
  return `:${context}:`
}

/** True for `:.ctx:` with an empty name: the subject denotes the context itself. */
export function isContextOnly(raw: string): boolean {
  const m = CONTEXT_PREFIX.exec(raw)
  return !!m && m[1] !== '*' && m[2] === ''
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

/** Rejects what Confluent's `QualifiedSubject.isValidSubject` rejects (42208). */
export function assertValidSubject(raw: string, { forConfig = false } = {}): QualifiedSubject {
  const q = qualify(raw)
  if (CONTROL.test(raw)) throw invalidSubject(raw)
  if (q.name === '__GLOBAL' || q.name === '__EMPTY') throw invalidSubject(raw)
  // `:.:` or `:.ctx:` names no subject: it is the context itself (its config and mode scope).
  if (q.name === '' && !forConfig) throw invalidSubject(raw)
  if (q.context === GLOBAL_CONTEXT && !forConfig) throw invalidSubject(raw)
  return q
}

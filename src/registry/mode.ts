import type { StoreTx } from '../store/store.js'
import { GLOBAL_SCOPE } from '../formats/model.js'
import type { RegistryCore } from './core.js'
import {
  invalidMode,
  operationNotPermitted,
  referenceExists,
  subjectLevelModeNotFound,
  subjectNotFound,
} from './errors.js'
import { assertValidSubject, qualify } from './subjects.js'

export const MODES = ['READWRITE', 'READONLY', 'READONLY_OVERRIDE', 'IMPORT'] as const

/** `GET /mode[/{s}]`. */
export function getMode(core: RegistryCore, scope: string, { defaultToGlobal = false } = {}): string {
  const stored = core.store.mode(scope)
  if (scope === GLOBAL_SCOPE) return stored ?? 'READWRITE'
  if (stored) return stored
  if (!defaultToGlobal) throw subjectLevelModeNotFound(scope)
  return core.effectiveMode(scope)
}

/** Subjects a mode scope covers: all of the default context, a named context's, or one subject. */
function subjectsIn(core: RegistryCore, scope: string): string[] {
  const q = qualify(scope)
  const all = [...core.store.subjects()]
  if (scope === GLOBAL_SCOPE) return all.filter((s) => qualify(s).context === '.')
  if (q.name === '') return all.filter((s) => qualify(s).context === q.context)
  return all.filter((s) => s === q.qualified)
}

/**
 * `PUT /mode[/{s}]`. Entering IMPORT needs an empty scope (or `force`), and hard-deletes what
 * was only soft-deleted there, as Confluent's `setMode` does. A null mode deletes the setting.
 */
export function putMode(core: RegistryCore, tx: StoreTx, scope: string, mode: unknown, force: boolean): void {
  if (scope !== GLOBAL_SCOPE) assertValidSubject(scope, { forConfig: true })
  if (mode === null || mode === undefined) {
    tx.putMode(scope, null)
    return
  }
  const upper = typeof mode === 'string' ? mode.toUpperCase() : ''
  if (!(MODES as readonly string[]).includes(upper)) throw invalidMode()
  if (upper === 'IMPORT' && core.effectiveMode(scope) !== 'IMPORT' && !force) {
    const subjects = subjectsIn(core, scope)
    if (subjects.some((s) => tx.versionsOf(s).some((v) => !v.deleted))) {
      throw operationNotPermitted(
        'Cannot import since found existing subjects; to switch to IMPORT mode anyway, repeat the request with ?force=true',
      )
    }
    for (const s of subjects) {
      for (const v of tx.versionsOf(s)) {
        const uses = core.store.referrersOf(v.subject, v.version).flatMap((r) => core.store.usesOf(r.context, r.id))
        if (uses.length > 0) throw referenceExists(v.subject, v.version, uses)
        tx.deleteVersion(v.subject, v.version)
      }
    }
  }
  tx.putMode(scope, upper)
}

/** `DELETE /mode[/{s}]`: answers the previous mode; `recursive` also clears the context's subjects. */
export function deleteMode(core: RegistryCore, tx: StoreTx, scope: string, recursive: boolean): string | undefined {
  const stored = tx.mode(scope)
  if (!stored && scope !== GLOBAL_SCOPE && !recursive) throw subjectNotFound(scope)
  if (stored) tx.putMode(scope, null)
  if (recursive && qualify(scope).name === '') {
    for (const s of subjectsIn(core, scope)) if (tx.mode(s)) tx.putMode(s, null)
  }
  return stored ?? (scope === GLOBAL_SCOPE && !recursive ? 'READWRITE' : undefined)
}

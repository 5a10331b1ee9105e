import { breakage, directionOf } from '../../compat/render.js'
import { ruleDoc } from '../../compat/rule-docs.js'
import { locate } from '../../formats/locate.js'
import type { Finding } from './outcome.js'

/**
 * A violation parsed from the registry's messages, made actionable: where it is in the new file
 * (line and column from a position-keeping parse), which field or element it names, the old and
 * new text at that place, the direction that breaks, and the rule table's fix hint.
 */
export function explain(
  type: string,
  violation: { rule: string; description: string; path: string },
  newText: string,
  oldText: string | undefined,
): Finding {
  const direction = directionOf(violation.description)
  const doc = ruleDoc(type, violation.rule)
  const base = { ...violation, summary: doc.summary, hint: doc.hint }
  if (violation.path === '') return { ...base, ...(direction ? { direction, breaks: breakage(direction) } : {}) }
  // The path is the reader's: the new schema in a backward check, the old one in a forward check.
  // Follow it there first, then in the other version by the element names met on the way.
  const readerIsNew = direction !== 'forward'
  const readerText = readerIsNew ? newText : oldText
  const writerText = readerIsNew ? oldText : newText
  const inReader = readerText === undefined ? undefined : locate(type, readerText, violation.path)
  const inWriter =
    writerText === undefined ? undefined : locate(type, writerText, violation.path, { names: inReader?.names ?? [] })
  const inNew = readerIsNew ? inReader : inWriter
  const inOld = readerIsNew ? inWriter : inReader
  const element = inReader?.element ?? inWriter?.element
  return {
    ...base,
    ...(element !== undefined ? { element } : {}),
    ...(inOld?.text !== undefined ? { oldFragment: inOld.text } : {}),
    ...(inNew?.text !== undefined ? { newFragment: inNew.text } : {}),
    ...(inNew ? { line: inNew.line, column: inNew.column } : {}),
    ...(direction ? { direction, breaks: breakage(direction) } : {}),
  }
}

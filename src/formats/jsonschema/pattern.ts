import { RE2JS } from 're2js'
import { UndecidedError } from '../format.js'

/** Whether a property name matches a `patternProperties` key. */
export type NameMatcher = (name: string) => boolean

const NEVER: NameMatcher = () => false
const compiled = new Map<string, NameMatcher>()
const CACHE_LIMIT = 4096

/**
 * Compiles an ECMA-262 pattern for a linear-time engine (RE2), so matching the other schema's
 * property names costs time proportional to their length whatever the pattern: a pattern such
 * as `^(a+)+$` cannot stall a compatibility check. Patterns JavaScript cannot compile either
 * match nothing (as before); patterns only a backtracking engine can run (lookahead,
 * backreferences) leave the check undecided rather than risk exponential time.
 */
export function nameMatcher(pattern: string): NameMatcher {
  let matcher = compiled.get(pattern)
  if (matcher) return matcher
  matcher = compile(pattern)
  if (compiled.size >= CACHE_LIMIT) compiled.clear()
  compiled.set(pattern, matcher)
  return matcher
}

function compile(pattern: string): NameMatcher {
  try {
    new RegExp(pattern, 'u')
  } catch {
    return NEVER
  }
  let re: RE2JS
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(pattern), RE2JS.LOOKBEHINDS)
  } catch (e) {
    const reason = (e as Error).message
    return () => {
      throw new UndecidedError(
        `Cannot decide compatibility: patternProperties pattern ${JSON.stringify(pattern)} needs a backtracking regular expression engine (${reason})`,
      )
    }
  }
  return (name) => re.matcher(name).find()
}

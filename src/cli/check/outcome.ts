import type { SchemaType } from '../../formats/format.js'
import type { ProjectReference } from '../project.js'

/** A schema file to check under a subject. */
export interface Candidate {
  readonly subject: string
  /** Absolute path of the schema file. */
  readonly file: string
  readonly type: SchemaType
  readonly schema: string
  readonly references: readonly ProjectReference[]
}

/** One incompatibility, parsed back from the registry's `messages` and located in the files. */
export interface Finding {
  readonly rule: string
  readonly description: string
  /** Where in the schema, as the format reports it (`/fields/1`, `#/Msg/2`, `#/properties/a`). */
  readonly path: string
  /** The field or element the path names, dotted from the outermost (`Order.id`, `customer.zip`). */
  readonly element?: string
  /** The source text at `path` in the failing old version, when it is there. */
  readonly oldFragment?: string
  /** The source text at `path` in the new file, when it is there. */
  readonly newFragment?: string
  /** 1-based line and column in the new file: the element or keyword, else the closest enclosing one. */
  readonly line?: number
  readonly column?: number
  /** The direction that breaks: backward (new readers, old data) or forward (old readers, new data). */
  readonly direction?: 'backward' | 'forward'
  /** The direction in the words of producers and consumers. */
  readonly breaks?: string
  /** The rule table's one-line summary and fix hint for `rule`. */
  readonly summary: string
  readonly hint: string
}

/** What a compatibility engine (online or offline) answers for one candidate. */
export interface Verdict {
  readonly compatible: boolean
  /** The registry's `messages` verbatim (Confluent's `SchemaValidatorBuilder` structure). */
  readonly messages: readonly string[]
  /** The effective level the check used, when known. */
  readonly level?: string
  /** How many live versions the subject had before this one. */
  readonly previousVersions?: number
}

/** The result for one candidate, ready for any output format. */
export interface CheckOutcome {
  readonly subject: string
  readonly file: string
  readonly type: SchemaType
  readonly level?: string
  readonly previousVersions?: number
  readonly status: 'compatible' | 'incompatible' | 'invalid'
  /** For `invalid`: why the schema could not be read or parsed. */
  readonly error?: string
  readonly failedVersion?: number
  readonly findings: readonly Finding[]
  readonly messages: readonly string[]
}

/** Where a compatibility verdict comes from: a live registry, or an in-memory one seeded offline. */
export interface CompatEngine {
  check(candidate: Candidate): Promise<Verdict>
  /** After a check, make the candidate the latest version so referrers checked later see it. */
  stage?(candidate: Candidate): Promise<void>
}

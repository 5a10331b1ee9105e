import type { RuleDoc, Violation } from '../../format.js'
import { AvroFormatError } from '../errors.js'
import { type AvroNode, isPrimitiveNode } from '../model.js'
import { FIXED_SIZE_MISMATCH } from './fixed.js'
import { MISSING_ENUM_SYMBOLS } from './enums.js'
import { READER_FIELD_MISSING_DEFAULT_VALUE } from './fields.js'
import { NAME_MISMATCH } from './names.js'
import { sameShape } from './shape.js'
import { COMPATIBLE, merge, type PairResult, type RuleContext } from './result.js'
import { TYPE_MISMATCH } from './types.js'
import { MISSING_UNION_BRANCH } from './unions.js'

/** The rules this walker applies, for documentation and the per-rule test directories. */
export const AVRO_RULES = [
  NAME_MISMATCH,
  FIXED_SIZE_MISMATCH,
  MISSING_ENUM_SYMBOLS,
  READER_FIELD_MISSING_DEFAULT_VALUE,
  TYPE_MISMATCH,
  MISSING_UNION_BRANCH,
] as const

/** An exception thrown during a check, which Confluent reports as an incompatibility. */
const UNEXPECTED_EXCEPTION: RuleDoc = {
  id: 'UNEXPECTED_EXCEPTION',
  summary: 'The compatibility check itself failed on this pair of schemas.',
  description:
    'The reader and writer schemas could not be compared, for example because a reader field matches several writer fields through its aliases.',
  hint: 'Read the message: it names the ambiguity (usually aliases); remove it so each reader field matches at most one writer field.',
}

/** The documentation of an Avro rule id, from the rule itself. */
export function describeAvroRule(rule: string): RuleDoc | undefined {
  if (rule === UNEXPECTED_EXCEPTION.id) return UNEXPECTED_EXCEPTION
  const r = AVRO_RULES.find((x) => x.id === rule)
  return r ? { id: r.id, summary: r.summary, description: r.purpose, hint: r.hint } : undefined
}

const escapePointer = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1')

/**
 * Avro schema resolution, pair by pair, exactly as Apache Avro Java's
 * `SchemaCompatibility.ReaderWriterCompatibilityChecker`: results are memoised per (reader node,
 * writer node) identity, a pair met again while in progress counts as compatible (recursion), and
 * union branches are judged from a fresh root location, so their paths restart at `/`.
 */
class PairWalker implements RuleContext {
  readonly #memo = new Map<AvroNode, Map<AvroNode, PairResult>>()
  #location: string[] = []

  fresh(reader: AvroNode, writer: AvroNode): PairResult {
    const saved = this.#location
    this.#location = []
    try {
      return this.descend('', reader, writer)
    } finally {
      this.#location = saved
    }
  }

  descend(token: string, reader: AvroNode, writer: AvroNode): PairResult {
    if (sameShape(reader, writer)) return COMPATIBLE
    this.#location.push(token)
    try {
      // Two primitives hold no further pairs, and the parser gives every occurrence its own
      // node, so such a pair is only met again through a memoised parent: no memo needed.
      if (isPrimitiveNode(reader) && isPrimitiveNode(writer)) return this.#calculate(reader, writer)
      let byWriter = this.#memo.get(reader)
      if (!byWriter) this.#memo.set(reader, (byWriter = new Map()))
      const known = byWriter.get(writer)
      if (known) return known.state === 'progress' ? COMPATIBLE : known
      byWriter.set(writer, { state: 'progress', violations: [] })
      const result = this.#calculate(reader, writer)
      byWriter.set(writer, result)
      return result
    } finally {
      this.#location.pop()
    }
  }

  within<T>(token: string, fn: () => T): T {
    this.#location.push(token)
    try {
      return fn()
    } finally {
      this.#location.pop()
    }
  }

  path(): string {
    return `/${this.#location.slice(1).map(escapePointer).join('/')}`
  }

  report(rule: string, message: string): PairResult {
    return { state: 'incompatible', violations: [{ rule, path: this.path(), message }] }
  }

  #calculate(reader: AvroNode, writer: AvroNode): PairResult {
    if (reader.kind === writer.kind) {
      switch (reader.kind) {
        case 'array':
          return this.descend('items', reader.items, (writer as typeof reader).items)
        case 'map':
          return this.descend('values', reader.values, (writer as typeof reader).values)
        case 'fixed': {
          const w = writer as typeof reader
          return merge(NAME_MISMATCH.check(reader, w, this), FIXED_SIZE_MISMATCH.check(reader, w, this))
        }
        case 'enum': {
          const w = writer as typeof reader
          return merge(NAME_MISMATCH.check(reader, w, this), MISSING_ENUM_SYMBOLS.check(reader, w, this))
        }
        case 'record': {
          const w = writer as typeof reader
          return merge(NAME_MISMATCH.check(reader, w, this), READER_FIELD_MISSING_DEFAULT_VALUE.check(reader, w, this))
        }
        case 'union':
          return MISSING_UNION_BRANCH.unionToUnion(reader, writer as typeof reader, this)
        default:
          return COMPATIBLE
      }
    }
    if (writer.kind === 'union') return MISSING_UNION_BRANCH.fromUnion(reader, writer, this)
    if (reader.kind === 'union') return MISSING_UNION_BRANCH.toUnion(reader, writer, this)
    return TYPE_MISMATCH.check(reader, writer, this) ?? COMPATIBLE
  }
}

/**
 * One direction of Avro compatibility: every incompatibility that stops `reader` from reading
 * data written with `writer`, in Java's order. Empty means compatible.
 */
export function checkReaderWriter(reader: AvroNode, writer: AvroNode): Violation[] {
  try {
    return [...new PairWalker().fresh(reader, writer).violations]
  } catch (e) {
    // Confluent turns an exception from the check into an incompatibility (`AvroSchema.isBackwardCompatible`).
    if (!(e instanceof AvroFormatError)) throw e
    return [
      {
        rule: 'UNEXPECTED_EXCEPTION',
        path: '/',
        message: `Unexpected exception during compatibility check: ${e.message}`,
      },
    ]
  }
}

/**
 * CEL rules (`CEL` over the whole message, `CEL_FIELD` over each tagged field) on @bufbuild/cel,
 * with the variables Confluent's executors bind: `message` for CEL; `value`, `fullName`, `name`,
 * `typeName`, `tags` and `message` (the containing record) for CEL_FIELD. An expression may start
 * with a guard, `guard; expr`: when the guard is false the rule is skipped (a condition passes, a
 * transform keeps the value). Each expression is parsed and planned once.
 */
import { celEnv, isCelError, isCelList, isCelMap, isCelUint, parse, plan } from '@bufbuild/cel'
import { strings } from '@bufbuild/cel/ext'
import { isPrimitiveField, skippedForSameTag, type RuleContext } from './context.js'
import { conditionFailed, RuleError, type RuleExecutor } from './engine.js'

type Program = (bindings: Record<string, unknown>) => unknown

const MAX_PROGRAMS = 1000

/** Plans expressions once and keeps the most recent {@link MAX_PROGRAMS}. */
class Programs {
  readonly #env = celEnv({ funcs: strings })
  readonly #cache = new Map<string, Program>()

  get(expr: string): Program {
    let p = this.#cache.get(expr)
    if (p === undefined) {
      const planned = plan(this.#env, parse(expr)) as unknown as Program
      p = planned
      if (this.#cache.size >= MAX_PROGRAMS) this.#cache.delete(this.#cache.keys().next().value!)
      this.#cache.set(expr, p)
    }
    return p
  }
}

/**
 * A value as CEL can take it: records of avsc and messages of protobufjs (class instances, with
 * Protobuf defaults on the prototype) become plain objects, protobufjs Longs become bigints.
 */
function celInput(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 64) return value
  if (value instanceof Uint8Array || value instanceof Date || value instanceof Map) return value
  if (Array.isArray(value)) return value.map((v) => celInput(v, depth + 1))
  const long = value as { low?: unknown; high?: unknown; unsigned?: unknown }
  if (typeof long.low === 'number' && typeof long.high === 'number' && typeof long.unsigned === 'boolean') {
    const big = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0)
    return long.unsigned ? big : BigInt.asIntN(64, big)
  }
  const type = (value as { $type?: { toObject?: (m: unknown, o: object) => unknown } }).$type
  const source =
    typeof type?.toObject === 'function'
      ? (type.toObject(value, { defaults: true }) as Record<string, unknown>)
      : (value as Record<string, unknown>)
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(source)) out[k] = celInput(v, depth + 1)
  return out
}

/** Evaluates `guard; expr` (or `expr`) with the bindings; undefined when the guard is false. */
function evaluate(
  programs: Programs,
  ctx: RuleContext,
  bindings: Record<string, unknown>,
): { value: unknown } | undefined {
  let expr = ctx.rule.expr ?? ''
  const semi = expr.indexOf(';')
  if (semi >= 0) {
    const guard = expr.slice(0, semi).trim()
    expr = expr.slice(semi + 1)
    if (guard !== '' && run(programs, ctx, guard, bindings) === false) return undefined
  }
  return { value: run(programs, ctx, expr, bindings) }
}

function run(programs: Programs, ctx: RuleContext, expr: string, bindings: Record<string, unknown>): unknown {
  let program: Program
  try {
    program = programs.get(expr)
  } catch (cause) {
    throw new RuleError(
      ctx.rule,
      `Rule '${ctx.rule.name}': the CEL expression '${expr}' does not parse: ${(cause as Error).message}`,
      { cause },
    )
  }
  const result = program(bindings)
  if (isCelError(result)) {
    throw new RuleError(ctx.rule, `Rule '${ctx.rule.name}': the CEL expression '${expr}' failed: ${result.message}`)
  }
  return fromCel(result)
}

/** CEL maps and lists back to plain objects and arrays, unsigned ints to bigint. */
function fromCel(value: unknown): unknown {
  if (isCelMap(value)) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of value) out[String(isCelUint(k) ? k.value : k)] = fromCel(v)
    return out
  }
  if (isCelList(value)) return [...value].map(fromCel)
  if (isCelUint(value)) return value.value
  return value
}

/** A CEL int written back into a field of a JavaScript number type stays a number. */
function numberFor(type: string, value: unknown): unknown {
  if (typeof value !== 'bigint' || (type !== 'INT' && type !== 'FLOAT' && type !== 'DOUBLE')) return value
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : value
}

export function celExecutor(): RuleExecutor {
  const programs = new Programs()
  return {
    type: 'CEL',
    transform(ctx, message) {
      if (ctx.rule.expr === undefined) return ctx.rule.kind === 'CONDITION' ? true : message
      const out = evaluate(programs, ctx, { message: celInput(message) })
      if (out === undefined) return ctx.rule.kind === 'CONDITION' ? true : message
      return out.value
    },
  }
}

export function celFieldExecutor(): RuleExecutor {
  const programs = new Programs()
  return {
    type: 'CEL_FIELD',
    async transform(ctx, message) {
      if (ctx.rule.expr === undefined) return ctx.rule.kind === 'CONDITION' ? true : message
      if (ctx.walkFields === undefined) {
        throw new RuleError(
          ctx.rule,
          `Rule '${ctx.rule.name}' is a field rule, but this serde cannot walk the fields of ${ctx.target.schemaType} messages.`,
        )
      }
      if (skippedForSameTag(ctx)) return ctx.rule.kind === 'CONDITION' ? true : message
      const result = await ctx.walkFields(ctx, message, (field, value) => {
        if (value === null || value === undefined || !isPrimitiveField(field) || !ctx.appliesTo(field)) {
          return ctx.rule.kind === 'CONDITION' ? true : value
        }
        const out = evaluate(programs, ctx, {
          value: celInput(value),
          fullName: field.fullName,
          name: field.name,
          typeName: field.type,
          tags: [...field.tags],
          message: celInput(field.containingMessage),
        })
        if (out === undefined) return ctx.rule.kind === 'CONDITION' ? true : value
        if (ctx.rule.kind === 'CONDITION' && out.value !== true) {
          throw out.value === false
            ? conditionFailed(ctx.rule)
            : new RuleError(ctx.rule, `Rule '${ctx.rule.name}' did not yield a boolean for field '${field.fullName}'.`)
        }
        return numberFor(field.type, out.value)
      })
      return ctx.rule.kind === 'CONDITION' ? true : result
    },
  }
}

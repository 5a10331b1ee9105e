/**
 * Runs a schema version's rules over a message, as Confluent's serializers do
 * (`Serde.executeRules`): rules of the phase in list order on write and upgrade, reverse order on
 * read and downgrade, each with its onSuccess/onFailure action.
 */
import { SerdeError } from '../errors.js'
import { RuleContext, type FieldWalker } from './context.js'
import { rulesOf, runsIn, type Rule, type RuleMode, type RulePhase, type RuleSchema } from './model.js'

/**
 * Executes one rule type. A CONDITION returns a boolean (`false` fails the message); a TRANSFORM
 * returns the new message. Either may return a promise.
 *
 * @example
 * const upper: RuleExecutor = { type: 'UPPER', transform: (ctx, msg) => ({ ...msg, name: msg.name.toUpperCase() }) }
 */
export interface RuleExecutor {
  readonly type: string
  transform(ctx: RuleContext, message: unknown): unknown
}

/** What happens after a rule ran: `ERROR` throws, `NONE` does nothing, `DLQ` sends the message aside. */
export interface RuleAction {
  readonly type: string
  run(ctx: RuleContext, message: unknown, error: Error | undefined): void | Promise<void>
}

/** Overrides a rule type's actions or disables it for this serde, as Confluent's `RuleOverride`. */
export interface RuleOverride {
  readonly type: string
  readonly onSuccess?: string
  readonly onFailure?: string
  readonly disabled?: boolean
}

/** Why a rule failed: its condition was false, its expression erred, or no executor knows its type. */
export class RuleError extends SerdeError {
  override readonly name = 'RuleError'
  constructor(
    readonly rule: Rule,
    message: string,
    options?: ErrorOptions,
  ) {
    super('RULE_FAILED', message, options)
  }
}

export const conditionFailed = (rule: Rule): RuleError =>
  new RuleError(
    rule,
    rule.doc ??
      (rule.expr ? `Rule '${rule.name}' failed: expression '${rule.expr}' is false.` : `Rule '${rule.name}' failed.`),
  )

/** The message a rule is run for. */
export interface RuleRun {
  readonly subject: string
  readonly topic: string
  readonly isKey: boolean
  readonly phase: RulePhase
  readonly mode: RuleMode
  /** The version the message comes from (migrations only). */
  readonly source?: RuleSchema
  /** The version whose rules run. */
  readonly target: RuleSchema
  /** Visits the fields of a message of the version the rule belongs to. */
  readonly walkFields?: FieldWalker
}

const errorAction: RuleAction = {
  type: 'ERROR',
  run(ctx, _message, error) {
    throw error instanceof RuleError
      ? error
      : new RuleError(ctx.rule, `Rule '${ctx.rule.name}' failed: ${error?.message ?? 'unknown error'}`, {
          cause: error,
        })
  },
}

const noneAction: RuleAction = { type: 'NONE', run() {} }

/** Rule types whose executor needs configuration (a DEK registry, KMS secrets), so none is built in. */
const ENCRYPTION_TYPES: ReadonlySet<string> = new Set(['ENCRYPT', 'ENCRYPT_PAYLOAD'])

export interface RuleEngineOptions {
  readonly executors?: readonly RuleExecutor[]
  /** Actions beyond ERROR and NONE, e.g. {@link dlqAction}. */
  readonly actions?: readonly RuleAction[]
  readonly overrides?: readonly RuleOverride[]
}

export class RuleEngine {
  readonly #executors = new Map<string, RuleExecutor>()
  readonly #actions = new Map<string, RuleAction>([
    ['ERROR', errorAction],
    ['NONE', noneAction],
  ])
  readonly #overrides = new Map<string, RuleOverride>()

  constructor(options: RuleEngineOptions = {}) {
    for (const e of options.executors ?? []) this.#executors.set(e.type, e)
    for (const a of options.actions ?? []) this.#actions.set(a.type, a)
    for (const o of options.overrides ?? []) this.#overrides.set(o.type, o)
  }

  /** Whether `run.target` (or, for downgrades, `run.source`) has rules that would run. */
  applies(run: Pick<RuleRun, 'phase' | 'mode' | 'source' | 'target'>): boolean {
    return this.#rulesFor(run).some((r) => runsIn(r.mode, run.mode))
  }

  /** Runs the rules of `run` over `message` and returns the message the last transform produced. */
  async execute(run: RuleRun, message: unknown): Promise<unknown> {
    if (message === null || message === undefined) return message
    const rules = this.#rulesFor(run)
    const enableAt = (run.mode === 'DOWNGRADE' ? run.source : run.target)?.ruleSet?.enableAt ?? 'ALL'
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!
      if (!runsIn(rule.mode, run.mode) || this.#disabled(rule, enableAt)) continue
      const ctx = new RuleContext(
        rule,
        run.mode,
        run.source,
        run.target,
        run.subject,
        run.topic,
        run.isKey,
        rules,
        i,
        run.walkFields,
      )
      const executor = this.#executors.get(rule.type)
      if (executor === undefined) {
        await this.#act(
          ctx,
          this.#onFailure(rule),
          'ERROR',
          message,
          new RuleError(
            rule,
            `Rule '${rule.name}' has type '${rule.type}', for which no executor is registered${ENCRYPTION_TYPES.has(rule.type) ? ' (field encryption: createRuleEngine({ executors: encryptionExecutors({ dekRegistry, config }) }))' : ''}.`,
          ),
        )
        return message
      }
      let result: unknown
      try {
        result = await executor.transform(ctx, message)
      } catch (error) {
        await this.#act(ctx, this.#onFailure(rule), 'ERROR', message, asError(error))
        continue
      }
      if (rule.kind === 'CONDITION') {
        if (result === true) {
          await this.#act(ctx, this.#onSuccess(rule), 'NONE', message, undefined)
        } else {
          const error =
            result === false
              ? conditionFailed(rule)
              : new RuleError(rule, `Rule '${rule.name}' did not yield a boolean: ${describe(result)}.`)
          await this.#act(ctx, this.#onFailure(rule), 'ERROR', message, error)
        }
      } else if (result === null || result === undefined) {
        await this.#act(
          ctx,
          this.#onFailure(rule),
          'ERROR',
          message,
          new RuleError(rule, `Rule '${rule.name}' produced no message.`),
        )
      } else {
        message = result
        await this.#act(ctx, this.#onSuccess(rule), 'NONE', message, undefined)
      }
    }
    return message
  }

  #rulesFor(run: Pick<RuleRun, 'phase' | 'mode' | 'source' | 'target'>): readonly Rule[] {
    if (run.mode === 'DOWNGRADE') return [...(run.source?.ruleSet?.migrationRules ?? [])].reverse()
    const rules = run.target.ruleSet === undefined ? undefined : rulesOf(run.target.ruleSet, run.phase)
    if (rules === undefined) return []
    return run.mode === 'READ' ? [...rules].reverse() : rules
  }

  #disabled(rule: Rule, enableAt: string): boolean {
    const override = this.#overrides.get(rule.type)
    if (override?.disabled !== undefined) return override.disabled
    if (enableAt !== 'ALL' && enableAt !== 'CLIENT') return true
    return rule.disabled === true
  }

  #onSuccess(rule: Rule): string | undefined {
    return this.#overrides.get(rule.type)?.onSuccess ?? rule.onSuccess
  }

  #onFailure(rule: Rule): string | undefined {
    return this.#overrides.get(rule.type)?.onFailure ?? rule.onFailure
  }

  async #act(
    ctx: RuleContext,
    declared: string | undefined,
    fallback: string,
    message: unknown,
    error: Error | undefined,
  ): Promise<void> {
    const name = actionName(ctx.rule, ctx.mode, declared) ?? fallback
    const action = this.#actions.get(name)
    if (action === undefined) {
      throw new RuleError(
        ctx.rule,
        `Rule '${ctx.rule.name}' names action '${name}', which is not registered (known: ${[...this.#actions.keys()].join(', ')}).`,
        { cause: error },
      )
    }
    await action.run(ctx, message, error)
  }
}

/** `write,read` (or `upgrade,downgrade`) actions of two-way rules pick the half for the direction. */
function actionName(rule: Rule, mode: RuleMode, declared: string | undefined): string | undefined {
  if (declared === undefined || declared === '') return undefined
  if ((rule.mode === 'WRITEREAD' || rule.mode === 'UPDOWN') && declared.includes(',')) {
    const [forward, backward] = declared.split(',')
    return (mode === 'WRITE' || mode === 'UPGRADE' ? forward : backward)?.trim() || undefined
  }
  return declared
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}

function describe(value: unknown): string {
  try {
    return typeof value === 'object' && value !== null ? JSON.stringify(value).slice(0, 200) : String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}

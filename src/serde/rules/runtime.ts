/**
 * How the serializers run a schema's rules: which version's rules apply, the migrations between
 * the writer's and the reader's versions, and the default engine. Schemas without rules never
 * reach this module's heavier parts: the CEL and JSONata executors load on first use.
 */
import type { RegisteredSchema, SchemaInfo, SchemaRegistryClient } from '../client.js'
import { SerdeError } from '../errors.js'
import type { PayloadFrame } from '../wire.js'
import type { FieldWalker } from './context.js'
import type { RuleEngine, RuleEngineOptions } from './engine.js'
import { hasRules, type RuleMode, type RuleSchema } from './model.js'

/** How a serde runs data-contract rules. */
export interface RulesConfig {
  /**
   * The engine that runs the rules of the schemas this serde uses: default an engine with the
   * `CEL`, `CEL_FIELD` and `JSONATA` executors and the ERROR and NONE actions; `false` ignores
   * rules altogether (Confluent's `rule.executors` left empty).
   */
  readonly rules?: RuleEngine | false
}

let defaultEngine: Promise<RuleEngine> | undefined

/**
 * A rule engine with the built-in executors (`CEL`, `CEL_FIELD`, `JSONATA`) plus `options`' own
 * executors, actions (e.g. `dlqAction(...)`) and overrides. The CEL and JSONata libraries load
 * here, on first use, never with `registrum/serde` itself.
 *
 * @example
 * const rules = await createRuleEngine({ actions: [dlqAction(producerSink(producer))] })
 * const ser = avroSerializer(registry, { useLatestVersion: true, rules })
 */
export async function createRuleEngine(options: RuleEngineOptions = {}): Promise<RuleEngine> {
  const [{ RuleEngine }, { celExecutor, celFieldExecutor }, { jsonataExecutor }] = await Promise.all([
    import('./engine.js'),
    import('./cel.js'),
    import('./jsonata.js'),
  ])
  return new RuleEngine({
    ...options,
    executors: [celExecutor(), celFieldExecutor(), jsonataExecutor(), ...(options.executors ?? [])],
  })
}

/** The engine a serde uses: its own, or the shared default built on first need. */
export function engineFor(config: RulesConfig): Promise<RuleEngine> | undefined {
  if (config.rules === false) return undefined
  if (config.rules !== undefined) return Promise.resolve(config.rules)
  defaultEngine ??= createRuleEngine()
  return defaultEngine
}

export function ruleSchema(info: SchemaInfo, version?: number): RuleSchema {
  return {
    schemaType: info.schemaType ?? 'AVRO',
    schema: info.schema,
    ...(version === undefined ? {} : { version }),
    ...(info.metadata === undefined ? {} : { metadata: info.metadata }),
    ...(info.ruleSet === undefined ? {} : { ruleSet: info.ruleSet }),
  }
}

/** Whether a version has domain rules that run in `mode`. */
export function runsRules(info: SchemaInfo, mode: RuleMode): boolean {
  return hasRules(info.ruleSet, 'DOMAIN', mode)
}

/**
 * Runs a version's encoding rules (e.g. `ENCRYPT_PAYLOAD`) on the payload bytes after the schema
 * id and the Protobuf indexes: on write after encoding, on read (the writer's rules) before
 * decoding, as Confluent's serdes. Undefined when the version has none for `mode`.
 */
export type PayloadStep = (topic: string, subject: string, body: Uint8Array) => Promise<Uint8Array>

export function payloadStep(
  config: RulesConfig,
  info: SchemaInfo,
  isKey: boolean,
  mode: 'WRITE' | 'READ',
): PayloadStep | undefined {
  const engine = engineFor(config)
  if (engine === undefined || !hasRules(info.ruleSet, 'ENCODING', mode)) return undefined
  const target = ruleSchema(info)
  return async (topic, subject, body) => {
    const out = await (await engine).execute({ subject, topic, isKey, phase: 'ENCODING', mode, target }, body)
    if (!(out instanceof Uint8Array)) {
      throw new SerdeError('RULE_FAILED', `The encoding rules of subject '${subject}' did not yield bytes.`)
    }
    return out
  }
}

/** One step of a migration: run `target`'s UPGRADE rules or `source`'s DOWNGRADE rules. */
export interface Migration {
  readonly mode: 'UPGRADE' | 'DOWNGRADE'
  readonly source: RuleSchema
  readonly target: RuleSchema
}

/**
 * The migrations from the writer's version to the reader's, as Confluent's
 * `Deserializer.getMigrations`: every version in between that has migration rules for the
 * direction is one step, oldest first on upgrade and newest first on downgrade.
 */
export async function planMigrations(
  client: SchemaRegistryClient,
  subject: string,
  writer: SchemaInfo,
  writerVersion: number,
  reader: RegisteredSchema,
): Promise<Migration[]> {
  if (writerVersion === reader.version) return []
  const mode = writerVersion < reader.version ? 'UPGRADE' : 'DOWNGRADE'
  const [low, high] = mode === 'UPGRADE' ? [writerVersion, reader.version] : [reader.version, writerVersion]
  const versions: RuleSchema[] = []
  for (let v = low; v <= high; v++) {
    const info = v === writerVersion ? writer : v === reader.version ? reader : await client.getVersion(subject, v)
    versions.push(ruleSchema(info, v))
  }
  const steps: Migration[] = []
  for (let i = 1; i < versions.length; i++) {
    const older = versions[i - 1]!
    const newer = versions[i]!
    if (!hasRules(newer.ruleSet, 'MIGRATION', mode)) continue
    steps.push(mode === 'UPGRADE' ? { mode, source: older, target: newer } : { mode, source: newer, target: older })
  }
  return mode === 'DOWNGRADE' ? steps.reverse() : steps
}

/** Runs a writer version's write rules on a value, or undefined when there are none to run. */
export function writeStep(
  config: RulesConfig,
  info: SchemaInfo,
  subject: string,
  isKey: boolean,
  walkFields: () => FieldWalker | undefined,
): ((topic: string, value: unknown) => Promise<unknown>) | undefined {
  const engine = engineFor(config)
  if (engine === undefined || !runsRules(info, 'WRITE')) return undefined
  const target = ruleSchema(info)
  let walker: FieldWalker | undefined
  return async (topic, value) => {
    walker ??= walkFields()
    return (await engine).execute(
      { subject, topic, isKey, phase: 'DOMAIN', mode: 'WRITE', target, walkFields: walker },
      value,
    )
  }
}

/** How a deserializer picks the version whose rules run and which it migrates to. */
export interface ReadRulesConfig extends RulesConfig {
  /** Migrate every message to the subject's latest version (its UPGRADE/DOWNGRADE rules) and run its read rules. */
  readonly useLatestVersion?: boolean
  /** Migrate to the latest version whose `metadata.properties` hold these pairs. */
  readonly useLatestWithMetadata?: Readonly<Record<string, string>>
}

export interface ReadContext {
  readonly client: SchemaRegistryClient
  readonly isKey: boolean
  /** The subject of a topic's messages (the deserializer's subject name strategy). */
  subjectFor(topic: string, info: SchemaInfo): Promise<string>
  /** Visits the fields of a message of this version. */
  walkFields(info: SchemaInfo, frame: PayloadFrame | undefined): Promise<FieldWalker | undefined>
}

/** Runs, for one writer version, the migrations and read rules a decoded message goes through. */
export type ReadStep = (topic: string, value: unknown, frame?: PayloadFrame) => Promise<unknown>

/**
 * The read step for a writer version, or undefined when a decoded value needs none (no rules on
 * the writer, no reader version to migrate to): then the deserializer stays synchronous.
 */
export function readStep(config: ReadRulesConfig, ctx: ReadContext, writer: SchemaInfo): ReadStep | undefined {
  const engine = engineFor(config)
  if (engine === undefined) return undefined
  const migrates =
    config.useLatestVersion === true ||
    (config.useLatestWithMetadata !== undefined && Object.keys(config.useLatestWithMetadata).length > 0)
  if (!migrates && !runsRules(writer, 'READ')) return undefined
  const plans = new Map<string, Promise<{ subject: string; migrations: Migration[]; target: SchemaInfo }>>()
  const planFor = (topic: string): Promise<{ subject: string; migrations: Migration[]; target: SchemaInfo }> => {
    let p = plans.get(topic)
    if (p === undefined) {
      p = (async () => {
        const subject = await ctx.subjectFor(topic, writer)
        if (!migrates) return { subject, migrations: [], target: writer }
        const reader =
          config.useLatestVersion === true && config.useLatestWithMetadata === undefined
            ? await ctx.client.getLatest(subject)
            : await latestWithMetadata(ctx.client, subject, config.useLatestWithMetadata!)
        const writerVersion = (await ctx.client.lookup(subject, writer)).version
        return {
          subject,
          migrations: await planMigrations(ctx.client, subject, writer, writerVersion, reader),
          target: reader,
        }
      })()
      plans.set(topic, p)
      p.catch(() => plans.delete(topic))
    }
    return p
  }
  return async (topic, value, frame) => {
    const [e, plan] = await Promise.all([engine, planFor(topic)])
    let out = value
    for (const m of plan.migrations) {
      out = await e.execute(
        {
          subject: plan.subject,
          topic,
          isKey: ctx.isKey,
          phase: 'MIGRATION',
          mode: m.mode,
          source: m.source,
          target: m.target,
        },
        out,
      )
    }
    if (!runsRules(plan.target, 'READ')) return out
    const walkFields = await ctx.walkFields(plan.target, frame)
    return e.execute(
      {
        subject: plan.subject,
        topic,
        isKey: ctx.isKey,
        phase: 'DOMAIN',
        mode: 'READ',
        target: ruleSchema(plan.target),
        walkFields,
      },
      out,
    )
  }
}

function latestWithMetadata(
  client: SchemaRegistryClient,
  subject: string,
  metadata: Readonly<Record<string, string>>,
): Promise<RegisteredSchema> {
  if (client.getLatestWithMetadata === undefined) {
    throw new SerdeError(
      'REGISTRY_ERROR',
      'useLatestWithMetadata needs a registry client with getLatestWithMetadata().',
    )
  }
  return client.getLatestWithMetadata(subject, metadata)
}

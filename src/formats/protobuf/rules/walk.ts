import type { EnumElement, MessageElement, ProtoFile, TypeElement } from '../model.js'
import type { TypeInfo, TypeTable } from '../type-table.js'
import type { Difference, DifferenceType, Policy } from './differences.js'
import { javaUnionOrder } from './java-order.js'

/** Which side of the diff: the original (writer) or the update (reader). */
export type Side = 'original' | 'update'

/**
 * The state of one diff, after Confluent's `diff/Context`: both type tables, the current path
 * (`#/Message/oneof/3`) and name scope, the messages being compared (a cycle guard), and the
 * differences found so far.
 */
export class DiffContext {
  readonly differences: Difference[] = []
  readonly #path: string[] = []
  readonly #names: string[] = []
  #packages: Record<Side, string>
  /** Set when a recursive type was cut short here, so the result depends on the call stack. */
  #cutCycle = false

  constructor(
    readonly tables: Record<Side, TypeTable>,
    readonly policy: Policy,
    readonly inProgress: Set<MessageElement> = new Set(),
    /** Sub-diffs of referenced message types, by the pair of elements compared. */
    readonly memo: WeakMap<MessageElement, WeakMap<MessageElement, Difference[]>> = new WeakMap(),
  ) {
    this.#packages = { original: tables.original.packageName, update: tables.update.packageName }
  }

  add(type: DifferenceType, ...extraPath: string[]): void {
    this.differences.push({ type, path: '#/' + [...this.#path, ...extraPath].join('/') })
  }

  /** Runs `fn` with `segment` appended to the path only. */
  inPath<T>(segment: string, fn: () => T): T {
    this.#path.push(segment)
    try {
      return fn()
    } finally {
      this.#path.pop()
    }
  }

  /** Runs `fn` inside a named (message or enum) scope: path and name resolution both change. */
  inName<T>(name: string, fn: () => T): T {
    this.#names.push(name)
    try {
      return this.inPath(name, fn)
    } finally {
      this.#names.pop()
    }
  }

  resolve(name: string, side: Side): string | undefined {
    return this.tables[side].resolve(name, this.#names, 'type', this.#packages[side])
  }

  getType(name: string, side: Side): TypeInfo | undefined {
    const full = this.resolve(name, side)
    return full === undefined ? undefined : this.tables[side].getType(full)
  }

  markCycle(): void {
    this.#cutCycle = true
  }

  /**
   * The differences of a referenced message pair, computed once per pair and replayed after
   * (Confluent recomputes them at every use; the result is the same unless a cycle was cut).
   */
  referencedDiff(original: MessageElement, update: MessageElement, compute: () => DiffContext): Difference[] {
    const hit = this.memo.get(original)?.get(update)
    if (hit) return hit
    const sub = compute()
    if (sub.#cutCycle) {
      this.#cutCycle = true
      return sub.differences
    }
    let inner = this.memo.get(original)
    if (!inner) this.memo.set(original, (inner = new WeakMap()))
    inner.set(update, sub.differences)
    return sub.differences
  }

  /** A context for comparing a referenced message type at `localName`, sharing the cycle guard. */
  subcontext(packages: Record<Side, string>, localName: string): DiffContext {
    const sub = new DiffContext(this.tables, this.policy, new Set(this.inProgress), this.memo)
    sub.#packages = packages
    for (const part of localName.split('.')) {
      sub.#path.push(part)
      sub.#names.push(part)
    }
    return sub
  }
}

/** The rule families the walker calls; injected to keep this module free of rule logic. */
export interface RuleHooks {
  /** Fields, oneofs and per-field type checks of one message pair. */
  compareMessageBody(ctx: DiffContext, original: MessageElement, update: MessageElement): void
  /** Constants of one enum pair. */
  compareEnum(ctx: DiffContext, original: EnumElement, update: EnumElement): void
  /** MESSAGE_ADDED / MESSAGE_REMOVED / MESSAGE_MOVED. */
  messagePresence(ctx: DiffContext, change: 'added' | 'removed' | { originalIndex: number; updateIndex: number }): void
  /** ENUM_ADDED / ENUM_REMOVED. */
  enumPresence(ctx: DiffContext, change: 'added' | 'removed'): void
}

/** Confluent's `SchemaDiff.compare`: the package, then the top-level types. */
export function compareFiles(
  ctx: DiffContext,
  original: ProtoFile,
  update: ProtoFile,
  hooks: RuleHooks,
  packageRule: () => void,
): void {
  packageRule()
  compareTypeElements(ctx, original.types, update.types, hooks)
}

interface Indexed<T> {
  readonly byName: Map<string, T>
  readonly index: Map<string, number>
  readonly order: string[]
}

function indexTypes<T extends TypeElement>(types: readonly TypeElement[], kind: T['kind']): Indexed<T> {
  const byName = new Map<string, T>()
  const index = new Map<string, number>()
  let i = 0
  for (const t of types) {
    if (t.kind !== kind) continue
    byName.set(t.name, t as T)
    index.set(t.name, i++)
  }
  return { byName, index, order: [...byName.keys()] }
}

/** Pairs messages, then enums, by simple name at one nesting level. */
export function compareTypeElements(
  ctx: DiffContext,
  original: readonly TypeElement[],
  update: readonly TypeElement[],
  hooks: RuleHooks,
): void {
  const om = indexTypes<MessageElement>(original, 'message')
  const um = indexTypes<MessageElement>(update, 'message')
  for (const name of javaUnionOrder(om.order, um.order)) {
    ctx.inName(name, () => {
      const o = om.byName.get(name)
      const u = um.byName.get(name)
      if (!u) hooks.messagePresence(ctx, 'removed')
      else if (!o) hooks.messagePresence(ctx, 'added')
      else {
        compareMessages(ctx, o, u, hooks)
        hooks.messagePresence(ctx, { originalIndex: om.index.get(name)!, updateIndex: um.index.get(name)! })
      }
    })
  }
  const oe = indexTypes<EnumElement>(original, 'enum')
  const ue = indexTypes<EnumElement>(update, 'enum')
  for (const name of javaUnionOrder(oe.order, ue.order)) {
    ctx.inName(name, () => {
      const o = oe.byName.get(name)
      const u = ue.byName.get(name)
      if (!u) hooks.enumPresence(ctx, 'removed')
      else if (!o) hooks.enumPresence(ctx, 'added')
      else hooks.compareEnum(ctx, o, u)
    })
  }
}

/**
 * Confluent's `MessageSchemaDiff.compare`: the body once per message on the current stack (a
 * recursive type is not re-entered), then the nested types.
 */
export function compareMessages(
  ctx: DiffContext,
  original: MessageElement,
  update: MessageElement,
  hooks: RuleHooks,
): void {
  const entered = !ctx.inProgress.has(original)
  if (entered) ctx.inProgress.add(original)
  else ctx.markCycle()
  try {
    if (entered) hooks.compareMessageBody(ctx, original, update)
    compareTypeElements(ctx, original.nested, update.nested, hooks)
  } finally {
    if (entered) ctx.inProgress.delete(original)
  }
}

/** Each field number of both sides in ascending order (Confluent iterates a TreeSet). */
export function tagsOf(...maps: ReadonlyMap<number, unknown>[]): number[] {
  return [...new Set(maps.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b)
}

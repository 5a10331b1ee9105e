import type { ResolvedRefs } from '../format.js'
import { draftOfDocument, idKeyword, type Draft } from './drafts.js'
import { isPlainObject } from './model.js'

/** Confluent resolves relative `$id`s and `$ref`s against this base (`JsonSchema.DEFAULT_BASE_URI`). */
export const DEFAULT_BASE_URI = 'mem://input'

/** One schema document: the schema itself or a referenced one. */
export interface Doc {
  readonly raw: unknown
  readonly draft: Draft
  readonly name?: string
}

/** Where a subschema sits: its document, the base URI in force, and the resource `#` points into. */
export interface Scope {
  readonly doc: Doc
  readonly base: string
  readonly resource: unknown
}

export interface Target {
  readonly raw: unknown
  readonly scope: Scope
}

function resolveUri(ref: string, base: string): string | undefined {
  try {
    return new URL(ref, base).href
  } catch {
    return undefined
  }
}

const stripFragment = (uri: string) => uri.split('#')[0] ?? uri

/**
 * Finds what a `$ref` points at: a JSON pointer or anchor in the current resource, an embedded
 * `$id`, or a referenced schema registered under the `$ref`'s own text (the reference `name`).
 */
export class RefIndex {
  readonly root: Scope
  readonly #byUri = new Map<string, Target>()
  readonly #byName = new Map<string, Target>()
  readonly #anchors = new Map<string, Target>()

  constructor(raw: unknown, refs: ResolvedRefs, parseRef: (text: string) => unknown) {
    this.root = this.#index({ raw, draft: draftOfDocument(raw) }, DEFAULT_BASE_URI)
    for (const ref of refs) {
      const refRaw = parseRef(ref.schema)
      if (refRaw === undefined) continue
      const base = resolveUri(ref.name, DEFAULT_BASE_URI) ?? DEFAULT_BASE_URI
      const scope = this.#index({ raw: refRaw, draft: draftOfDocument(refRaw), name: ref.name }, base)
      const target = { raw: refRaw, scope }
      this.#byName.set(ref.name, target)
      this.#byUri.set(stripFragment(base), target)
    }
  }

  /** The target of `ref` seen from `scope`, or undefined when nothing matches. */
  resolve(ref: string, scope: Scope): Target | undefined {
    const hash = ref.indexOf('#')
    const uriPart = hash >= 0 ? ref.slice(0, hash) : ref
    const fragment = hash >= 0 ? decodeURIComponent(ref.slice(hash + 1)) : ''
    let resource: Target | undefined
    if (uriPart === '') resource = { raw: scope.resource, scope }
    else {
      resource = this.#byName.get(uriPart)
      if (!resource) {
        const absolute = resolveUri(uriPart, scope.base)
        resource = absolute === undefined ? undefined : this.#byUri.get(stripFragment(absolute))
      }
    }
    if (!resource) return undefined
    if (fragment === '') return resource
    if (fragment.startsWith('/')) return pointer(resource, fragment)
    return this.#anchors.get(`${stripFragment(resource.scope.base)}#${fragment}`)
  }

  #index(doc: Doc, base: string): Scope {
    const rootScope = this.#scopeFor(doc.raw, { doc, base, resource: doc.raw })
    const visit = (raw: unknown, scope: Scope) => {
      if (Array.isArray(raw)) {
        for (const item of raw) visit(item, scope)
        return
      }
      if (!isPlainObject(raw)) return
      const inner = raw === doc.raw ? scope : this.#scopeFor(raw, scope)
      if (inner !== scope || raw === doc.raw) this.#byUri.set(stripFragment(inner.base), { raw, scope: inner })
      const anchor = raw.$anchor ?? raw.$dynamicAnchor
      if (typeof anchor === 'string') this.#anchors.set(`${stripFragment(inner.base)}#${anchor}`, { raw, scope: inner })
      const id = raw[idKeyword(doc.draft)]
      // draft-06/07 write anchors as `"$id": "#name"`.
      if (typeof id === 'string' && id.startsWith('#') && id.length > 1)
        this.#anchors.set(`${stripFragment(scope.base)}${id}`, { raw, scope })
      for (const [key, value] of Object.entries(raw))
        if (key !== 'enum' && key !== 'const' && key !== 'default') visit(value, inner)
    }
    visit(doc.raw, rootScope)
    return rootScope
  }

  /** The scope inside `raw`: a new base and resource when it declares an `$id`. */
  #scopeFor(raw: unknown, outer: Scope): Scope {
    if (!isPlainObject(raw)) return outer
    const id = raw[idKeyword(outer.doc.draft)]
    if (typeof id !== 'string' || id.startsWith('#')) return outer
    const base = resolveUri(id, outer.base)
    return base === undefined ? outer : { doc: outer.doc, base, resource: raw }
  }

  /** The scope a subschema is loaded in. */
  enter(raw: unknown, outer: Scope): Scope {
    return this.#scopeFor(raw, outer)
  }
}

function pointer(from: Target, fragment: string): Target | undefined {
  let raw: unknown = from.raw
  for (const token of fragment.slice(1).split('/')) {
    const key = token.replaceAll('~1', '/').replaceAll('~0', '~')
    if (Array.isArray(raw)) raw = raw[Number(key)]
    else if (isPlainObject(raw) && Object.hasOwn(raw, key)) raw = raw[key]
    else return undefined
  }
  return raw === undefined ? undefined : { raw, scope: from.scope }
}

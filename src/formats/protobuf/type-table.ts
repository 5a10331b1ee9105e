import type { ExtendElement, FieldElement, ProtoFile, TypeElement } from './model.js'

/** Where a type came from: this file, a registered reference, or a built-in file. */
export type TypeOrigin =
  | { readonly kind: 'local' }
  | { readonly kind: 'reference'; readonly subject: string; readonly version: number }
  | { readonly kind: 'builtin' }

export interface TypeInfo {
  readonly fullName: string
  readonly packageName: string
  readonly origin: TypeOrigin
  readonly element: TypeElement
}

export interface ExtendFieldInfo {
  readonly packageName: string
  readonly field: FieldElement
  readonly repeated: boolean
}

/** One file as the type table sees it. */
export interface TableFile {
  readonly file: ProtoFile
  readonly origin: TypeOrigin
}

/**
 * Every type and extension field visible to one schema, by full name (no leading dot), as
 * Confluent's `diff/Context.collectTypeInfo` gathers them: dependencies first, then the file.
 */
export class TypeTable {
  readonly types = new Map<string, TypeInfo>()
  readonly extendFields = new Map<string, ExtendFieldInfo>()
  /** The package of the schema's own file; relative names resolve from it. */
  readonly packageName: string

  constructor(files: readonly TableFile[], main: ProtoFile) {
    for (const f of files) this.#collect(f.file, f.origin)
    this.#collect(main, { kind: 'local' })
    this.packageName = main.packageName ?? ''
  }

  #collect(file: ProtoFile, origin: TypeOrigin): void {
    const pkg = file.packageName ?? ''
    const qualify = (path: readonly string[]) => [...(pkg ? [pkg] : []), ...path].join('.')
    const addExtends = (extendsList: readonly ExtendElement[], path: readonly string[]) => {
      for (const e of extendsList) {
        for (const field of e.fields) {
          this.extendFields.set(qualify([...path, field.name]), {
            packageName: pkg,
            field,
            repeated: field.label === 'repeated',
          })
        }
      }
    }
    const visit = (types: readonly TypeElement[], path: readonly string[]) => {
      for (const t of types) {
        const here = [...path, t.name]
        this.types.set(qualify(here), { fullName: qualify(here), packageName: pkg, origin, element: t })
        if (t.kind === 'message') {
          addExtends(t.extendDeclarations, here)
          visit(t.nested, here)
        }
      }
    }
    addExtends(file.extendDeclarations, [])
    visit(file.types, [])
  }

  getType(fullName: string): TypeInfo | undefined {
    return this.types.get(fullName.startsWith('.') ? fullName.slice(1) : fullName)
  }

  /**
   * Resolves a name as written inside the messages `scope` (outermost first), the way Confluent's
   * `Context.resolve` does: a leading dot is absolute; otherwise try package + scope prefixes,
   * longest first, then the bare name. Returns the full name without a leading dot.
   */
  resolve(
    name: string,
    scope: readonly string[],
    lookup: 'type' | 'extend' = 'type',
    packageName = this.packageName,
  ): string | undefined {
    const has = (n: string) => (lookup === 'type' ? this.types.has(n) : this.extendFields.has(n))
    if (name.startsWith('.')) {
      const n = name.slice(1)
      return has(n) ? n : undefined
    }
    const prefix = [...(packageName ? packageName.split('.') : []), ...scope]
    while (prefix.length > 0) {
      const n = `${prefix.join('.')}.${name}`
      if (has(n)) return n
      prefix.pop()
    }
    return has(name) ? name : undefined
  }

  /**
   * Resolves a type reference with protoc's scoping: the first name component is looked up from
   * the innermost scope outwards, then the rest must exist under it. Used to validate files.
   */
  resolveProtoc(name: string, scopeFullName: string): string | undefined {
    if (name.startsWith('.')) return this.types.has(name.slice(1)) ? name.slice(1) : undefined
    const [first, ...rest] = name.split('.')
    const scope = scopeFullName ? scopeFullName.split('.') : []
    for (let i = scope.length; i >= 0; i--) {
      const base = [...scope.slice(0, i), first].join('.')
      if (this.types.has(base) || this.#isPackage(base)) {
        const full = [base, ...rest].join('.')
        if (this.types.has(full)) return full
        if (this.types.has(base)) return undefined
      }
    }
    return undefined
  }

  #packages?: Set<string>
  #isPackage(name: string): boolean {
    if (!this.#packages) {
      this.#packages = new Set()
      for (const info of this.types.values()) {
        const parts = info.packageName ? info.packageName.split('.') : []
        for (let i = 1; i <= parts.length; i++) this.#packages.add(parts.slice(0, i).join('.'))
      }
    }
    return this.#packages.has(name)
  }
}

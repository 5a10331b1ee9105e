import { SchemaParseError } from '../format.js'
import {
  SCALAR_TYPES,
  allFields,
  mapTypes,
  type FieldElement,
  type MessageElement,
  type ProtoFile,
  type TypeElement,
} from './model.js'
import { MAX_TAG_VALUE } from './proto-parser.js'
import type { TypeTable } from './type-table.js'

const MAP_KEY_TYPES = new Set([...SCALAR_TYPES].filter((t) => !['double', 'float', 'bytes'].includes(t)))

/**
 * Checks what protoc would reject: unresolvable type names (always, unless `stored`), and for
 * new schemas duplicate or out-of-range field numbers, duplicate names and proto3 rules.
 */
export function validateFile(file: ProtoFile, table: TypeTable, mode: 'new' | 'stored'): void {
  const pkg = file.packageName ?? ''
  const strict = mode === 'new'
  const problems: string[] = []
  const checkType = (type: string, scope: string, what: string) => {
    const map = mapTypes(type)
    if (map) {
      if (strict && !MAP_KEY_TYPES.has(map.key)) problems.push(`Invalid map key type '${map.key}' of ${what}`)
      checkType(map.value, scope, what)
      return
    }
    if (SCALAR_TYPES.has(type) || !strict) return
    if (table.resolveProtoc(type, scope) === undefined) problems.push(`Type '${type}' of ${what} could not be resolved`)
  }
  const checkFields = (fields: readonly FieldElement[], scope: string, owner: string, syntax: string | undefined) => {
    for (const f of fields) {
      checkType(f.type, scope, `field '${f.name}' in '${owner}'`)
      if (!strict) continue
      if (f.tag < 1 || f.tag > MAX_TAG_VALUE)
        problems.push(`Field '${f.name}' in '${owner}' has number ${f.tag}, outside 1 to ${MAX_TAG_VALUE}`)
      if (f.tag >= 19000 && f.tag <= 19999)
        problems.push(`Field '${f.name}' in '${owner}' uses reserved number ${f.tag}`)
      if (syntax === 'proto3' && f.label === 'required')
        problems.push(`Field '${f.name}' in '${owner}': required fields are not allowed in proto3`)
      if (syntax === 'proto3' && f.defaultValue)
        problems.push(`Field '${f.name}' in '${owner}': default values are not allowed in proto3`)
    }
  }
  const visit = (types: readonly TypeElement[], scope: string) => {
    const names = new Set<string>()
    for (const t of types) {
      const full = scope ? `${scope}.${t.name}` : t.name
      if (strict && names.has(t.name)) problems.push(`Duplicate type name '${full}'`)
      names.add(t.name)
      if (t.kind === 'enum') {
        if (strict && file.syntax === 'proto3' && t.constants[0] && t.constants[0].tag !== 0) {
          problems.push(`The first value of enum '${full}' must be zero in proto3`)
        }
        if (strict && t.constants.length === 0) problems.push(`Enum '${full}' has no values`)
        continue
      }
      checkMessage(t, full)
      visit(t.nested, full)
    }
  }
  const checkMessage = (m: MessageElement, full: string) => {
    const fields = allFields(m)
    checkFields(fields, full, full, file.syntax)
    for (const e of m.extendDeclarations) {
      checkType(e.name, full, `an extend block in '${full}'`)
      checkFields(e.fields, full, full, file.syntax)
    }
    if (!strict) return
    const tags = new Set<number>()
    const names = new Set<string>()
    for (const f of [...fields, ...m.groups]) {
      if (tags.has(f.tag)) problems.push(`Field number ${f.tag} is used twice in '${full}'`)
      if (names.has(f.name)) problems.push(`Field name '${f.name}' is used twice in '${full}'`)
      tags.add(f.tag)
      names.add(f.name)
      for (const r of m.reserved.flat()) {
        const hit =
          typeof r === 'string'
            ? r === f.name
            : typeof r === 'number'
              ? r === f.tag
              : f.tag >= r.start && f.tag <= r.end
        if (hit)
          problems.push(`Field '${f.name}' in '${full}' uses a reserved ${typeof r === 'string' ? 'name' : 'number'}`)
      }
    }
  }
  visit(file.types, pkg)
  for (const e of file.extendDeclarations) {
    checkType(e.name, pkg, 'an extend block')
    checkFields(e.fields, pkg, pkg || 'the file', file.syntax)
  }
  for (const s of file.services) {
    for (const r of s.rpcs) {
      checkType(r.requestType, pkg, `rpc '${s.name}.${r.name}'`)
      checkType(r.responseType, pkg, `rpc '${s.name}.${r.name}'`)
    }
  }
  if (problems.length > 0) throw new SchemaParseError(`Invalid Protobuf in the schema: ${problems.join('; ')}`)
}

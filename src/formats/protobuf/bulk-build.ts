import protobuf from 'protobufjs'

/**
 * protobufjs checks each added field's id against `Type#fieldsById`, a cache that every add
 * clears, so building a message of n fields costs O(n²) (an 8,000-field message took seconds).
 * While {@link buildingInBulk} runs, `Type#add` is given an id index kept up to date field by
 * field instead; its checks and effects are otherwise protobufjs's own. Outside it nothing
 * changes, so other users of protobufjs (the serializers) are unaffected.
 */
type Internal = protobuf.Type & { _fieldsById: Record<number, protobuf.Field> | null }

let ids = new Map<protobuf.Type, Record<number, protobuf.Field>>()
let depth = 0

const add = protobuf.Type.prototype.add
const remove = protobuf.Type.prototype.remove

const isOwnField = (object: protobuf.ReflectionObject): object is protobuf.Field =>
  object instanceof protobuf.Field && object.extend === undefined

function indexOf(type: protobuf.Type): Record<number, protobuf.Field> {
  let index = ids.get(type)
  if (!index) {
    index = {}
    for (const f of Object.values(type.fields)) index[f.id] = f
    ids.set(type, index)
  }
  return index
}

protobuf.Type.prototype.add = function (this: protobuf.Type, object: protobuf.ReflectionObject) {
  if (depth === 0 || !isOwnField(object)) return add.call(this, object)
  const index = indexOf(this)
  const type = this as Internal
  type._fieldsById = index
  try {
    add.call(this, object)
  } finally {
    type._fieldsById = null
  }
  if (this.fields[object.name] === object) index[object.id] = object
  return this
}

protobuf.Type.prototype.remove = function (this: protobuf.Type, object: protobuf.ReflectionObject) {
  if (depth > 0 && isOwnField(object)) {
    const index = ids.get(this)
    if (index && index[object.id] === object) delete index[object.id]
  }
  return remove.call(this, object)
}

/** Runs `build` (synchronous protobufjs parsing and type building) with O(1) field adds. */
export function buildingInBulk<T>(build: () => T): T {
  depth++
  try {
    return build()
  } finally {
    // A fresh map rather than `clear()`: V8 clears a map by giving it a new table and leaves the old
    // table's entries in place (for iterators still walking it). Once that old table had reached the
    // old generation, it kept every type of the last build alive through young collections, and each
    // Protobuf parse was promoted whole (~6 KB).
    if (--depth === 0) ids = new Map()
  }
}

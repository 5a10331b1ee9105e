import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ProtoFile } from './model.js'
import { parseProtoText } from './proto-parser.js'

/**
 * The imports every schema may use without a reference, as Confluent's `ProtobufSchema` bundles
 * them (`*_LOCATION`). The texts ship in the package's `proto/` folder.
 */
export const WELL_KNOWN_FILES: readonly string[] = [
  'confluent/meta.proto',
  'confluent/type/decimal.proto',
  'confluent/type/variant.proto',
  'google/protobuf/any.proto',
  'google/protobuf/api.proto',
  'google/protobuf/descriptor.proto',
  'google/protobuf/duration.proto',
  'google/protobuf/empty.proto',
  'google/protobuf/field_mask.proto',
  'google/protobuf/source_context.proto',
  'google/protobuf/struct.proto',
  'google/protobuf/timestamp.proto',
  'google/protobuf/type.proto',
  'google/protobuf/wrappers.proto',
  'google/type/calendar_period.proto',
  'google/type/color.proto',
  'google/type/date.proto',
  'google/type/datetime.proto',
  'google/type/dayofweek.proto',
  'google/type/decimal.proto',
  'google/type/expr.proto',
  'google/type/fraction.proto',
  'google/type/interval.proto',
  'google/type/latlng.proto',
  'google/type/money.proto',
  'google/type/month.proto',
  'google/type/phone_number.proto',
  'google/type/postal_address.proto',
  'google/type/quaternion.proto',
  'google/type/timeofday.proto',
]

const KNOWN = new Set(WELL_KNOWN_FILES)

export function isWellKnown(path: string): boolean {
  return KNOWN.has(path)
}

let protoDir: string | undefined

/** `proto/` sits at the package root, two levels above src/ or dist/src/. */
function findProtoDir(): string {
  if (protoDir) return protoDir
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'proto', 'confluent', 'meta.proto'))) return (protoDir = join(dir, 'proto'))
    dir = dirname(dir)
  }
  throw new Error('the bundled proto/ folder was not found')
}

const texts = new Map<string, string>()
const parsed = new Map<string, ProtoFile>()

/** The text of a built-in file, or undefined when `path` is not one. */
export function wellKnownText(path: string): string | undefined {
  if (!KNOWN.has(path)) return undefined
  let text = texts.get(path)
  if (text === undefined) {
    text = readFileSync(join(findProtoDir(), path), 'utf8')
    texts.set(path, text)
  }
  return text
}

/** The parsed built-in file, cached for the life of the process. */
export function wellKnownFile(path: string): ProtoFile | undefined {
  const hit = parsed.get(path)
  if (hit) return hit
  const text = wellKnownText(path)
  if (text === undefined) return undefined
  const file = parseProtoText(text)
  parsed.set(path, file)
  return file
}

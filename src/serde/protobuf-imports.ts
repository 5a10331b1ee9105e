/**
 * Registers the files a Protobuf schema imports before the schema itself, as Confluent's
 * Protobuf serializers do (`AbstractKafkaProtobufSerializer.resolveDependencies`): each imported
 * file goes under a subject named after its import path (`DefaultReferenceSubjectNameStrategy`),
 * its own imports first, and the schema is registered with `{ name: path, subject: path, version }`
 * for each import. Built-in files (google/protobuf, google/type, confluent) are never registered.
 */
import type { ProtoFile } from '../formats/protobuf/model.js'
import { parseSchemaText } from '../formats/protobuf/parse.js'
import { isWellKnown } from '../formats/protobuf/well-known.js'
import type { SchemaInfo, SchemaReference } from './client.js'
import { SerdeError } from './errors.js'
import type { LocalSchema } from './writer-schema.js'

/**
 * A `prepareReferences` for a schema whose imports are given as texts (`dependencies`, keyed by
 * import path). An import named by an explicit reference uses that reference and is not registered.
 *
 * @example
 * importReferences(mainProto, { 'acme/common.proto': commonProto }, [])
 */
export function importReferences(
  schema: string,
  dependencies: Readonly<Record<string, string>>,
  explicit: readonly SchemaReference[],
): NonNullable<LocalSchema['prepareReferences']> {
  return async (client, { register, normalize }) => {
    const byPath = new Map<string, Promise<SchemaReference>>()
    const visiting: string[] = []

    const referencesOf = async (text: string, where: string): Promise<SchemaReference[]> => {
      const out: SchemaReference[] = []
      for (const path of importsOf(text, where)) {
        const given = explicit.find((r) => r.name === path)
        if (given !== undefined) {
          out.push(given)
          continue
        }
        const depText = dependencies[path]
        if (depText === undefined) {
          throw new SerdeError(
            'INVALID_SCHEMA',
            `${where} imports "${path}", which is neither in \`dependencies\` nor in \`references\` nor a built-in file.`,
          )
        }
        if (visiting.includes(path)) {
          throw new SerdeError('INVALID_SCHEMA', `Import cycle: ${[...visiting, path].join(' -> ')}.`)
        }
        let ref = byPath.get(path)
        if (ref === undefined) {
          visiting.push(path)
          ref = registerImport(path, depText).finally(() => visiting.splice(visiting.indexOf(path), 1))
          byPath.set(path, ref)
        }
        out.push(await ref)
      }
      return out
    }

    const registerImport = async (path: string, text: string): Promise<SchemaReference> => {
      const info: SchemaInfo = {
        schema: text,
        schemaType: 'PROTOBUF',
        references: await referencesOf(text, `"${path}"`),
      }
      const subject = path
      if (register) await client.register(subject, info, { normalize })
      const found = await client.lookup(subject, info, { normalize })
      return { name: path, subject, version: found.version }
    }

    const fromImports = await referencesOf(schema, 'The serializer schema')
    return [...fromImports, ...explicit.filter((r) => !fromImports.some((f) => f.name === r.name))]
  }
}

function importsOf(text: string, where: string): string[] {
  let file: ProtoFile
  try {
    file = parseSchemaText(text, where)
  } catch (cause) {
    throw new SerdeError('INVALID_SCHEMA', (cause as Error).message, { cause })
  }
  return [...file.imports, ...file.publicImports, ...file.weakImports].filter((p) => !isWellKnown(p))
}

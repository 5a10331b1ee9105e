// The public API of `registrum`: embed the registry, or reuse its formats and compatibility engine.
export { startServer, DEFAULT_CONFIG, type ServerConfig, type RunningServer } from './main.js'
export { buildApp, type AppDeps } from './http/app.js'
export {
  createRegistry,
  type Registry,
  type CreateRegistryOptions,
  type CanRead,
  type CandidateVerdict,
  type CompatibilityOptions,
  type ListSchemasOptions,
  type ListVersionsOptions,
  type LookupOptions,
  type RegisterOptions,
  type RegistryOptions,
} from './registry/registry.js'
export { RegistryError, type RegistryErrorCode } from './registry/errors.js'
export type { SchemaRequest, SchemaView, SchemaByIdView, CompatibilityView } from './registry/types.js'
export { MemoryStore } from './store/memory/memory-store.js'
export { SqliteStore } from './store/sqlite/sqlite-store.js'
export type { Store, StoreReader, StoreTx, Mutation, SchemaRecord, VersionRecord } from './store/store.js'
export { formatFor, supportedTypes } from './formats/index.js'
export {
  SchemaParseError,
  type SchemaFormat,
  type SchemaType,
  type ParsedSchema,
  type ResolvedRef,
  type ResolvedRefs,
  type Violation,
  type CompatOptions,
} from './formats/format.js'
export {
  checkLevel,
  checkPair,
  parseLevel,
  COMPATIBILITY_LEVELS,
  type CompatibilityLevel,
  type LevelResult,
} from './compat/levels.js'

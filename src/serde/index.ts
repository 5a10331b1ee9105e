/**
 * `registrum/serde`: Confluent-compatible serializers and deserializers for Avro, Protobuf and
 * JSON Schema, a schema registry client, and kafkajs helpers. Nothing here loads the registry
 * server (fastify, SQLite).
 */
export { SerdeError, SchemaRegistryError, type RegistryAnswer, type SerdeErrorCode } from './errors.js'
export {
  MAGIC_BYTE,
  MAGIC_BYTE_GUID,
  HEADER_SIZE,
  GUID_HEADER_SIZE,
  KEY_SCHEMA_ID_HEADER,
  VALUE_SCHEMA_ID_HEADER,
  readSchemaId,
  readSchemaRef,
  readFraming,
  frame,
  guidHeader,
  type SchemaRef,
  type Framing,
  type RecordHeaders,
  type WritableHeaders,
} from './wire.js'
export {
  resolveReferences,
  type SchemaRegistryClient,
  type SchemaInfo,
  type RegisteredSchema,
  type SchemaReference,
  type SchemaType,
} from './client.js'
export { HttpSchemaRegistryClient, type HttpSchemaRegistryClientOptions } from './http-client.js'
export { RegistryTransport, type RegistryTransportOptions } from './registry-transport.js'
export { InMemorySchemaRegistryClient } from './memory-client.js'
export {
  subjectNameStrategy,
  topicNameStrategy,
  recordNameStrategy,
  topicRecordNameStrategy,
  type SubjectNameStrategy,
  type SubjectNameStrategyFn,
  type SubjectContext,
} from './subject-strategy.js'
export type { Serializer, Encoder } from './serializer.js'
export type { Deserializer, DeserializerConfig } from './deserializer.js'
export type { SerializerConfig } from './writer-schema.js'
export { avroSerializer, avroDeserializer, type AvroSerializerConfig, type AvroDeserializerConfig } from './avro.js'
export {
  protobufSerializer,
  protobufDeserializer,
  type ProtobufSerializerConfig,
  type ProtobufDeserializerConfig,
} from './protobuf.js'
export { jsonSerializer, jsonDeserializer, type JsonSerializerConfig, type JsonDeserializerConfig } from './json.js'
export {
  serializeMessages,
  serializeRecord,
  deserializeMessage,
  deserializeBatch,
  decodingEachMessage,
  decodingEachBatch,
  type Serializers,
  type Deserializers,
  type OutgoingMessage,
  type DecodedMessage,
} from './kafkajs.js'
export { createRuleEngine, type RulesConfig, type ReadRulesConfig } from './rules/runtime.js'
export {
  RuleEngine,
  RuleError,
  type RuleEngineOptions,
  type RuleExecutor,
  type RuleAction,
  type RuleOverride,
  type RuleRun,
} from './rules/engine.js'
export type { RuleContext, FieldContext, FieldWalker } from './rules/context.js'
export { dlqAction, producerSink, type DeadLetter, type DeadLetterSink, type DeadLetterProducer } from './rules/dlq.js'
export type { Rule, RuleSet, RuleMode, RuleKind, RulePhase, Metadata, FieldType } from './rules/model.js'
export {
  FieldEncryption,
  encryptionExecutors,
  type EncryptionOptions,
} from './rules/encryption/executor.js'
export { DekRegistryClient, type DekRegistry, type Kek, type Dek } from './rules/encryption/dek-client.js'
export { registerKmsDriver, localKmsDriver, type KmsDriver, type KmsClient } from './rules/encryption/kms.js'
export type { DekAlgorithm } from './rules/encryption/aead.js'

/** A schema pair Avro cannot judge (Java throws `AvroRuntimeException`), e.g. an ambiguous field alias. */
export class AvroFormatError extends Error {
  override readonly name = 'AvroFormatError'
}

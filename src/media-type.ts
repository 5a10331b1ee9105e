/** The registry API's own media type: what clients send bodies as, and what the server answers in. */
export const SCHEMA_REGISTRY_V1_JSON = 'application/vnd.schemaregistry.v1+json'
/** The version-less form, accepted and produced next to the v1 type. */
export const SCHEMA_REGISTRY_JSON = 'application/vnd.schemaregistry+json'

// The content hash is a pure function of a schema's text, references and data contract; it lives
// with the formats so the stores can hash what they replay without depending on the registry.
export { schemaGuid } from '../formats/guid.js'

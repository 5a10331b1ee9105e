/**
 * Registrum's bulk routes, which `registrum import` and `export` call on a Registrum registry: the
 * paths the server registers and the client sends to, in one place.
 */
export const IMPORT_VERSIONS_PATH = '/registrum/v1/import/versions'
export const EXPORT_SUBJECTS_PATH = '/registrum/v1/export/subjects'

/** What the field-encryption interop tests share: a PII-tagged person and the ENCRYPT rule on its tags. */
import type { Rule } from '../../src/serde/rules/model.js'

/** The local KMS secret every writer and reader of the tests' data holds. */
export const SECRET = 'correct horse battery staple'
export const SSN = '123-45-6789'
export const CARD = Buffer.from('4111111111111111')

export const PERSON_AVRO = {
  type: 'record',
  name: 'Person',
  namespace: 'acme',
  fields: [
    { name: 'name', type: 'string' },
    { name: 'ssn', type: 'string', 'confluent:tags': ['PII'] },
    { name: 'card', type: 'bytes', 'confluent:tags': ['PII'] },
    { name: 'nick', type: ['null', 'string'], default: null, 'confluent:tags': ['PII'] },
    { name: 'age', type: 'int' },
  ],
}
export const PERSON_JSON = {
  type: 'object',
  title: 'Person',
  properties: {
    name: { type: 'string' },
    ssn: { type: 'string', 'confluent:tags': ['PII'] },
    age: { type: 'integer' },
  },
  required: ['name', 'ssn', 'age'],
}
/** ENCRYPT on the PII fields with the local KMS; on read a failure leaves the ciphertext (`ERROR,NONE`). */
export const encryptRule = (kek: string, params: Record<string, string> = {}): Rule => ({
  name: 'encrypt-pii',
  kind: 'TRANSFORM',
  mode: 'WRITEREAD',
  type: 'ENCRYPT',
  tags: ['PII'],
  params: {
    'encrypt.kek.name': kek,
    'encrypt.kms.type': 'local-kms',
    'encrypt.kms.key.id': 'interop-key',
    ...params,
  },
  onFailure: 'ERROR,NONE',
})

/** Small Avro schemas for CLI tests, pretty-printed so line numbers mean something. */
export const record = (name: string, fields: object[], namespace = 'acme') =>
  `${JSON.stringify({ type: 'record', name, namespace, fields }, null, 2)}\n`

export const ADDRESS_V1 = record('Address', [{ name: 'street', type: 'string' }])
export const ADDRESS_ZIP_DEFAULT = record('Address', [
  { name: 'street', type: 'string' },
  { name: 'zip', type: 'string', default: '' },
])
export const ORDER_V1 = record('Order', [
  { name: 'id', type: 'long' },
  { name: 'ship', type: 'acme.Address' },
])
export const ORDER_NOTE_DEFAULT = record('Order', [
  { name: 'id', type: 'long' },
  { name: 'ship', type: 'acme.Address' },
  { name: 'note', type: 'string', default: '' },
])
export const ORDER_NOTE_REQUIRED = record('Order', [
  { name: 'id', type: 'long' },
  { name: 'ship', type: 'acme.Address' },
  { name: 'note', type: 'string' },
])

export const PROJECT = `# subjects of the test repository
level: BACKWARD
subjects:
  address-value:
    file: schemas/address.avsc
  order-value:
    file: schemas/order.avsc
    references:
      - name: acme.Address
        subject: address-value
`

import { UI_ROUTE_ACCESS } from '../ui/route-access.js'
import type { Access } from './permissions.js'

/**
 * What a route needs:
 * - `public`: nothing (health, `/`);
 * - `authenticated`: any signed-in principal;
 * - `subject`: `access` on the `{subject}` path parameter;
 * - `scope`: config/mode: `access` on the subject, or for the global/context scope a global
 *   grant (reads of the global scope only need a sign-in: clients fetch it to serialize);
 * - `global`: a global grant of `access`;
 * - `schemaId` / `guid`: read on at least one subject that uses the schema;
 * - `bodySubject`: `access` on the `subject` field of the JSON body, checked once it is parsed
 *   (a body without one is refused by the route before anything is looked up).
 */
export type Need =
  | { readonly kind: 'public' }
  | { readonly kind: 'authenticated' }
  | { readonly kind: 'subject'; readonly access: Access }
  | { readonly kind: 'scope'; readonly access: Access }
  | { readonly kind: 'global'; readonly access: Access }
  | { readonly kind: 'schemaId' }
  | { readonly kind: 'guid' }
  | { readonly kind: 'bodySubject'; readonly access: Access }

export interface RouteAccess {
  readonly need: Need
  /**
   * For listings: the subject of each item. Items on unreadable subjects are dropped for
   * principals without a global read grant, and `offset`/`limit` then apply to what is left.
   */
  readonly listSubject?: (item: unknown) => string | undefined
}

const PUBLIC: RouteAccess = { need: { kind: 'public' } }
const SIGNED_IN: RouteAccess = { need: { kind: 'authenticated' } }
const subject = (access: Access): RouteAccess => ({ need: { kind: 'subject', access } })
const scope = (access: Access): RouteAccess => ({ need: { kind: 'scope', access } })
const itself = (item: unknown) => (typeof item === 'string' ? item : undefined)
const subjectField = (item: unknown) => {
  const s = (item as { subject?: unknown } | null)?.subject
  return typeof s === 'string' ? s : undefined
}

/**
 * The one table from route (method + fastify URL pattern) to the permission it needs. Routes
 * not listed need a global admin grant, so a new route is closed until it is given a row here.
 */
export const ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  'GET /': PUBLIC,
  'POST /': PUBLIC,
  'GET /health/live': PUBLIC,
  'GET /health/ready': PUBLIC,
  'GET /metrics': SIGNED_IN,
  'GET /openapi.yaml': SIGNED_IN,
  'GET /v1/metadata/id': SIGNED_IN,
  'GET /v1/metadata/version': SIGNED_IN,
  'GET /v1/metadata/deployment': SIGNED_IN,
  'GET /contexts': SIGNED_IN,
  'DELETE /contexts/:context': { need: { kind: 'global', access: 'admin' } },

  'GET /schemas/types': SIGNED_IN,
  'GET /schemas': { need: { kind: 'authenticated' }, listSubject: subjectField },
  'GET /schemas/ids/:id': { need: { kind: 'schemaId' } },
  'GET /schemas/ids/:id/schema': { need: { kind: 'schemaId' } },
  'GET /schemas/ids/:id/subjects': { need: { kind: 'schemaId' }, listSubject: itself },
  'GET /schemas/ids/:id/versions': { need: { kind: 'schemaId' }, listSubject: subjectField },
  'GET /schemas/guids/:guid': { need: { kind: 'guid' } },
  'GET /schemas/guids/:guid/ids': { need: { kind: 'guid' } },

  'GET /subjects': { need: { kind: 'authenticated' }, listSubject: itself },
  'POST /subjects/:subject': subject('read'),
  'DELETE /subjects/:subject': subject('admin'),
  'GET /subjects/:subject/versions': subject('read'),
  'POST /subjects/:subject/versions': subject('write'),
  'GET /subjects/:subject/versions/:version': subject('read'),
  'GET /subjects/:subject/versions/:version/schema': subject('read'),
  'GET /subjects/:subject/versions/:version/referencedby': subject('read'),
  'DELETE /subjects/:subject/versions/:version': subject('admin'),
  'GET /subjects/:subject/metadata': subject('read'),

  'POST /compatibility/subjects/:subject/versions': subject('read'),
  'POST /compatibility/subjects/:subject/versions/:version': subject('read'),

  'GET /config': scope('read'),
  'PUT /config': scope('admin'),
  'DELETE /config': scope('admin'),
  'GET /config/:subject': scope('read'),
  'PUT /config/:subject': scope('admin'),
  'DELETE /config/:subject': scope('admin'),
  'GET /mode': scope('read'),
  'PUT /mode': scope('admin'),
  'DELETE /mode': scope('admin'),
  'GET /mode/:subject': scope('read'),
  'PUT /mode/:subject': scope('admin'),
  'DELETE /mode/:subject': scope('admin'),

  // The DEK registry. KEKs only name a KMS key (no key material): any signed-in principal may
  // read them, as serializers must; creating one needs a global write grant, altering, deleting
  // or undeleting one a global admin grant. A DEK belongs to its subject: reading it needs read
  // on the subject, creating it write, deleting or undeleting it admin, as for schemas.
  'GET /dek-registry/v1/keks': SIGNED_IN,
  'POST /dek-registry/v1/keks': { need: { kind: 'global', access: 'write' } },
  'GET /dek-registry/v1/keks/:name': SIGNED_IN,
  'PUT /dek-registry/v1/keks/:name': { need: { kind: 'global', access: 'admin' } },
  'DELETE /dek-registry/v1/keks/:name': { need: { kind: 'global', access: 'admin' } },
  'POST /dek-registry/v1/keks/:name/undelete': { need: { kind: 'global', access: 'admin' } },
  'GET /dek-registry/v1/keks/:name/deks': { need: { kind: 'authenticated' }, listSubject: itself },
  'POST /dek-registry/v1/keks/:name/deks': { need: { kind: 'bodySubject', access: 'write' } },
  'POST /dek-registry/v1/keks/:name/deks/:subject': subject('write'),
  'GET /dek-registry/v1/keks/:name/deks/:subject': subject('read'),
  'DELETE /dek-registry/v1/keks/:name/deks/:subject': subject('admin'),
  'POST /dek-registry/v1/keks/:name/deks/:subject/undelete': subject('admin'),
  'GET /dek-registry/v1/keks/:name/deks/:subject/versions': subject('read'),
  'GET /dek-registry/v1/keks/:name/deks/:subject/versions/:version': subject('read'),
  'DELETE /dek-registry/v1/keks/:name/deks/:subject/versions/:version': subject('admin'),
  'POST /dek-registry/v1/keks/:name/deks/:subject/versions/:version/undelete': subject('admin'),
  // Bulk registrations for `registrum import`: a global admin grant, as IMPORT mode needs.
  'POST /registrum/v1/import/versions': { need: { kind: 'global', access: 'admin' } },
  // What `registrum export` reads of many subjects at once: a global read grant.
  'POST /registrum/v1/export/subjects': { need: { kind: 'global', access: 'read' } },
  ...UI_ROUTE_ACCESS,
}

const CLOSED: RouteAccess = { need: { kind: 'global', access: 'admin' } }

/** The row for a request; HEAD follows GET, and an unmatched URL (404) only needs a sign-in. */
export function routeAccess(method: string, url: string | undefined): RouteAccess {
  if (url === undefined) return SIGNED_IN
  return ROUTE_ACCESS[`${method === 'HEAD' ? 'GET' : method} ${url}`] ?? CLOSED
}

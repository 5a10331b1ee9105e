import type { RouteAccess } from '../auth/route-access.js'

const SIGNED_IN: RouteAccess = { need: { kind: 'authenticated' } }
const READ_SUBJECT: RouteAccess = { need: { kind: 'subject', access: 'read' } }
const ADMIN_SUBJECT: RouteAccess = { need: { kind: 'scope', access: 'admin' } }

/**
 * The UI's rows of the route table: the same needs as the API routes showing the same data.
 * The subject list filters by read access itself; registering from the try page needs write,
 * which the page checks, as `POST /subjects/{s}/versions` would.
 */
export const UI_ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  'GET /ui': SIGNED_IN,
  'GET /ui/assets/:file': { need: { kind: 'public' } },
  'GET /ui/subjects/:subject': READ_SUBJECT,
  'GET /ui/subjects/:subject/versions/:version': READ_SUBJECT,
  'GET /ui/subjects/:subject/versions/:version/download': READ_SUBJECT,
  'GET /ui/subjects/:subject/diff': READ_SUBJECT,
  'GET /ui/subjects/:subject/try': READ_SUBJECT,
  'POST /ui/subjects/:subject/try': READ_SUBJECT,
  'POST /ui/subjects/:subject/config': ADMIN_SUBJECT,
  'POST /ui/subjects/:subject/mode': ADMIN_SUBJECT,
}

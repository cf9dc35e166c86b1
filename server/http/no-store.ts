/**
 * Answers that carry a secret — a password, a bearer token, a SIP password, a webhook's signing
 * secret — are never stored by a browser or a proxy cache (`Cache-Control: no-store`, RFC 9111
 * §5.2.2.5). One list, one onSend hook, instead of each route remembering its header (probe 13 #10);
 * no-store.test.ts checks every entry is a route the app has and that each answers with it.
 */
import type { FastifyInstance } from 'fastify'
import type { ApiRouteKey } from '../../contract/routes.ts'

/** `METHOD /path` of every route whose answer holds a secret (shown once, or a credential). */
export const SECRET_ANSWERS: ReadonlySet<ApiRouteKey> = new Set<ApiRouteKey>([
  'POST /api/auth/login',
  'GET /api/me',
  'POST /api/visitor/session',
  'POST /api/site/call-credentials',
  'POST /api/admin/sip/gateway-credentials',
  'POST /api/admin/employees',
  'POST /api/admin/employees/:id/password',
  'POST /api/admin/channels',
  'POST /api/admin/channels/:id/secret',
  'PUT /api/admin/crm-webhook',
  'POST /api/admin/crm-webhook/secret',
  'POST /api/admin/crm-contacts/secret',
])

/** Adds `Cache-Control: no-store` to every answer of a SECRET_ANSWERS route, errors included. */
export function noStoreSecrets(app: FastifyInstance): void {
  app.addHook('onSend', async (req, reply, payload) => {
    const key = `${req.method} ${req.routeOptions.url ?? ''}` as ApiRouteKey
    if (SECRET_ANSWERS.has(key)) reply.header('cache-control', 'no-store')
    return payload
  })
}

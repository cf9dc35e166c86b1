/** Typed routes (issue 7 §1): each route declares its auth level once; the route table records it. */
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiRouteKey } from '../../contract/routes.ts'
import { AppError } from '../errors.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'
import type { AppDeps } from './context.ts'
import { installErrorHandler } from './errors.ts'
import { recordRoutes, routeTable } from './route-table.ts'
import { registerScope } from './scope.ts'

/** Routes anyone may call (everything else under /api and /internal must declare a level). */
const PUBLIC = new Set([
  'GET /api/health',
  'POST /api/auth/login',
  'POST /api/site/call-credentials',
  // The site's numbers (no line issued): what the "Call us" block shows before a call.
  'POST /api/site/numbers',
  // The website widget: a session of a named tenant (it issues the visitor token), and CORS preflights.
  'POST /api/visitor/session',
  'OPTIONS /api/visitor/*',
  // A5: whether a named tenant's website chat takes visitors (the widget's launcher).
  'GET /api/visitor/open',
  // Provider webhooks: found by the path key, checked by the provider's signature in the handler.
  'POST /api/hooks/telegram_bot/:key',
  // The site's lead form (T11) and its CORS preflight.
  'POST /api/site/leads',
  'OPTIONS /api/site/leads',
  // Messenger and SMS webhooks: found by the path key, each checks its provider's signature.
  'GET /api/hooks/whatsapp/:key',
  'POST /api/hooks/whatsapp/:key',
  'POST /api/hooks/viber/:key',
  'GET /api/hooks/messenger/:key',
  'POST /api/hooks/messenger/:key',
  'POST /api/hooks/vk/:key',
  'POST /api/hooks/avito/:key',
  'POST /api/hooks/gateway/:key',
  // A chat file by its signed, expiring link (Viber fetches media by URL).
  'GET /api/public-files/:token/:name',
  // Issue 11 §5: a site caller nobody answered leaves a number (rate limited per address, visitor, number).
  'POST /api/site/callback',
  // Issue 12 §1: the tracking snippet on the tenant's site (a visitor token in the body).
  'POST /api/track/view',
  'POST /api/track/ping',
  'POST /api/track/leave',
  'OPTIONS /api/track/*',
  // Issue 12 §6: a CRM pushes contacts (the tenant by its path key, the HMAC signature checked).
  'POST /api/hooks/crm-contacts/:key',
])

/**
 * contract/routes.ts's keys at run time. Typed as a record of ApiRouteKey, so tsc fails when a key
 * is added there and not here or the other way round; the test below compares them with the app.
 */
const CONTRACT_ROUTES: Record<ApiRouteKey, true> = {
  'GET /api/health': true,
  'POST /api/auth/login': true,
  'POST /api/auth/logout': true,
  'GET /api/auth/sessions': true,
  'DELETE /api/auth/sessions/:id': true,
  'GET /api/me': true,
  'PUT /api/me/status': true,
  'GET /api/statuses': true,
  'PUT /api/statuses': true,
  'GET /api/contacts/employees': true,
  'GET /api/contacts/groups': true,
  'GET /api/contacts/clients': true,
  'GET /api/contacts/clients/:id': true,
  'GET /api/calls': true,
  'GET /api/calls/missed': true,
  'GET /api/calls/transfer-targets': true,
  'GET /api/calls/:id': true,
  'POST /api/calls/missed/:id/handle': true,
  'GET /api/calls/:id/recording': true,
  'PUT /api/calls/recording/:sipCallId': true,
  'POST /api/site/call-credentials': true,
  'POST /api/site/numbers': true,
  'POST /api/admin/sip/gateway-credentials': true,
  'GET /api/chats': true,
  'GET /api/chats/:id': true,
  'GET /api/chats/:id/messages': true,
  'POST /api/chats/:id/accept': true,
  'POST /api/chats/:id/open': true,
  'POST /api/chats/:id/messages': true,
  'POST /api/chats/:id/files': true,
  'POST /api/chats/:id/read': true,
  'POST /api/chats/:id/complete': true,
  'POST /api/files': true,
  'GET /api/files/:id': true,
  'GET /api/templates': true,
  'POST /api/templates': true,
  'PATCH /api/templates/:id': true,
  'PUT /api/templates/:id': true,
  'DELETE /api/templates/:id': true,
  'POST /api/admin/templates': true,
  'PATCH /api/admin/templates/:id': true,
  'DELETE /api/admin/templates/:id': true,
  'PATCH /api/admin/employees/:id': true,
  'GET /api/admin/channels/webchat': true,
  'PUT /api/admin/channels/webchat': true,
  'POST /internal/sip/route': true,
  'POST /internal/sip/dialog': true,
  'POST /api/visitor/session': true,
  'POST /api/visitor/messages': true,
  'POST /api/visitor/read': true,
  'POST /api/visitor/files': true,
  'GET /api/visitor/files/:id': true,
  'GET /api/visitor/open': true,
  'POST /internal/sip/registration': true,
  'POST /internal/sip/refer': true,
  'GET /api/calls/transfer-settings': true,
  'PUT /api/admin/call-settings': true,
  'POST /api/hooks/telegram_bot/:key': true,
  'POST /api/site/leads': true,
  'GET /api/leads': true,
  'POST /api/leads/:id/open': true,
  'POST /api/leads/:id/complete': true,
  'GET /api/chats/:id/scheduled': true,
  'POST /api/chats/:id/scheduled': true,
  'PATCH /api/scheduled/:id': true,
  'DELETE /api/scheduled/:id': true,
  'GET /api/admin/crm-webhook': true,
  'PUT /api/admin/crm-webhook': true,
  'POST /api/admin/crm-webhook/secret': true,
  'DELETE /api/admin/crm-webhook': true,
  'POST /api/chats/:id/crm': true,
  'GET /api/admin/channels': true,
  'POST /api/admin/channels': true,
  'POST /api/admin/channels/:id/secret': true,
  'POST /api/admin/channels/:id/disconnect': true,
  'PATCH /api/admin/channels/:id': true,
  'GET /api/admin/features': true,
  'PATCH /api/admin/features': true,
  'GET /api/chats/write-first': true,
  'POST /api/chats/write-first': true,
  'GET /api/chats/:id/info': true,
  'GET /api/chats/transfer-targets': true,
  'POST /api/chats/:id/transfer': true,
  'GET /api/transfers': true,
  'POST /api/transfers/:id/accept': true,
  'POST /api/transfers/:id/decline': true,
  'GET /api/admin/chat-settings': true,
  'PUT /api/admin/chat-settings': true,
  'PUT /api/admin/channels/:id/auto-complete': true,
  'GET /api/hooks/whatsapp/:key': true,
  'POST /api/hooks/whatsapp/:key': true,
  'POST /api/hooks/viber/:key': true,
  'GET /api/hooks/messenger/:key': true,
  'POST /api/hooks/messenger/:key': true,
  'POST /api/hooks/vk/:key': true,
  'POST /api/hooks/avito/:key': true,
  'POST /api/hooks/gateway/:key': true,
  'GET /api/public-files/:token/:name': true,
  'GET /api/push/vapid-key': true,
  'POST /api/push/subscriptions': true,
  'DELETE /api/push/subscriptions': true,
  'GET /api/admin/groups': true,
  'POST /api/admin/groups': true,
  'PUT /api/admin/groups/:id': true,
  'DELETE /api/admin/groups/:id': true,
  'GET /api/admin/numbers': true,
  'POST /api/admin/numbers': true,
  'PUT /api/admin/numbers/:id': true,
  'DELETE /api/admin/numbers/:id': true,
  'GET /api/admin/crm-cards': true,
  'PUT /api/admin/crm-cards': true,
  // Issue 13, administration.
  'GET /api/admin/audit': true,
  'GET /api/admin/employees': true,
  'POST /api/admin/employees': true,
  'POST /api/admin/employees/:id/password': true,
  'POST /api/admin/employees/:id/deactivate': true,
  'POST /api/admin/employees/:id/reactivate': true,
  'PUT /api/me/password': true,
  'POST /internal/tenants': true,
  'POST /api/calls/missed/:id/undo': true,
  'POST /api/site/callback': true,
  'POST /api/calls/declined/:sipCallId': true,
  'POST /api/track/view': true,
  'POST /api/track/ping': true,
  'POST /api/track/leave': true,
  'GET /api/insider/visitors/:id': true,
  'GET /api/insider/calls/:sipCallId': true,
  'GET /api/insider/chats/:id': true,
  'GET /api/insider/clients/:id': true,
  'GET /api/onsite': true,
  'GET /api/supervisor/operators': true,
  'PUT /api/supervisor/operators/:id/status': true,
  'GET /api/supervisor/workload': true,
  'GET /api/contacts/clients/:id/timeline': true,
  'POST /api/contacts/clients': true,
  'POST /api/contacts/clients/:id/contacts': true,
  'POST /api/admin/contacts/import/preview': true,
  'POST /api/admin/contacts/import': true,
  'POST /api/hooks/crm-contacts/:key': true,
  'GET /api/admin/crm-contacts': true,
  'POST /api/admin/crm-contacts/secret': true,
  'PUT /api/admin/crm-contacts': true,
}

/** Registered routes that are not JSON API calls of the app or the widget (sockets, script, preflight). */
const OUTSIDE_CONTRACT = new Set([
  'GET /api/ws',
  'GET /api/visitor/ws',
  'GET /widget.js',
  'OPTIONS /api/visitor/*',
  'OPTIONS /api/site/leads',
  'OPTIONS /api/track/*',
])

describe('typed routes', () => {
  let f: Fixture
  beforeAll(async () => {
    f = await makeFixture(targets[0]!)
  })
  afterAll(() => f.close())

  it('every route records its level; only the known public ones under /api and /internal are public', () => {
    const table = routeTable(f.app).filter((r) => r.method !== 'HEAD')
    const level = (key: string) => table.find((r) => `${r.method} ${r.url}` === key)?.auth
    expect(level('GET /api/calls')).toBe('employee')
    expect(level('PUT /api/calls/recording/:sipCallId')).toBe('employee')
    expect(level('PUT /api/statuses')).toBe('admin')
    expect(level('GET /api/statuses')).toBe('employee')
    expect(level('POST /api/admin/sip/gateway-credentials')).toBe('admin')
    expect(level('POST /internal/sip/route')).toBe('internal')
    expect(level('GET /api/ws')).toBe('employee')
    const undeclared = table
      .filter((r) => /^\/(api|internal)\//.test(r.url) && r.auth === 'public')
      .map((r) => `${r.method} ${r.url}`)
      .filter((k) => !PUBLIC.has(k))
    expect(undeclared).toEqual([])
  })

  it('every /api and /internal route is in contract/routes.ts, and every route there is registered', () => {
    const registered = routeTable(f.app)
      .filter((r) => r.method !== 'HEAD' && /^\/(api|internal)\/|^\/widget\.js$/.test(r.url))
      .map((r) => `${r.method} ${r.url}`)
      .filter((k) => !OUTSIDE_CONTRACT.has(k))
    const listed = Object.keys(CONTRACT_ROUTES)
    expect(registered.filter((k) => !listed.includes(k))).toEqual([])
    expect(listed.filter((k) => !registered.includes(k))).toEqual([])
  })

  it('an admin route refuses an operator (403) and a stranger (401) before the handler runs', async () => {
    const op = (await f.login('op1@demo')).token
    const body = { matrix: [] }
    const asOp = await f.app.inject({ method: 'PUT', url: '/api/statuses', headers: auth(op), payload: body })
    expect(asOp.statusCode).toBe(403)
    const anon = await f.app.inject({ method: 'PUT', url: '/api/statuses', payload: body })
    expect(anon.statusCode).toBe(401)
  })
})

describe('scope levels on a bare app', () => {
  /** An app with one route per level; the principal-less levels need no database. */
  async function bare(deps: Partial<AppDeps>) {
    const app = Fastify()
    recordRoutes(app)
    installErrorHandler(app)
    // The tenant-suspension check (probe 10 #4) finds no row: an active tenant.
    const db = { orm: { select: () => ({ from: () => ({ where: async () => [] }) }) } }
    const d = { secrets: { sipSecret: 's', internalSecret: 'inside' }, db, ...deps } as unknown as AppDeps
    registerScope(app, d, { auth: 'visitor' }, (r) => {
      r.get('/v', async (_req, who) => ({ visitor: who.visitorId }))
    })
    registerScope(app, d, { auth: 'webhook' }, (r) => {
      r.post('/w', async (_req, who) => ({ channel: who.channelId }))
    })
    registerScope(app, d, { auth: 'internal' }, (r) => {
      r.post('/i', async (_req, who) => ({ ip: who.ip }))
    })
    await app.ready()
    return app
  }

  it('visitor and webhook doors are 404 until a channel provides their check', async () => {
    const app = await bare({})
    expect((await app.inject({ url: '/v' })).statusCode).toBe(404)
    expect((await app.inject({ method: 'POST', url: '/w' })).statusCode).toBe(404)
    expect(routeTable(app).map((r) => `${r.method} ${r.url} ${r.auth}`)).toContain('GET /v visitor')
    await app.close()
  })

  it('a visitor route gets the checked visitor; a refused token never reaches the handler', async () => {
    let calls = 0
    const app = await bare({
      visitorAuth: async (req) => {
        calls++
        if (req.headers.authorization !== 'Visitor good') throw new AppError('E_VISITOR_TOKEN')
        return { tenantId: 't', visitorId: 'v1' }
      },
    })
    const ok = await app.inject({ url: '/v', headers: { authorization: 'Visitor good' } })
    expect(ok.json()).toEqual({ visitor: 'v1' })
    const bad = await app.inject({ url: '/v', headers: { authorization: 'Visitor forged' } })
    expect(bad.statusCode).toBe(401)
    expect(bad.json().error.code).toBe('E_VISITOR_TOKEN')
    expect(calls).toBe(2)
    await app.close()
  })

  it('internal: loopback with the secret passes, a wrong secret is 403, another address 404', async () => {
    const app = await bare({})
    const ok = await app.inject({
      method: 'POST',
      url: '/i',
      remoteAddress: '127.0.0.1',
      headers: { 'x-internal-secret': 'inside' },
    })
    expect(ok.json()).toEqual({ ip: '127.0.0.1' })
    const wrong = await app.inject({
      method: 'POST',
      url: '/i',
      remoteAddress: '127.0.0.1',
      headers: { 'x-internal-secret': 'nope' },
    })
    expect(wrong.statusCode).toBe(403)
    const far = await app.inject({
      method: 'POST',
      url: '/i',
      remoteAddress: '10.0.0.1',
      headers: { 'x-internal-secret': 'inside' },
    })
    expect(far.statusCode).toBe(404)
    await app.close()
  })
})

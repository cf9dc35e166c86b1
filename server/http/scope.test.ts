/** Typed routes (issue 7 §1): each route declares its auth level once; the route table records it. */
import Fastify from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
  // The website widget: a session of a named tenant (it issues the visitor token), and CORS preflights.
  'POST /api/visitor/session',
  'OPTIONS /api/visitor/*',
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
    const d = { secrets: { sipSecret: 's', internalSecret: 'inside' }, ...deps } as AppDeps
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

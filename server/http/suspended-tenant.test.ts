/**
 * Probe 10 #4: a suspended company takes nothing in — its site form, call credentials for site
 * callers, the website chat and its providers' webhooks. A provider gets 503 with Retry-After, so its
 * message is delivered after re-activation, not lost.
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { frontlineHeaders } from '../channels/gateway/index.ts'
import { schema } from '../db/index.ts'
import { leads } from '../db/schema-leads.ts'
import { connectTestChannel } from '../test/channels.ts'
import { targets } from '../test/dbs.ts'
import { type Fixture, makeFixture } from '../test/fixture.ts'

describe.each(targets)('a suspended tenant takes nothing in on $name', (target) => {
  let f: Fixture
  beforeAll(async () => {
    f = await makeFixture(target)
  })
  afterAll(() => f.close())

  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    f.app.inject({ method: 'POST', url, payload: payload as object, headers })

  it('the suspension check never queries with a hostile tenant: NUL or broken Unicode is a 400, not a 500', async () => {
    for (const tenant of ['sip:\u0000@demo.frontline.local', 'demo\u0000', '\ud800demo', 'x'.repeat(65)]) {
      for (const url of [
        '/api/visitor/session',
        '/api/site/leads',
        '/api/site/call-credentials',
        '/api/site/numbers',
      ]) {
        const r = await post(url, { tenant, name: 'X', phone: '+79990001123', page: { url: 'x' } })
        expect(r.statusCode, `${url} ${JSON.stringify(tenant)} ${r.body}`).toBeLessThan(500)
      }
    }
  })

  it('probe 10 #4: form, call credentials and visitor session are E_TENANT_SUSPENDED, a webhook 503 + Retry-After; after re-activation the retry is taken', async () => {
    const tenantId = (await f.login('op1@demo')).me.tenantId
    const sms = await connectTestChannel(f.db.orm, tenantId, 'sms', { url: 'http://127.0.0.1:9/gateway' })
    const leadsBefore = (await f.db.orm.select().from(leads).where(eq(leads.tenantId, tenantId))).length
    const suspend = (at: Date | null) =>
      f.db.orm.update(schema.tenants).set({ suspendedAt: at }).where(eq(schema.tenants.id, tenantId))
    await suspend(new Date())

    const lead = { tenant: 'demo', name: 'Клиент', phone: '+79990001123' }
    for (const [url, body] of [
      ['/api/site/leads', lead],
      ['/api/site/call-credentials', { tenant: 'demo' }],
      ['/api/site/numbers', { tenant: 'demo' }],
      ['/api/visitor/session', { tenant: 'demo' }],
    ] as const) {
      const r = await post(url, body)
      expect([r.statusCode, r.json().error.code], url).toEqual([403, 'E_TENANT_SUSPENDED'])
    }
    // The widget's launcher check says the chat is closed (probe 12 #7: it said open).
    const open = await f.app.inject({ url: '/api/visitor/open?tenant=demo' })
    expect([open.statusCode, open.json()]).toEqual([200, { open: false }])
    const raw = JSON.stringify({
      type: 'message',
      id: 'sms-suspended-1',
      from: { address: '+79160000001', phone: '+79160000001' },
      text: 'while suspended',
    })
    const hook = () =>
      f.app.inject({
        method: 'POST',
        url: `/api/hooks/gateway/${sms.webhookKey}`,
        payload: raw,
        headers: { 'content-type': 'application/json', ...frontlineHeaders(sms.secret, raw, Date.now()) },
      })
    const refused = await hook()
    expect([refused.statusCode, refused.json().error.code]).toEqual([503, 'E_TENANT_SUSPENDED_RETRY'])
    expect(refused.headers['retry-after']).toBe('3600')
    expect((await f.db.orm.select().from(leads).where(eq(leads.tenantId, tenantId))).length).toBe(leadsBefore)

    await suspend(null)
    expect((await hook()).statusCode).toBe(200)
    expect((await post('/api/site/leads', lead)).statusCode).toBe(201)
  })
})

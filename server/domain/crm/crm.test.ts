/**
 * The CRM hand-off (T13) over the app, against a local CRM stand-in (a real HTTP server): the
 * admin API (http(s) only, the secret shown once), the signature a CRM recomputes, retries on 5xx
 * with the same delivery id and body until a 2xx (then never again), a 4xx failing at once, 429
 * retried, the completion's delivery queued with the completion, "Send to CRM" from an open chat.
 */
import { createHmac, randomUUID } from 'node:crypto'
import dns from 'node:dns'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import type { CrmPayload } from '../../../contract/leads.ts'
import { jobByKey, schema } from '../../db/index.ts'
import { crmDeliveries, crmWebhooks } from '../../db/schema-leads.ts'
import { targets } from '../../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../../test/fixture.ts'
import { receiveInbound } from '../chats/index.ts'
import { CRM_JOB } from './index.ts'

interface Hit {
  headers: http.IncomingHttpHeaders
  body: string
}

/** A CRM that answers the statuses queued in `plan` (then 200) and keeps what it got. */
function crmStandIn() {
  const hits: Hit[] = []
  const plan: number[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      hits.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.statusCode = plan.shift() ?? 200
      res.end('ok')
    })
  })
  return { hits, plan, server }
}

describe.each(targets)('CRM hand-off on $name', (target) => {
  let f: Fixture
  let app: FastifyInstance
  let tenantId: string
  let channelId: string
  let url: string
  const crm = crmStandIn()
  const tok: Record<string, string> = {}

  beforeAll(async () => {
    await new Promise<void>((r) => crm.server.listen(0, '127.0.0.1', r))
    url = `http://127.0.0.1:${(crm.server.address() as AddressInfo).port}/hooks/frontline`
    f = await makeFixture(target)
    await f.app.jobs.stop()
    app = await f.buildAnother({ jobOptions: { backoffMs: () => 0, pollMs: 50 } })
    await app.ready()
    const [t] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    tenantId = t!.id
    const [c] = await f.db.orm
      .insert(schema.channels)
      .values({ tenantId, kind: 'whatsapp', name: 'WhatsApp', connected: true, address: '+74950000000' })
      .returning()
    channelId = c!.id
    for (const login of ['admin', 'op1']) {
      const r = await f.login(`${login}@demo`)
      tok[login] = r.token
      await app.inject({
        method: 'PUT',
        url: '/api/me/status',
        headers: auth(r.token),
        payload: { status: 'available' },
      })
    }
  }, 120_000)
  afterAll(async () => {
    await app?.close()
    await f?.close()
    crm.server.close()
  })
  beforeEach(() => {
    crm.hits.length = 0
    crm.plan.length = 0
  })

  const call = (login: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, payload?: object) =>
    app.inject({ method, url: path, headers: auth(tok[login] as string), ...(payload ? { payload } : {}) })

  let secret = ''
  const setHook = async () => {
    const r = await call('admin', 'PUT', '/api/admin/crm-webhook', { url })
    expect(r.statusCode).toBe(200)
    // A webhook already set keeps its key: the reply carries one only when it is new.
    secret = r.json().secret ?? secret
  }

  async function chatInWork(): Promise<string> {
    const r = await receiveInbound(f.db.orm, tenantId, {
      channelId,
      clientAddress: `+7916${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`,
      providerMsgId: randomUUID(),
      clientName: 'Пётр',
      clientPhone: '+79161234567',
      text: 'Нужен диван',
      requestInfo: { landingPage: 'https://shop.example/sofa', referrer: null, utm: { source: 'google' } },
    })
    expect((await call('op1', 'POST', `/api/chats/${r.chat.id}/accept`)).statusCode).toBe(200)
    await call('op1', 'POST', `/api/chats/${r.chat.id}/messages`, {
      clientMsgId: randomUUID(),
      text: 'Какой цвет?',
    })
    return r.chat.id
  }

  it('admin API: http(s) only, the secret generated and shown once; operators may not', async () => {
    for (const bad of [
      'ftp://crm.example/x',
      'javascript:alert(1)',
      'http://user:pw@crm.example/',
      'crm.example',
      'http://x\u0000',
    ])
      expect((await call('admin', 'PUT', '/api/admin/crm-webhook', { url: bad })).statusCode, bad).toBe(400)
    expect((await call('op1', 'PUT', '/api/admin/crm-webhook', { url })).statusCode).toBe(403)
    await setHook()
    expect(secret.length).toBeGreaterThanOrEqual(40)
    const got = (await call('admin', 'GET', '/api/admin/crm-webhook')).json()
    expect(got).toEqual({ url })
  })

  it('saving the URL again keeps the signing key; "new key" issues another, shown once; without a webhook it is E_CRM_NOT_SET (probe 13 UI #7)', async () => {
    expect((await call('admin', 'DELETE', '/api/admin/crm-webhook')).statusCode).toBe(204)
    expect((await call('admin', 'POST', '/api/admin/crm-webhook/secret')).json().error.code).toBe(
      'E_CRM_NOT_SET',
    )
    const first = (await call('admin', 'PUT', '/api/admin/crm-webhook', { url: `${url}?typo` })).json()
    expect(first.secret).toMatch(/^[\w-]{40,}$/)
    const again = await call('admin', 'PUT', '/api/admin/crm-webhook', { url })
    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual({ url })
    const stored = async () =>
      (await f.db.orm.select().from(crmWebhooks).where(eq(crmWebhooks.tenantId, tenantId)))[0]?.secret
    expect(await stored()).toBe(first.secret)
    const fresh = await call('admin', 'POST', '/api/admin/crm-webhook/secret')
    expect(fresh.statusCode).toBe(200)
    expect(fresh.json().url).toBe(url)
    expect(fresh.json().secret).not.toBe(first.secret)
    expect(await stored()).toBe(fresh.json().secret)
    expect((await call('op1', 'POST', '/api/admin/crm-webhook/secret')).statusCode).toBe(403)
    secret = fresh.json().secret
  })

  it('completion: 500 twice then 200 — delivered once, the same delivery id and body every time, correctly signed', async () => {
    await setHook()
    const chatId = await chatInWork()
    crm.plan.push(500, 503)
    expect((await call('op1', 'POST', `/api/chats/${chatId}/complete`)).statusCode).toBe(200)
    await app.jobs.drain()
    expect(crm.hits).toHaveLength(3)
    const ids = new Set(crm.hits.map((h) => h.headers['x-frontline-delivery']))
    expect(ids.size).toBe(1)
    expect(new Set(crm.hits.map((h) => h.body)).size).toBe(1)
    for (const h of crm.hits) {
      const ts = String(h.headers['x-frontline-timestamp'])
      const want = `sha256=${createHmac('sha256', secret).update(`${ts}.${h.body}`).digest('hex')}`
      expect(h.headers['x-frontline-signature']).toBe(want)
    }
    const body = JSON.parse(crm.hits[0]!.body) as CrmPayload
    expect(body.deliveryId).toBe([...ids][0])
    expect(body.event).toBe('chat.completed')
    expect(body.chat.client).toMatchObject({ name: 'Пётр', phone: '+79161234567' })
    expect(body.chat.channel).toMatchObject({ kind: 'whatsapp', id: channelId, address: '+74950000000' })
    expect(body.chat.operator?.name).toBeTruthy()
    expect(body.chat.requestInfo?.utm).toEqual({ source: 'google' })
    expect(body.chat.transcript.map((m) => [m.author, m.text])).toEqual([
      ['client', 'Нужен диван'],
      ['operator', 'Какой цвет?'],
      ['system', 'chat.completed'],
    ])
    const [d] = await f.db.orm.select().from(crmDeliveries).where(eq(crmDeliveries.id, body.deliveryId))
    expect(d).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 200 })
    // The job run again (at least once) posts nothing more.
    const job = await jobByKey(f.db.orm, CRM_JOB, body.deliveryId)
    expect(job?.state).toBe('done')
    const { attemptCrmDelivery } = await import('./index.ts')
    await attemptCrmDelivery(f.db.orm, tenantId, body.deliveryId, false)
    expect(crm.hits).toHaveLength(3)
  })

  it('a 4xx other than 408/429 fails the delivery at once; 429 and 408 are retried', async () => {
    await setHook()
    crm.plan.push(400)
    const a = await chatInWork()
    await call('op1', 'POST', `/api/chats/${a}/complete`)
    await app.jobs.drain()
    expect(crm.hits).toHaveLength(1)
    const idA = String(crm.hits[0]!.headers['x-frontline-delivery'])
    expect((await jobByKey(f.db.orm, CRM_JOB, idA))?.state).toBe('failed')
    crm.hits.length = 0
    crm.plan.push(429, 408)
    const b = await chatInWork()
    await call('op1', 'POST', `/api/chats/${b}/complete`)
    await app.jobs.drain()
    expect(crm.hits.map((h) => h.headers['x-frontline-delivery'])).toHaveLength(3)
    const [d] = await f.db.orm
      .select()
      .from(crmDeliveries)
      .where(eq(crmDeliveries.id, String(crm.hits[0]!.headers['x-frontline-delivery'])))
    expect(d?.state).toBe('delivered')
  })

  it('network errors are retried too (the CRM down, then up)', async () => {
    await setHook()
    const down = `http://127.0.0.1:1/nothing`
    // Attempts by hand below: the background loop would otherwise retry at once (backoff 0).
    await app.jobs.stop()
    const { crmWebhooks } = await import('../../db/schema-leads.ts')
    await f.db.orm.update(crmWebhooks).set({ url: down }).where(eq(crmWebhooks.tenantId, tenantId))
    const chatId = await chatInWork()
    const sent = await call('op1', 'POST', `/api/chats/${chatId}/crm`)
    const { deliveryId } = sent.json() as { deliveryId: string }
    // One attempt fails on the network; then the CRM comes back.
    const { attemptCrmDelivery } = await import('./index.ts')
    expect((await attemptCrmDelivery(f.db.orm, tenantId, deliveryId, false)).outcome).toBe('retry')
    await f.db.orm.update(crmWebhooks).set({ url }).where(eq(crmWebhooks.tenantId, tenantId))
    await app.jobs.drain()
    expect(crm.hits.map((h) => h.headers['x-frontline-delivery'])).toContain(deliveryId)
  })

  it('"Send to CRM" from an open chat posts event chat.sent; without a webhook it is E_CRM_NOT_SET; a completion without one queues nothing', async () => {
    await setHook()
    const chatId = await chatInWork()
    const r = await call('op1', 'POST', `/api/chats/${chatId}/crm`)
    expect(r.statusCode).toBe(202)
    const { deliveryId } = r.json() as { deliveryId: string }
    await app.jobs.drain()
    const hit = crm.hits.find((h) => h.headers['x-frontline-delivery'] === deliveryId)
    const body = JSON.parse(hit!.body) as CrmPayload
    expect(body.event).toBe('chat.sent')
    expect(body.chat.state).toBe('active')
    expect((await call('admin', 'DELETE', '/api/admin/crm-webhook')).statusCode).toBe(204)
    const none = await call('op1', 'POST', `/api/chats/${chatId}/crm`)
    expect(none.statusCode).toBe(409)
    expect(none.json().error.code).toBe('E_CRM_NOT_SET')
    const before = (await f.db.orm.select().from(crmDeliveries)).length
    await call('op1', 'POST', `/api/chats/${chatId}/complete`)
    expect((await f.db.orm.select().from(crmDeliveries)).length).toBe(before)
    // Another tenant's chat id: not found.
    const other = await f.login('op1@other')
    const theirs = await app.inject({
      method: 'POST',
      url: `/api/chats/${chatId}/crm`,
      headers: auth(other.token),
    })
    expect(theirs.statusCode).toBe(404)
  })

  it('probe 13 #3: a private host is refused at PUT (E_PROVIDER_URL_PRIVATE) and at delivery (a name resolving to loopback), unless PROVIDER_ALLOW_PRIVATE=1', async () => {
    const was = process.env.PROVIDER_ALLOW_PRIVATE
    process.env.PROVIDER_ALLOW_PRIVATE = ''
    const port = new URL(url).port
    try {
      for (const bad of [
        url,
        `http://localhost:${port}/x`,
        'http://2130706433/x',
        'http://0x7f000001/x',
        'http://017700000001/x',
        'http://[::1]/x',
        'http://[::ffff:127.0.0.1]/x',
        'http://169.254.169.254/latest/meta-data/',
        'http://metadata.google.internal/',
        'http://10.0.0.1/',
        'http://[fd00::1]/',
      ]) {
        const r = await call('admin', 'PUT', '/api/admin/crm-webhook', { url: bad })
        expect([bad, r.statusCode, r.json().error?.code]).toEqual([bad, 400, 'E_PROVIDER_URL_PRIVATE'])
      }
      // A public-looking name passes the PUT; at delivery it resolves to 127.0.0.1: nothing is posted.
      const named = `http://crm.example.com:${port}/hooks/frontline`
      expect((await call('admin', 'PUT', '/api/admin/crm-webhook', { url: named })).statusCode).toBe(200)
      const chatId = await chatInWork()
      await app.jobs.stop()
      const sent = await call('op1', 'POST', `/api/chats/${chatId}/crm`)
      expect(sent.statusCode).toBe(202)
      const { deliveryId } = sent.json() as { deliveryId: string }
      const lookup = vi
        .spyOn(dns, 'lookup')
        .mockImplementation(((
          _h: string,
          o: { all?: boolean } | number,
          cb: (e: null, a: string | dns.LookupAddress[], f?: number) => void,
        ) =>
          typeof o === 'object' && o.all
            ? cb(null, [{ address: '127.0.0.1', family: 4 }])
            : cb(null, '127.0.0.1', 4)) as never)
      try {
        const { attemptCrmDelivery } = await import('./index.ts')
        const out = await attemptCrmDelivery(f.db.orm, tenantId, deliveryId, false)
        expect(out.outcome).toBe('failed')
        expect(lookup).toHaveBeenCalled()
      } finally {
        lookup.mockRestore()
      }
      expect(crm.hits).toEqual([])
      const [d] = await f.db.orm.select().from(crmDeliveries).where(eq(crmDeliveries.id, deliveryId))
      expect(d?.state).toBe('failed')
      expect(d?.lastError).toContain('127.0.0.1')
      // The operator's switch (tests, local stand-ins) lets loopback through.
      process.env.PROVIDER_ALLOW_PRIVATE = '1'
      expect((await call('admin', 'PUT', '/api/admin/crm-webhook', { url })).statusCode).toBe(200)
    } finally {
      process.env.PROVIDER_ALLOW_PRIVATE = was
    }
  })
})

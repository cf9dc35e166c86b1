/**
 * Web Push (N1) from the server to a local push service (server/test/push-service.ts): the VAPID key
 * stays across restarts, each payload kind arrives decrypted with its Urgency/TTL/Topic and a valid
 * VAPID JWT, 404/410 removes the subscription, a 5xx is retried by the durable job, oversized
 * payloads are refused before anything goes out, and subscriptions to loopback, private or non-https
 * endpoints are refused (SSRF).
 */
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PushPayload } from '../../contract/push.ts'
import { AppError } from '../errors.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'
import { type PushService, startPushService } from '../test/push-service.ts'
import { endpointProblem, pushSubscriptions, sendPush, topicOf } from './index.ts'

const seq = 7
const PAYLOADS: Record<PushPayload['kind'], PushPayload> = {
  call: {
    kind: 'call',
    seq,
    callId: 'c1',
    from: '+79160000001',
    fromName: 'Мария',
    ringUntil: new Date(Date.now() + 20_000).toISOString(),
  },
  missed_call: { kind: 'missed_call', seq, callId: 'c1', from: '+79160000001', fromName: 'Мария' },
  chat: {
    kind: 'chat',
    seq,
    chatId: 'ch1',
    channel: 'telegram',
    clientName: 'Пётр',
    preview: 'Здравствуйте',
    acceptButton: true,
  },
  chats: { kind: 'chats', seq, count: 3 },
  lead: { kind: 'lead', seq, leadId: 'l1', name: 'Анна', comment: 'Перезвоните' },
  transfer: {
    kind: 'transfer',
    seq,
    offerId: 'o1',
    chatId: 'ch1',
    fromName: 'Оператор',
    clientName: 'Пётр',
    comment: '',
    deadline: new Date().toISOString(),
  },
}

describe.each(targets)('web push on $name', (target) => {
  let f: Fixture
  let svc: PushService
  let token = ''
  let employeeId = ''
  let tenantId = ''

  beforeAll(async () => {
    svc = await startPushService()
    f = await makeFixture(target, {
      push: { allowPrivate: true, ca: svc.ca },
      jobOptions: { backoffMs: () => 0, pollMs: 60_000 },
    })
    const r = await f.login('op1@demo')
    token = r.token
    employeeId = r.me.id
    tenantId = r.me.tenantId
  }, 120_000)
  afterAll(async () => {
    await f?.close()
    await svc?.close()
  })

  const deps = () => ({ db: f.db, push: { allowPrivate: true, ca: svc.ca } })
  const subscribe = async (s: ReturnType<PushService['subscribe']>, tok = token) =>
    f.app.inject({
      method: 'POST',
      url: '/api/push/subscriptions',
      headers: { ...auth(tok), 'user-agent': 'Test/1.0' },
      payload: { endpoint: s.endpoint, expirationTime: null, keys: s.keys },
    })

  it('keeps one VAPID key across restarts', async () => {
    const a = await f.app.inject({ method: 'GET', url: '/api/push/vapid-key', headers: auth(token) })
    expect(a.statusCode).toBe(200)
    const key = (a.json() as { publicKey: string }).publicKey
    expect(Buffer.from(key, 'base64url')).toHaveLength(65)
    const again = await f.buildAnother()
    await again.ready()
    const b = await again.inject({ method: 'GET', url: '/api/push/vapid-key', headers: auth(token) })
    await again.close()
    expect((b.json() as { publicKey: string }).publicKey).toBe(key)
  })

  it('sends every payload kind encrypted, with its urgency, TTL and topic', async () => {
    const s = svc.subscribe()
    const r = await subscribe(s)
    expect(r.statusCode).toBe(200)
    const key = (
      (await f.app.inject({ method: 'GET', url: '/api/push/vapid-key', headers: auth(token) })).json() as {
        publicKey: string
      }
    ).publicKey
    for (const p of Object.values(PAYLOADS)) {
      const call = p.kind === 'call'
      const report = await sendPush(deps(), tenantId, [employeeId], p, {
        urgency: call ? 'high' : 'normal',
        ttl: call ? 20 : 3600,
      })
      expect(report).toMatchObject({ subscriptions: 1, sent: 1 })
      const got = await svc.waitFor((q) => q.id === s.id && q.payload?.kind === p.kind)
      expect(got.payload).toEqual(p)
      expect(got.vapidOk).toBe(true)
      expect(got.vapidKey).toBe(key)
      expect(got.contentEncoding).toBe('aes128gcm')
      expect(got.urgency).toBe(call ? 'high' : 'normal')
      expect(got.ttl).toBe(call ? 20 : 3600)
      expect(got.topic).toMatch(/^[A-Za-z0-9_-]{32}$/)
    }
    // A missed call replaces its incoming call at the push service: the same topic.
    const topics = svc.requests.filter((q) => q.id === s.id).map((q) => q.topic)
    expect(topics[0]).toBe(topics[1])
    expect(topics[0]).toBe(topicOf('call:c1'))
  })

  it('re-checking the same device keeps one row; another account takes the device over', async () => {
    const s = svc.subscribe()
    expect((await subscribe(s)).statusCode).toBe(200)
    expect((await subscribe(s)).statusCode).toBe(200)
    const op2 = await f.login('op2@demo')
    expect((await subscribe(s, op2.token)).statusCode).toBe(200)
    const rows = await f.db.orm
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.endpoint, s.endpoint))
    expect(rows.map((x) => x.employeeId)).toEqual([op2.me.id])
    expect(rows[0]?.userAgent).toBe('Test/1.0')
  })

  it('a 410 from the push service removes the subscription', async () => {
    const s = svc.subscribe()
    await subscribe(s)
    svc.answer(s.id, 410)
    const report = await sendPush(deps(), tenantId, [employeeId], PAYLOADS.lead, { ttl: 60 })
    expect(report.removed).toBe(1)
    const rows = await f.db.orm
      .select()
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.endpoint, s.endpoint))
    expect(rows).toEqual([])
  })

  it('a 5xx is retried by the durable job and then delivered', async () => {
    const s = svc.subscribe()
    await subscribe(s)
    svc.answer(s.id, 503, 1)
    const report = await sendPush(deps(), tenantId, [employeeId], PAYLOADS.chat, { ttl: 600 })
    expect(report.retrying).toBeGreaterThanOrEqual(1)
    // The retry's Retry-After default is 2 s ahead: run it now.
    await f.db.orm.execute(
      (await import('drizzle-orm')).sql`UPDATE jobs SET run_at = now() WHERE kind = 'push.retry'`,
    )
    await f.app.jobs.drain()
    const ok = svc.requests.filter((q) => q.id === s.id)
    expect(ok.map((q) => q.status)).toEqual([503, 201])
    expect(ok[1]?.payload).toEqual(PAYLOADS.chat)
  })

  it('refuses a payload over 4 KB before sending anything', async () => {
    const before = svc.requests.length
    const big: PushPayload = { ...PAYLOADS.lead, comment: 'я'.repeat(2100) } as PushPayload
    await expect(sendPush(deps(), tenantId, [employeeId], big, { ttl: 60 })).rejects.toSatisfy(
      (e) => e instanceof AppError && e.code === 'E_PUSH_TOO_LARGE',
    )
    expect(svc.requests.length).toBe(before)
  })

  it('refuses malformed, foreign and private endpoints (production mode)', async () => {
    const strict = await f.buildAnother({ push: {} })
    await strict.ready()
    const s = svc.subscribe()
    const post = (body: unknown) =>
      strict.inject({
        method: 'POST',
        url: '/api/push/subscriptions',
        headers: auth(token),
        payload: body as object,
      })
    const bad = [
      { endpoint: s.endpoint, keys: s.keys }, // loopback
      { endpoint: 'https://10.1.2.3/push/x', keys: s.keys },
      { endpoint: 'https://192.168.0.1/push/x', keys: s.keys },
      { endpoint: 'https://[::1]/push/x', keys: s.keys },
      { endpoint: 'https://[::ffff:127.0.0.1]/x', keys: s.keys },
      { endpoint: 'https://169.254.169.254/latest/meta-data', keys: s.keys },
      { endpoint: 'https://localhost/push', keys: s.keys },
      { endpoint: 'https://printer.local/push', keys: s.keys },
      { endpoint: 'https://user:pw@push.example.com/x', keys: s.keys },
      { endpoint: 'http://push.example.com/x', keys: s.keys },
      { endpoint: 'ftp://push.example.com/x', keys: s.keys },
      { endpoint: 'not a url', keys: s.keys },
      { endpoint: 'https://push.example.com/\u0000', keys: s.keys },
      { endpoint: `https://push.example.com/${'a'.repeat(2000)}`, keys: s.keys },
      { endpoint: 'https://push.example.com/x', keys: { p256dh: 'short', auth: s.keys.auth } },
      {
        endpoint: 'https://push.example.com/x',
        keys: { p256dh: s.keys.p256dh, auth: '!!!!!!!!!!!!!!!!!!!!!!' },
      },
      // 87 base64url characters that are not an uncompressed point (first octet not 0x04)
      {
        endpoint: 'https://push.example.com/x',
        keys: { p256dh: `A${s.keys.p256dh.slice(1)}`, auth: s.keys.auth },
      },
      { endpoint: 'https://push.example.com/x' },
    ]
    for (const b of bad) {
      const r = await post(b)
      expect(r.statusCode, JSON.stringify(b).slice(0, 80)).toBe(400)
      expect((r.json() as { error: { code: string } }).error.code).toMatch(/^E_(VALIDATION|PUSH_ENDPOINT)$/)
    }
    const good = await post({ endpoint: 'https://fcm.googleapis.com/fcm/send/abc', keys: s.keys })
    expect(good.statusCode).toBe(200)
    await strict.close()
  })

  it('endpointProblem checks the host as parsed', () => {
    expect(endpointProblem('https://push.example.com/x', false)).toBeNull()
    expect(endpointProblem('https://127.1/x', false)).not.toBeNull()
    expect(endpointProblem('https://0x7f000001/x', false)).not.toBeNull()
    expect(endpointProblem('https://[fd00::1]/x', false)).not.toBeNull()
    expect(endpointProblem('https://127.0.0.1/x', true)).toBeNull()
    expect(endpointProblem('http://127.0.0.1/x', true)).not.toBeNull()
  })
})

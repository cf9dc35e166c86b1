/**
 * The spine's pushes (N1) end to end on the server: a client's new chat, a site lead, a transfer
 * offer and a missed call each reach the push-service stand-in, decrypted, for the right people —
 * the chat not for an operator in Off work, the lead for everyone, the offer for its target — and a
 * second message of the same waiting chat pushes nothing more.
 */
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CallView } from '../../contract/calls.ts'
import { appendEvent, schema } from '../db/index.ts'
import { receiveInbound } from '../domain/chats/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'
import { type PushService, type StandinSubscription, startPushService } from '../test/push-service.ts'

describe.each(targets)('pushes from the event spine on $name', (target) => {
  let f: Fixture
  let svc: PushService
  let tenantId = ''
  let channelId = ''
  const tok: Record<string, string> = {}
  const id: Record<string, string> = {}
  const device: Record<string, StandinSubscription> = {}

  beforeAll(async () => {
    svc = await startPushService()
    f = await makeFixture(target, {
      push: { allowPrivate: true, ca: svc.ca },
      jobOptions: { backoffMs: () => 0, pollMs: 50 },
    })
    for (const login of ['op1', 'op2', 'op3']) {
      const r = await f.login(`${login}@demo`)
      tok[login] = r.token
      id[login] = r.me.id
      tenantId = r.me.tenantId
      const s = svc.subscribe()
      device[login] = s
      const sub = await f.app.inject({
        method: 'POST',
        url: '/api/push/subscriptions',
        headers: auth(r.token),
        payload: { endpoint: s.endpoint, keys: s.keys },
      })
      expect(sub.statusCode).toBe(200)
    }
    // op2 stays in Off work (every employee's first status).
    for (const login of ['op1', 'op3'])
      await f.app.inject({
        method: 'PUT',
        url: '/api/me/status',
        headers: auth(tok[login] as string),
        payload: { status: 'available' },
      })
    const [c] = await f.db.orm
      .insert(schema.channels)
      .values({ tenantId, kind: 'whatsapp', name: 'WhatsApp', connected: true, address: '+74950000000' })
      .returning()
    channelId = c!.id
  }, 120_000)
  afterAll(async () => {
    await f?.close()
    await svc?.close()
  })

  const to = (login: string) => device[login]?.id
  const settle = async () => {
    await f.hub.spine.settled()
    await f.app.jobs.drain()
  }

  it('a new chat: operators whose status takes chats, not Off work; once per wait', async () => {
    const inbound = (text: string) =>
      receiveInbound(f.db.orm, tenantId, {
        channelId,
        clientAddress: '+79165550001',
        providerMsgId: randomUUID(),
        clientName: 'Пётр',
        clientPhone: '+79165550001',
        text,
      })
    const r = await inbound('Нужен диван')
    const got = await svc.waitFor((q) => q.id === to('op1') && q.payload?.kind === 'chat')
    expect(got.payload).toMatchObject({ kind: 'chat', chatId: r.chat.id, preview: 'Нужен диван' })
    expect(got.payload?.seq).toBeGreaterThan(0)
    expect(got.urgency).toBe('high')
    await svc.waitFor((q) => q.id === to('op3') && q.payload?.kind === 'chat')
    await inbound('Алло?')
    await settle()
    const chats = svc.requests.filter((q) => q.payload?.kind === 'chat')
    expect(chats.map((q) => q.id).sort()).toEqual([to('op1'), to('op3')].sort())
  })

  it('a new lead: every operator, Off work too', async () => {
    const r = await f.app.inject({
      method: 'POST',
      url: '/api/site/leads',
      payload: { tenant: 'demo', name: 'Анна', phone: '+79160000002', comment: 'Перезвоните' },
      remoteAddress: '10.9.9.9',
    })
    expect(r.statusCode).toBe(201)
    const leadId = (r.json() as { id: string }).id
    for (const login of ['op1', 'op2', 'op3']) {
      const got = await svc.waitFor((q) => q.id === to(login) && q.payload?.kind === 'lead')
      expect(got.payload).toMatchObject({ kind: 'lead', leadId, name: 'Анна', comment: 'Перезвоните' })
    }
  })

  it('a transfer offer: its target only, with a TTL no longer than its deadline', async () => {
    const r = await receiveInbound(f.db.orm, tenantId, {
      channelId,
      clientAddress: '+79165550002',
      providerMsgId: randomUUID(),
      clientName: 'Ольга',
      text: 'Вопрос по доставке',
    })
    const call = (login: string, url: string, payload?: object) =>
      f.app.inject({
        method: 'POST',
        url,
        headers: auth(tok[login] as string),
        ...(payload ? { payload } : {}),
      })
    expect((await call('op1', `/api/chats/${r.chat.id}/accept`)).statusCode).toBe(200)
    // A colleague is offered chats while his app's line is live (T7).
    const [op3] = await f.db.orm
      .select()
      .from(schema.employees)
      .where(eq(schema.employees.id, id.op3 as string))
    await f.db.orm.insert(schema.sipRegistrations).values({
      tenantId,
      username: op3!.extension,
      contacts: 1,
      expiresAt: new Date(Date.now() + 3600_000),
    })
    const t = await call('op1', `/api/chats/${r.chat.id}/transfer`, { toKind: 'employee', toId: id.op3 })
    expect(t.statusCode, t.body).toBe(200)
    const offerId = (t.json() as { offer: { id: string } }).offer.id
    const got = await svc.waitFor((q) => q.payload?.kind === 'transfer')
    expect(got.id).toBe(to('op3'))
    expect(got.payload).toMatchObject({ kind: 'transfer', offerId, chatId: r.chat.id, clientName: 'Ольга' })
    expect(got.ttl).toBeGreaterThan(0)
    expect(got.ttl).toBeLessThanOrEqual(30)
    await settle()
    expect(svc.requests.filter((q) => q.payload?.kind === 'transfer')).toHaveLength(1)
  })

  it("a missed call: the group's members whose status takes calls", async () => {
    const [sales] = await f.db.orm.select().from(schema.groups).where(eq(schema.groups.name, 'Sales'))
    const call = {
      id: randomUUID(),
      groupId: sales!.id,
      toNumber: '200',
      peerNumber: '+79160000003',
      contactName: 'Иван',
    } as CallView
    await f.db.orm.transaction((tx) => appendEvent(tx, tenantId, 'missed.added', { call }))
    const got = await svc.waitFor((q) => q.payload?.kind === 'missed_call')
    expect(got.payload).toMatchObject({ kind: 'missed_call', callId: call.id, from: '+79160000003' })
    await settle()
    // Sales is op1–op3; op2 is in Off work.
    const ids = svc.requests.filter((q) => q.payload?.kind === 'missed_call').map((q) => q.id)
    expect(ids.sort()).toEqual([to('op1'), to('op3')].sort())
  })
})

/**
 * A push job is queued only when someone of the tenant has a push subscription (issue 8 ingest
 * budget: a burst of new chats queued a job each, and each cost a claim, five reads and a finish to
 * send nothing). Order is proven by the spine: a test listener sees the event, then `settled()` waits
 * for every listener's queue — the push listener's too — before the jobs are read.
 */
import { randomUUID } from 'node:crypto'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { queryRows, schema } from '../db/index.ts'
import { receiveInbound } from '../domain/chats/index.ts'
import { targets } from '../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../test/fixture.ts'
import { type PushService, startPushService } from '../test/push-service.ts'
import { PUSH_EVENT_JOB } from './listeners.ts'

describe.each(targets)('push jobs gated by subscriptions on $name', (target) => {
  let f: Fixture
  let svc: PushService
  let tenantId = ''
  let channelId = ''
  let token = ''
  let me = ''
  const seen = new Map<string, number>()

  beforeAll(async () => {
    svc = await startPushService()
    f = await makeFixture(target, {
      push: { allowPrivate: true, ca: svc.ca },
      jobOptions: { backoffMs: () => 0, pollMs: 50 },
    })
    const r = await f.login('op1@demo')
    token = r.token
    me = r.me.id
    tenantId = r.me.tenantId
    await f.app.inject({
      method: 'PUT',
      url: '/api/me/status',
      headers: auth(token),
      payload: { status: 'available' },
    })
    const [c] = await f.db.orm
      .insert(schema.channels)
      .values({ tenantId, kind: 'whatsapp', name: 'WhatsApp', connected: true, address: '+74950000009' })
      .returning()
    channelId = c!.id
    f.hub.spine.on((ev) => {
      if (ev.type === 'chat.message' && ev.payload.chat) seen.set(ev.payload.chat.id, ev.seq)
    })
  }, 120_000)
  afterAll(async () => {
    await f?.close()
    await svc?.close()
  })

  /** A new chat's first message, once every spine listener has handled its event; its event's seq. */
  const newChat = async (client: string) => {
    const r = await receiveInbound(f.db.orm, tenantId, {
      channelId,
      clientAddress: client,
      providerMsgId: randomUUID(),
      text: 'Здравствуйте',
    })
    for (let i = 0; !seen.has(r.chat.id); i++) {
      if (i > 400) throw new Error('the spine never delivered the chat event')
      await new Promise((ok) => setTimeout(ok, 25))
    }
    await f.hub.spine.settled()
    return seen.get(r.chat.id) as number
  }
  const jobSeqs = async () =>
    (
      await f.db.orm
        .select({ payload: schema.jobs.payload })
        .from(schema.jobs)
        .where(and(eq(schema.jobs.tenantId, tenantId), eq(schema.jobs.kind, PUSH_EVENT_JOB)))
    ).map((j) => Number(j.payload.seq))

  it('no subscription in the company: a new chat queues no push job; after one subscribes, it does', async () => {
    const before = await newChat('+79165550901')
    expect(await jobSeqs()).not.toContain(before)
    const s = svc.subscribe()
    const sub = await f.app.inject({
      method: 'POST',
      url: '/api/push/subscriptions',
      headers: auth(token),
      payload: { endpoint: s.endpoint, keys: s.keys },
    })
    expect(sub.statusCode).toBe(200)
    const after = await newChat('+79165550902')
    expect(await jobSeqs()).toEqual([after])
    const got = await svc.waitFor((q) => q.id === s.id && q.payload?.kind === 'chat')
    expect(got.payload?.seq).toBe(after)
  })

  it('an operator without a subscription is left out of the fan-out: no chat window is counted for him', async () => {
    const op2 = await f.login('op2@demo')
    await f.app.inject({
      method: 'PUT',
      url: '/api/me/status',
      headers: auth(op2.token),
      payload: { status: 'available' },
    })
    // op1 has a device (one more, when the test above ran first); op2 has none.
    const s = svc.subscribe()
    await f.app.inject({
      method: 'POST',
      url: '/api/push/subscriptions',
      headers: auth(token),
      payload: { endpoint: s.endpoint, keys: s.keys },
    })
    await newChat('+79165550903')
    await f.app.jobs.drain()
    const windows = (
      await queryRows<{ employee_id: string }>(
        f.db.orm,
        sql`SELECT employee_id FROM push_chat_windows WHERE tenant_id = ${tenantId}`,
      )
    ).map((r) => r.employee_id)
    expect(windows).toContain(me)
    expect(windows).not.toContain(op2.me.id)
  })
})

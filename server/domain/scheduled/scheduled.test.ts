/**
 * Scheduled messages (T12) over the app: refused where the channel has no `scheduled` and in the
 * past; listed, edited (text and time), cancelled; sent when due as the operator's message (with
 * the channel's delivery job queued), once; sent on time after the server is restarted.
 */
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MessagesResponse } from '../../../contract/chats.ts'
import type { ScheduledListResponse, ScheduledView } from '../../../contract/leads.ts'
import { jobByKey, schema } from '../../db/index.ts'
import { scheduledMessages } from '../../db/schema-leads.ts'
import { targets } from '../../test/dbs.ts'
import { auth, type Fixture, makeFixture } from '../../test/fixture.ts'
import { DELIVER_JOB, receiveInbound } from '../chats/index.ts'
import { SCHEDULED_JOB } from './index.ts'

describe.each(targets)('scheduled messages on $name', (target) => {
  let f: Fixture
  let app: FastifyInstance
  let tenantId: string
  let channelId: string
  const tok: Record<string, string> = {}
  const ids: Record<string, string> = {}

  beforeAll(async () => {
    f = await makeFixture(target)
    // One worker over the database, with retries at once and a quick poll.
    await f.app.jobs.stop()
    app = await f.buildAnother({ jobOptions: { backoffMs: () => 0, pollMs: 50 } })
    await app.ready()
    const [t] = await f.db.orm.select().from(schema.tenants).where(eq(schema.tenants.slug, 'demo'))
    tenantId = t!.id
    const [c] = await f.db.orm
      .insert(schema.channels)
      .values({ tenantId, kind: 'telegram_bot', name: 'Bot', connected: true })
      .returning()
    channelId = c!.id
    for (const login of ['op1', 'op2']) {
      const r = await f.login(`${login}@demo`)
      tok[login] = r.token
      ids[login] = r.me.id
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
  })

  const call = (login: string, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: auth(tok[login] as string), ...(payload ? { payload } : {}) })

  /** A Telegram chat op1 has in work. */
  async function myChat(): Promise<string> {
    const r = await receiveInbound(f.db.orm, tenantId, {
      channelId,
      clientAddress: `tg:${randomUUID()}`,
      providerMsgId: randomUUID(),
      clientName: 'Иван',
      text: 'Здравствуйте',
    })
    const a = await call('op1', 'POST', `/api/chats/${r.chat.id}/accept`)
    expect(a.statusCode).toBe(200)
    return r.chat.id
  }
  const inAMinute = () => new Date(Date.now() + 60_000).toISOString()
  const operatorTexts = async (chatId: string) =>
    ((await call('op1', 'GET', `/api/chats/${chatId}/messages`)).json() as MessagesResponse).messages
      .filter((m) => m.author === 'operator')
      .map((m) => m.text)
  /** Makes the scheduled message due now (the job's time, as the clock reaching it would). */
  const dueNow = (id: string) =>
    f.db.orm
      .update(schema.jobs)
      .set({ runAt: new Date(Date.now() - 1000) })
      .where(and(eq(schema.jobs.kind, SCHEDULED_JOB), eq(schema.jobs.key, id)))

  it('refuses a channel without `scheduled` (website chat: E_CHANNEL_CAPABILITY) and a time in the past', async () => {
    const [web] = await f.db.orm
      .insert(schema.chats)
      .values({ tenantId, channel: 'webchat', state: 'active', assigneeId: ids.op1, clientName: 'Web' })
      .returning()
    const refused = await call('op1', 'POST', `/api/chats/${web!.id}/scheduled`, {
      text: 'Позже',
      sendAt: inAMinute(),
    })
    expect(refused.statusCode).toBe(422)
    expect(refused.json().error.code).toBe('E_CHANNEL_CAPABILITY')
    const chatId = await myChat()
    const past = await call('op1', 'POST', `/api/chats/${chatId}/scheduled`, {
      text: 'Вчера',
      sendAt: new Date(Date.now() - 1000).toISOString(),
    })
    expect(past.statusCode).toBe(422)
    expect(past.json().error.code).toBe('E_SCHEDULE_PAST')
    for (const bad of [
      { text: 'x\u0000', sendAt: inAMinute() },
      { text: 'x', sendAt: 'tomorrow' },
      { text: '', sendAt: inAMinute() },
    ])
      expect((await call('op1', 'POST', `/api/chats/${chatId}/scheduled`, bad)).statusCode).toBe(400)
    // Not his chat: op2 may not schedule in op1's.
    expect(
      (await call('op2', 'POST', `/api/chats/${chatId}/scheduled`, { text: 'x', sendAt: inAMinute() }))
        .statusCode,
    ).toBe(403)
  })

  it('lists, edits (text and time: the job re-armed) and cancels; when due the edited text is sent once, the cancelled never', async () => {
    const chatId = await myChat()
    const a = (
      await call('op1', 'POST', `/api/chats/${chatId}/scheduled`, { text: 'Первое', sendAt: inAMinute() })
    ).json().scheduled as ScheduledView
    const b = (
      await call('op1', 'POST', `/api/chats/${chatId}/scheduled`, { text: 'Второе', sendAt: inAMinute() })
    ).json().scheduled as ScheduledView
    const list = (await call('op1', 'GET', `/api/chats/${chatId}/scheduled`)).json() as ScheduledListResponse
    expect(list.scheduled.map((s) => s.id).sort()).toEqual([a.id, b.id].sort())
    const later = new Date(Date.now() + 3600_000).toISOString()
    const edited = await call('op1', 'PATCH', `/api/scheduled/${a.id}`, {
      text: 'Первое, исправленное',
      sendAt: later,
    })
    expect(edited.statusCode).toBe(200)
    expect((await jobByKey(f.db.orm, SCHEDULED_JOB, a.id))?.runAt.toISOString()).toBe(later)
    // Someone else's: not found. Cancelling b.
    expect((await call('op2', 'DELETE', `/api/scheduled/${b.id}`)).statusCode).toBe(404)
    expect((await call('op1', 'DELETE', `/api/scheduled/${b.id}`)).json().scheduled.state).toBe('cancelled')
    expect((await call('op1', 'DELETE', `/api/scheduled/${b.id}`)).json().error.code).toBe('E_SCHEDULED_GONE')
    await dueNow(a.id)
    await dueNow(b.id)
    await app.jobs.drain()
    expect(await operatorTexts(chatId)).toEqual(['Первое, исправленное'])
    const [row] = await f.db.orm.select().from(scheduledMessages).where(eq(scheduledMessages.id, a.id))
    expect(row).toMatchObject({ state: 'sent', text: 'Первое, исправленное' })
    // Listed no more; editing a sent one is refused.
    expect(
      ((await call('op1', 'GET', `/api/chats/${chatId}/scheduled`)).json() as ScheduledListResponse)
        .scheduled,
    ).toEqual([])
    expect((await call('op1', 'PATCH', `/api/scheduled/${a.id}`, { text: 'x' })).json().error.code).toBe(
      'E_SCHEDULED_GONE',
    )
    // It left through the channel: its delivery job is queued like any operator message's.
    const msgs = ((await call('op1', 'GET', `/api/chats/${chatId}/messages`)).json() as MessagesResponse)
      .messages
    const sent = msgs.find((m) => m.text === 'Первое, исправленное')
    expect(await jobByKey(f.db.orm, DELIVER_JOB, sent!.id)).toBeTruthy()
    // At least once: the job run again sends nothing more.
    const { runScheduled } = await import('./index.ts')
    await runScheduled(f.db.orm, tenantId, a.id)
    expect(await operatorTexts(chatId)).toEqual(['Первое, исправленное'])
  })

  it('a message whose job a worker is running now can be neither edited nor cancelled (E_SCHEDULED_GONE): it goes as it was', async () => {
    const chatId = await myChat()
    const s = (
      await call('op1', 'POST', `/api/chats/${chatId}/scheduled`, { text: 'Уже уходит', sendAt: inAMinute() })
    ).json().scheduled as ScheduledView
    // A worker's claim, as the runner makes it.
    await f.db.orm
      .update(schema.jobs)
      .set({ state: 'running', attempts: 1, lockedUntil: new Date(Date.now() + 60_000) })
      .where(and(eq(schema.jobs.kind, SCHEDULED_JOB), eq(schema.jobs.key, s.id)))
    const edit = await call('op1', 'PATCH', `/api/scheduled/${s.id}`, { text: 'Иначе' })
    expect(edit.statusCode).toBe(409)
    expect(edit.json().error.code).toBe('E_SCHEDULED_GONE')
    const cancel = await call('op1', 'DELETE', `/api/scheduled/${s.id}`)
    expect(cancel.json().error.code).toBe('E_SCHEDULED_GONE')
    const { runScheduled } = await import('./index.ts')
    await runScheduled(f.db.orm, tenantId, s.id)
    expect(await operatorTexts(chatId)).toEqual(['Уже уходит'])
  })

  it('a chat completed before the time: the message fails, nothing is sent', async () => {
    const chatId = await myChat()
    const s = (
      await call('op1', 'POST', `/api/chats/${chatId}/scheduled`, { text: 'Не уйдёт', sendAt: inAMinute() })
    ).json().scheduled as ScheduledView
    expect((await call('op1', 'POST', `/api/chats/${chatId}/complete`)).statusCode).toBe(200)
    await dueNow(s.id)
    await app.jobs.drain()
    expect(await operatorTexts(chatId)).toEqual([])
    const evs = await f.db.orm
      .select()
      .from(schema.events)
      .where(eq(schema.events.type, 'scheduled.updated'))
      // In seq order: without ORDER BY, PostgreSQL may hand rows back in any order (and did, in a loaded CI run).
      .orderBy(schema.events.seq)
    const last = evs
      .map((e) => (e.payload as { scheduled: ScheduledView }).scheduled)
      .filter((x) => x.id === s.id)
      .pop()
    expect(last?.state).toBe('failed')
  })

  it('goes out on time after a server restart between scheduling and the due time', async () => {
    const chatId = await myChat()
    const s = (
      await call('op1', 'POST', `/api/chats/${chatId}/scheduled`, {
        text: 'После перезапуска',
        sendAt: new Date(Date.now() + 1500).toISOString(),
      })
    ).json().scheduled as ScheduledView
    await app.close()
    app = await f.buildAnother({ jobOptions: { backoffMs: () => 0, pollMs: 50 } })
    await app.ready()
    // The new instance's worker wakes for the due job by itself (its timer is armed from the table).
    for (let i = 0; i < 100 && !(await operatorTexts(chatId)).length; i++)
      await new Promise((r) => setTimeout(r, 100))
    expect(await operatorTexts(chatId)).toEqual(['После перезапуска'])
    expect((await jobByKey(f.db.orm, SCHEDULED_JOB, s.id))?.state).toBe('done')
  })
})

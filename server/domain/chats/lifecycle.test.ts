/** SPEC T8 (idle completion, closing text) and T9 (resume, the conflict) on the domain. */
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Db, jobByKey, schema } from '../../db/index.ts'
import { RetryAt } from '../../jobs/index.ts'
import { type TestDb, targets } from '../../test/dbs.ts'
import { setStatus } from '../status/index.ts'
import { seedDemo } from '../tenants/index.ts'
import {
  AUTO_COMPLETE_JOB,
  acceptChat,
  completeChat,
  DELIVER_JOB,
  idleVerdict,
  listChats,
  receiveInbound,
  sendOperatorMessage,
  setAutoComplete,
  setChatSettings,
  type Viewer,
} from './index.ts'

const { channels, chats, employees, messages, tenants } = schema

describe.each(targets)('chat completion and resumption on $name', (target) => {
  let t: TestDb
  let db: Db
  let tenantId: string
  let channelId: string
  let op1: Viewer
  let op2: Viewer
  let admin: Viewer

  const inbound = (address: string, text = 'Здравствуйте', name = 'Мария Петрова') =>
    receiveInbound(db.orm, tenantId, {
      channelId,
      clientAddress: address,
      providerMsgId: randomUUID(),
      clientName: name,
      clientPhone: '+79161234567',
      text,
    })
  const row = async (id: string) => (await db.orm.select().from(chats).where(eq(chats.id, id)))[0]!

  beforeAll(async () => {
    t = await target.open()
    db = t.db
    await seedDemo(db, { password: 'demo-pass-1' })
    const [tenant] = await db.orm.select().from(tenants).where(eq(tenants.slug, 'demo'))
    tenantId = tenant!.id
    const v = async (login: string) => {
      const [e] = await db.orm.select().from(employees).where(eq(employees.login, login))
      return { tenantId, employeeId: e!.id, role: e!.role } as Viewer
    }
    op1 = await v('op1@demo')
    op2 = await v('op2@demo')
    const [a] = await db.orm
      .select()
      .from(employees)
      .where(and(eq(employees.tenantId, tenantId), eq(employees.role, 'admin')))
    admin = { tenantId, employeeId: a!.id, role: 'admin' }
    await setStatus(db, tenantId, op1.employeeId, 'available')
    await setStatus(db, tenantId, op2.employeeId, 'available')
    const [c] = await db.orm
      .insert(channels)
      .values({ tenantId, kind: 'whatsapp', name: 'WA', connected: true })
      .returning()
    channelId = c!.id
  })
  afterAll(() => t?.dispose())

  it("T8 idle: each message re-arms the chat's timer; when due it completes the chat as its assignee", async () => {
    await setAutoComplete(db.orm, admin, channelId, 15)
    const { chat } = await inbound(`wa:${randomUUID()}`)
    // New: no timer (the client waits for an operator).
    expect(await jobByKey(db.orm, AUTO_COMPLETE_JOB, chat.id)).toBeNull()
    await acceptChat(db.orm, op1, chat.id)
    const armed = await jobByKey(db.orm, AUTO_COMPLETE_JOB, chat.id)
    expect(armed?.state).toBe('queued')
    await sendOperatorMessage(db.orm, op1, chat.id, { clientMsgId: randomUUID(), text: 'Добрый день' })
    const rearmed = await jobByKey(db.orm, AUTO_COMPLETE_JOB, chat.id)
    const last = (await row(chat.id)).lastMessageAt!.getTime()
    expect(rearmed!.runAt.getTime()).toBe(last + 15 * 60_000)
    // Run early (someone wrote since it was armed): it waits until the new deadline.
    await expect(idleVerdict(db.orm, tenantId, chat.id, new Date(last + 60_000))).rejects.toBeInstanceOf(
      RetryAt,
    )
    const verdict = await idleVerdict(db.orm, tenantId, chat.id, new Date(last + 15 * 60_000))
    expect(verdict?.complete.employeeId).toBe(op1.employeeId)
    // The completion re-checks under the lock: a message in between keeps it open.
    const kept = await completeChat(db.orm, verdict!.complete, chat.id, { ifIdleMs: 60 * 60_000 })
    expect(kept.state).toBe('active')
    const done = await completeChat(db.orm, verdict!.complete, chat.id, { ifIdleMs: 0 })
    expect(done).toMatchObject({ state: 'completed', completedById: op1.employeeId })
    expect(await idleVerdict(db.orm, tenantId, chat.id)).toBeNull()
  })

  it('T8 closing text: sent to a messenger client as a message that leaves through the delivery job', async () => {
    await setChatSettings(db.orm, admin, { transferTimeoutSec: 30, closingText: 'Спасибо за обращение!' })
    const { chat } = await inbound(`wa:${randomUUID()}`)
    await acceptChat(db.orm, op1, chat.id)
    await completeChat(db.orm, op1, chat.id)
    const all = await db.orm.select().from(messages).where(eq(messages.chatId, chat.id)).orderBy(messages.n)
    const closing = all.find((m) => m.text === 'Спасибо за обращение!')
    expect(closing?.author).toBe('operator')
    expect(all.at(-1)?.text).toBe('chat.completed')
    expect((await jobByKey(db.orm, DELIVER_JOB, closing!.id))?.state).toBe('queued')
    await setChatSettings(db.orm, admin, { transferTimeoutSec: 30, closingText: '' })
  })

  it('T9 search in Completed is server-side by name, phone or e-mail, and paged', async () => {
    const { chat } = await inbound(`wa:${randomUUID()}`, 'hi', 'Зинаида Уникальная')
    await acceptChat(db.orm, op1, chat.id)
    await completeChat(db.orm, op1, chat.id)
    const found = await listChats(db.orm, op1, 'completed', undefined, 'уникальн')
    expect(found.chats.map((c) => c.id)).toEqual([chat.id])
    expect((await listChats(db.orm, op1, 'completed', undefined, '9161234567')).chats.length).toBeGreaterThan(
      0,
    )
  })

  it('T9 an operator writes in a completed chat → In work, his; webchat cannot be resumed', async () => {
    const { chat } = await inbound(`wa:${randomUUID()}`)
    await acceptChat(db.orm, op1, chat.id)
    await completeChat(db.orm, op1, chat.id)
    const sent = await sendOperatorMessage(db.orm, op1, chat.id, {
      clientMsgId: randomUUID(),
      text: 'Вернёмся к вопросу',
    })
    expect(sent.chat).toMatchObject({ state: 'active', assigneeId: op1.employeeId, completedAt: null })
    expect((await listChats(db.orm, op1, 'active')).chats.map((c) => c.id)).toContain(chat.id)
  })

  it('T9 conflict: the client already has another open chat → E_CHAT_CONFLICT with its id, nothing stored', async () => {
    const address = `wa:${randomUUID()}`
    const { chat: old } = await inbound(address)
    await acceptChat(db.orm, op1, old.id)
    await completeChat(db.orm, op1, old.id)
    // The client writes again: a new chat in New.
    const { chat: fresh } = await inbound(address, 'ещё вопрос')
    expect(fresh.id).not.toBe(old.id)
    const before = (await row(old.id)).messageCount
    const err = await sendOperatorMessage(db.orm, op1, old.id, {
      clientMsgId: randomUUID(),
      text: 'ответ',
    }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'E_CHAT_CONFLICT', details: [fresh.id] })
    expect(await row(old.id)).toMatchObject({ state: 'completed', messageCount: before })
  })
})

import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { and, asc, eq, gt } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../db/index.ts'
import { schema } from '../../db/index.ts'
import { FileStore } from '../../files/index.ts'
import { type TestDb, targets } from '../../test/dbs.ts'
import { setStatus } from '../status/index.ts'
import { seedDemo } from '../tenants/index.ts'
import {
  acceptChat,
  addClientMessage,
  CHAT_TRANSITIONS,
  clientMessages,
  completeChat,
  fileForVisitor,
  getChat,
  listChats,
  markClientRead,
  markDelivered,
  markOperatorRead,
  messagesOf,
  nextState,
  openChat,
  openClientChat,
  sendOperatorMessage,
  storeFile,
  type Viewer,
} from './index.ts'

const { employees, events, groups, tenants } = schema

describe('chat state table', () => {
  it('new → active → completed; completed is final; nothing goes back to new', () => {
    expect(nextState('new', 'accept')).toBe('active')
    expect(nextState('active', 'complete')).toBe('completed')
    expect(nextState('new', 'complete')).toBe('completed')
    expect(nextState('active', 'accept')).toBeNull()
    expect(nextState('completed', 'accept')).toBeNull()
    expect(nextState('completed', 'complete')).toBeNull()
    // Only a release (his operator deactivated, probe 13 #13) leads back to New.
    expect(nextState('active', 'release')).toBe('new')
    expect(
      Object.values(CHAT_TRANSITIONS).flatMap((t) =>
        Object.entries(t)
          .filter(([e]) => e !== 'release')
          .map(([, s]) => s),
      ),
    ).not.toContain('new')
  })
})

describe.each(targets)('chats on $name', (target) => {
  let t: TestDb
  let db: Db
  let tenantId: string
  const who: Record<string, Viewer> = {}
  let sales = ''
  let support = ''

  beforeAll(async () => {
    t = await target.open()
    db = t.db
    await seedDemo(db, { password: 'demo-pass-1' })
    const [tenant] = await db.orm.select().from(tenants).where(eq(tenants.slug, 'demo'))
    tenantId = tenant!.id
    for (const e of await db.orm.select().from(employees).where(eq(employees.tenantId, tenantId)))
      who[e.login.split('@')[0] as string] = { tenantId, employeeId: e.id, role: e.role }
    const gs = await db.orm.select().from(groups).where(eq(groups.tenantId, tenantId))
    sales = gs.find((g) => g.name === 'Sales')!.id
    support = gs.find((g) => g.name === 'Support')!.id
    for (const op of ['op1', 'op2', 'op3', 'op4'])
      await setStatus(db, tenantId, who[op]!.employeeId, 'available')
  })
  afterAll(() => t?.dispose())

  const me = (login: string) => who[login] as Viewer
  /** A visitor's New chat with one message. */
  async function newChat(text = 'Здравствуйте') {
    const visitorId = randomUUID()
    const chat = await openClientChat(db.orm, tenantId, {
      channel: 'webchat',
      visitorId,
      clientName: 'Гость',
    })
    const r = await addClientMessage(db.orm, tenantId, {
      chatId: chat.id,
      clientMsgId: randomUUID(),
      text,
      visitorId,
    })
    return { chat: r.chat, visitorId, first: r.message }
  }
  const eventsAfter = (seq: number) =>
    db.orm
      .select()
      .from(events)
      .where(and(eq(events.tenantId, tenantId), gt(events.seq, seq)))
      .orderBy(asc(events.seq))
  const lastSeq = async () => {
    const all = await db.orm.select({ seq: events.seq }).from(events).where(eq(events.tenantId, tenantId))
    return Math.max(0, ...all.map((e) => e.seq))
  }

  it('a visitor opens a chat: New with the channel distribution, one open chat per visitor, announced to its groups', async () => {
    const seq = await lastSeq()
    const { chat, visitorId, first } = await newChat()
    expect(chat).toMatchObject({ state: 'new', channel: 'webchat', messageCount: 1, clientName: 'Гость' })
    expect(new Set(chat.groupIds)).toEqual(new Set([sales, support]))
    expect(chat.waitingSince).toBe(first.at)
    const again = await openClientChat(db.orm, tenantId, { channel: 'webchat', visitorId })
    expect(again.id).toBe(chat.id)
    const evs = await eventsAfter(seq)
    // The first message announces the chat it changed itself: one event per message, not two.
    expect(evs.map((e) => e.type)).toEqual(['chat.updated', 'chat.message'])
    expect(evs[1]?.payload).toMatchObject({
      message: { id: first.id },
      chat: { id: chat.id, messageCount: 1 },
    })
    for (const e of evs) expect(new Set(e.audience?.groupIds)).toEqual(new Set([sales, support]))
    expect(evs.every((e) => e.audience?.staff)).toBe(true)
  })

  it('New lists it for the distribution (oldest wait first), not for an operator of another group', async () => {
    const a = await newChat('first')
    const b = await newChat('second')
    const list = await listChats(db.orm, me('op1'), 'new')
    const ids = list.chats.map((c) => c.id)
    expect(ids.indexOf(a.chat.id)).toBeLessThan(ids.indexOf(b.chat.id))
    expect(list.counts.new).toBeGreaterThanOrEqual(2)
    // A chat of Sales only: op4 (Support) does not see it, and cannot open it.
    await db.orm
      .update(schema.chats)
      .set({ groupIds: [sales] })
      .where(eq(schema.chats.id, b.chat.id))
    const op4 = await listChats(db.orm, me('op4'), 'new')
    expect(op4.chats.map((c) => c.id)).not.toContain(b.chat.id)
    await expect(getChat(db.orm, me('op4'), b.chat.id)).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    await expect(acceptChat(db.orm, me('op4'), b.chat.id)).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    expect((await getChat(db.orm, me('supervisor'), b.chat.id)).id).toBe(b.chat.id)
  })

  it('race: two operators accept at once → exactly one wins, the other gets E_CHAT_TAKEN with the winner', async () => {
    for (let round = 0; round < 5; round++) {
      const { chat } = await newChat()
      const results = await Promise.allSettled([
        acceptChat(db.orm, me('op1'), chat.id),
        acceptChat(db.orm, me('op2'), chat.id),
      ])
      const won = results.filter((r) => r.status === 'fulfilled')
      const lost = results.filter((r) => r.status === 'rejected')
      expect(won).toHaveLength(1)
      expect(lost).toHaveLength(1)
      const winner = (won[0] as PromiseFulfilledResult<{ assigneeId: string; assigneeName: string }>).value
      expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({
        code: 'E_CHAT_TAKEN',
        details: [winner.assigneeName],
      })
      const row = await getChat(db.orm, me('supervisor'), chat.id)
      expect(row).toMatchObject({ state: 'active', assigneeId: winner.assigneeId })
    }
  })

  it('accepting: the accepted chat leaves New (event to the groups and the assignee); accepting again is a no-op', async () => {
    const { chat } = await newChat()
    const seq = await lastSeq()
    const taken = await acceptChat(db.orm, me('op1'), chat.id)
    expect(taken).toMatchObject({ state: 'active', assigneeId: me('op1').employeeId })
    const [ev] = await eventsAfter(seq)
    expect(ev?.type).toBe('chat.updated')
    expect(ev?.audience?.employeeIds).toContain(me('op1').employeeId)
    expect(ev?.audience?.groupIds).toContain(sales)
    expect((await acceptChat(db.orm, me('op1'), chat.id)).id).toBe(chat.id)
    expect(await eventsAfter(seq)).toHaveLength(1)
    expect((await listChats(db.orm, me('op2'), 'new')).chats.map((c) => c.id)).not.toContain(chat.id)
    expect((await listChats(db.orm, me('op1'), 'active')).chats.map((c) => c.id)).toContain(chat.id)
  })

  it('S1/S5: Off work cannot take a chat, Break can', async () => {
    const { chat } = await newChat()
    await setStatus(db, tenantId, me('op2').employeeId, 'off_work')
    await expect(acceptChat(db.orm, me('op2'), chat.id)).rejects.toMatchObject({ code: 'E_STATUS_FORBIDS' })
    await setStatus(db, tenantId, me('op2').employeeId, 'break')
    expect((await acceptChat(db.orm, me('op2'), chat.id)).assigneeId).toBe(me('op2').employeeId)
    await setStatus(db, tenantId, me('op2').employeeId, 'available')
  })

  it('S1/S5: New is empty (count 0, newAllowed false) for a status that does not allow chats', async () => {
    const { chat } = await newChat()
    await setStatus(db, tenantId, me('op2').employeeId, 'off_work')
    const off = await listChats(db.orm, me('op2'), 'new')
    expect(off.chats).toHaveLength(0)
    expect(off.counts.new).toBe(0)
    expect(off.newAllowed).toBe(false)
    await setStatus(db, tenantId, me('op2').employeeId, 'available')
    const on = await listChats(db.orm, me('op2'), 'new')
    expect(on.chats.map((c) => c.id)).toContain(chat.id)
    expect(on.counts.new).toBeGreaterThan(0)
    expect(on.newAllowed).toBe(true)
  })

  it('T3: with the Accept button off, opening a New chat takes it; with it on, opening only reads', async () => {
    const { chat } = await newChat()
    expect((await openChat(db.orm, me('op1'), chat.id)).state).toBe('new')
    // op3 has the button off in the demo seed.
    expect(await openChat(db.orm, me('op3'), chat.id)).toMatchObject({
      state: 'active',
      assigneeId: me('op3').employeeId,
    })
  })

  it('race: the same clientMsgId twice at once → one message, same id and n for both', async () => {
    const { chat, visitorId } = await newChat()
    const clientMsgId = randomUUID()
    const [a, b] = await Promise.all([
      addClientMessage(db.orm, tenantId, { chatId: chat.id, clientMsgId, text: 'дубль', visitorId }),
      addClientMessage(db.orm, tenantId, { chatId: chat.id, clientMsgId, text: 'дубль', visitorId }),
    ])
    expect(a.message.id).toBe(b.message.id)
    expect(a.message.n).toBe(b.message.n)
    expect([a.created, b.created].sort()).toEqual([false, true])
    const all = await clientMessages(db.orm, tenantId, chat.id, { limit: 50 })
    expect(all.filter((m) => m.clientMsgId === clientMsgId)).toHaveLength(1)
    // And the operator's side: one reply for two sends of one id.
    await acceptChat(db.orm, me('op1'), chat.id)
    const id = randomUUID()
    const [x, y] = await Promise.all([
      sendOperatorMessage(db.orm, me('op1'), chat.id, { clientMsgId: id, text: 'ответ' }),
      sendOperatorMessage(db.orm, me('op1'), chat.id, { clientMsgId: id, text: 'ответ' }),
    ])
    expect(x.message.id).toBe(y.message.id)
    expect(
      (await messagesOf(db.orm, me('op1'), chat.id)).messages.filter((m) => m.clientMsgId === id),
    ).toHaveLength(1)
  })

  it('messages are numbered gap-free under concurrent writers', async () => {
    const { chat, visitorId } = await newChat()
    await acceptChat(db.orm, me('op1'), chat.id)
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2
          ? addClientMessage(db.orm, tenantId, {
              chatId: chat.id,
              clientMsgId: randomUUID(),
              text: `c${i}`,
              visitorId,
            })
          : sendOperatorMessage(db.orm, me('op1'), chat.id, { clientMsgId: randomUUID(), text: `o${i}` }),
      ),
    )
    const page = await messagesOf(db.orm, me('op1'), chat.id)
    expect(page.messages.map((m) => m.n)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1))
    expect(page.more).toBe(false)
  })

  it('race: accept vs complete → one consistent end (completed), accept either won first or got E_CHAT_CLOSED', async () => {
    for (let round = 0; round < 4; round++) {
      const { chat } = await newChat()
      const [acc, done] = await Promise.allSettled([
        acceptChat(db.orm, me('op1'), chat.id),
        completeChat(db.orm, me('supervisor'), chat.id),
      ])
      expect(done.status).toBe('fulfilled')
      if (acc.status === 'rejected') expect(acc.reason).toMatchObject({ code: 'E_CHAT_CLOSED' })
      const end = await getChat(db.orm, me('supervisor'), chat.id)
      expect(end.state).toBe('completed')
      expect(end.assigneeId).toBe(acc.status === 'fulfilled' ? me('op1').employeeId : null)
      // Exactly one "completed" system message.
      const msgs = await clientMessages(db.orm, tenantId, chat.id, { limit: 50 })
      expect(msgs.filter((m) => m.kind === 'system')).toHaveLength(1)
    }
  })

  it('only the assignee writes; completing adds the system message; then E_CHAT_CLOSED; the client writing again opens a new chat', async () => {
    const { chat, visitorId } = await newChat()
    await expect(
      sendOperatorMessage(db.orm, me('op1'), chat.id, { clientMsgId: randomUUID(), text: 'x' }),
    ).rejects.toMatchObject({ code: 'E_FORBIDDEN' })
    await acceptChat(db.orm, me('op1'), chat.id)
    await expect(
      sendOperatorMessage(db.orm, me('op2'), chat.id, { clientMsgId: randomUUID(), text: 'x' }),
    ).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    await expect(completeChat(db.orm, me('op2'), chat.id)).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    const reply = await sendOperatorMessage(db.orm, me('op1'), chat.id, {
      clientMsgId: randomUUID(),
      text: 'Да?',
    })
    expect(reply.chat.waitingSince).toBeNull()
    expect(reply.chat.operatorReadN).toBe(2)
    const done = await completeChat(db.orm, me('op1'), chat.id)
    expect(done).toMatchObject({ state: 'completed', completedById: me('op1').employeeId })
    expect(done.lastMessage).toMatchObject({ author: 'system', kind: 'system', preview: 'chat.completed' })
    await expect(
      sendOperatorMessage(db.orm, me('op1'), chat.id, { clientMsgId: randomUUID(), text: 'x' }),
    ).rejects.toMatchObject({ code: 'E_CHAT_CLOSED' })
    expect((await listChats(db.orm, me('op1'), 'completed')).chats.map((c) => c.id)).toContain(chat.id)
    const again = await addClientMessage(db.orm, tenantId, {
      chatId: chat.id,
      clientMsgId: randomUUID(),
      text: 'ещё вопрос',
      visitorId,
    })
    expect(again.chat.id).not.toBe(chat.id)
    expect(again.chat).toMatchObject({ state: 'new', visitorId, messageCount: 1 })
  })

  it('read and delivery markers move forward only; delivered is one event per message', async () => {
    const { chat, visitorId } = await newChat()
    await acceptChat(db.orm, me('op1'), chat.id)
    await sendOperatorMessage(db.orm, me('op1'), chat.id, { clientMsgId: randomUUID(), text: 'a' })
    await sendOperatorMessage(db.orm, me('op1'), chat.id, { clientMsgId: randomUUID(), text: 'b' })
    await addClientMessage(db.orm, tenantId, {
      chatId: chat.id,
      clientMsgId: randomUUID(),
      text: 'c',
      visitorId,
    })
    const seq = await lastSeq()
    const delivered = await markDelivered(db.orm, tenantId, chat.id, 3, visitorId)
    expect(delivered.map((m) => [m.n, m.delivery])).toEqual([
      [2, 'delivered'],
      [3, 'delivered'],
    ])
    expect((await eventsAfter(seq)).map((e) => e.type)).toEqual(['message.updated', 'message.updated'])
    expect(await markDelivered(db.orm, tenantId, chat.id, 3, visitorId)).toEqual([])
    const read = await markClientRead(db.orm, tenantId, chat.id, 99, visitorId)
    expect(read.clientReadN).toBe(4)
    expect((await markClientRead(db.orm, tenantId, chat.id, 1, visitorId)).clientReadN).toBe(4)
    expect((await markOperatorRead(db.orm, me('op1'), chat.id, 99)).operatorReadN).toBe(4)
    const list = await listChats(db.orm, me('op1'), 'active')
    expect(list.chats.find((c) => c.id === chat.id)?.operatorReadN).toBe(4)
    // Another visitor's id: not found.
    await expect(markClientRead(db.orm, tenantId, chat.id, 1, randomUUID())).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    })
  })

  it("T4: a visitor's voice message (stored with its length) is a voice message; his other files are files; an .exe as .jpg is refused", async () => {
    const store = new FileStore(fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-chat-files-')))
    const { chat, visitorId } = await newChat()
    const webm = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), Buffer.alloc(100, 1)])
    const voice = await storeFile(db.orm, store, {
      tenantId,
      name: 'voice',
      kind: 'voice',
      durationMs: 2500,
      body: Readable.from([webm]),
      uploadedBy: { visitorId },
    })
    expect(voice).toMatchObject({ type: 'audio/webm', durationMs: 2500 })
    const pdf = await storeFile(db.orm, store, {
      tenantId,
      name: '../договор.pdf',
      kind: 'file',
      body: Readable.from([Buffer.from('%PDF-1.7\n…')]),
      uploadedBy: { visitorId },
    })
    expect(pdf).toMatchObject({ name: 'договор.pdf', type: 'application/pdf', durationMs: null })
    await expect(
      storeFile(db.orm, store, {
        tenantId,
        name: 'photo.jpg',
        kind: 'file',
        body: Readable.from([Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff])]),
        uploadedBy: { visitorId },
      }),
    ).rejects.toMatchObject({ code: 'E_FILE_TYPE' })
    const kinds = []
    for (const f of [voice, pdf]) {
      const r = await addClientMessage(db.orm, tenantId, {
        chatId: chat.id,
        clientMsgId: randomUUID(),
        text: '',
        fileId: f.id,
        visitorId,
      })
      kinds.push([r.message.kind, r.message.file?.id])
    }
    expect(kinds).toEqual([
      ['voice', voice.id],
      ['file', pdf.id],
    ])
    expect(await fileForVisitor(db.orm, tenantId, voice.id, visitorId)).not.toBeNull()
    expect(await fileForVisitor(db.orm, tenantId, voice.id, randomUUID())).toBeNull()
    fs.rmSync(store.root, { recursive: true, force: true })
  })

  it("another tenant's chat id is not found", async () => {
    const { chat } = await newChat()
    const other: Viewer = { tenantId: randomUUID(), employeeId: randomUUID(), role: 'admin' }
    await expect(getChat(db.orm, other, chat.id)).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    await expect(acceptChat(db.orm, other, chat.id)).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    await expect(
      addClientMessage(db.orm, other.tenantId, { chatId: chat.id, clientMsgId: randomUUID(), text: 'x' }),
    ).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
  })
})

/**
 * Probe 13 #13: deactivating an operator returns his open chats to New for the others (state new, no
 * assignee, `chat.updated` to the distribution) and ends his transfer offers, in the deactivation's
 * transaction; the client's next message then lands in a New chat the distribution sees (and is pushed).
 */
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Db, eventsSince, jobByKey, lastSeq, schema } from '../../db/index.ts'
import { planOf } from '../../push/targets.ts'
import { type TestDb, targets } from '../../test/dbs.ts'
import {
  acceptChat,
  acceptTransfer,
  listChats,
  receiveInbound,
  TRANSFER_HANDOVER_JOB,
  transferChat,
  transfersByIds,
  type Viewer,
} from '../chats/index.ts'
import { setStatus } from '../status/index.ts'
import { seedDemo } from '../tenants/index.ts'
import { deactivateEmployee } from './index.ts'

const { channels, chats, employees, groups, sipRegistrations, tenants } = schema

describe.each(targets)('deactivation hands back his chats on $name', (target) => {
  let t: TestDb
  let db: Db
  let tenantId: string
  let channelId: string
  let sales = ''
  const who: Record<string, Viewer & { extension: string }> = {}
  const id = (login: string) => who[login]!.employeeId

  /** A client writes on the Telegram channel and `login` takes the chat. */
  async function activeChat(login: string, clientAddress = `tg:${randomUUID()}`) {
    const { chat } = await receiveInbound(db.orm, tenantId, {
      channelId,
      clientAddress,
      providerMsgId: randomUUID(),
      clientName: 'Иван',
      text: 'Здравствуйте',
    })
    await acceptChat(db.orm, who[login]!, chat.id)
    return chat.id
  }
  const chatRow = async (chatId: string) =>
    (await db.orm.select().from(chats).where(eq(chats.id, chatId)))[0]!
  const transferRow = async (offerId: string) => (await transfersByIds(db.orm, tenantId, [offerId]))[0]!
  const admin = () => ({ tenantId, employeeId: id('admin@demo') })

  beforeAll(async () => {
    t = await target.open()
    db = t.db
    await seedDemo(db, { password: 'demo-pass-1' })
    const [tenant] = await db.orm.select().from(tenants).where(eq(tenants.slug, 'demo'))
    tenantId = tenant!.id
    for (const e of await db.orm.select().from(employees).where(eq(employees.tenantId, tenantId)))
      who[e.login] = { tenantId, employeeId: e.id, role: e.role, extension: e.extension }
    for (const g of await db.orm.select().from(groups).where(eq(groups.tenantId, tenantId)))
      if (g.name === 'Sales') sales = g.id
    const [c] = await db.orm
      .insert(channels)
      .values({ tenantId, kind: 'telegram_bot', name: 'Bot', connected: true })
      .returning()
    channelId = c!.id
  })
  afterAll(() => t?.dispose())

  beforeEach(async () => {
    for (const login of ['op1@demo', 'op2@demo', 'op3@demo', 'op4@demo', 'op5@demo', 'op6@demo']) {
      await setStatus(db, tenantId, id(login), 'available')
      await db.orm
        .insert(sipRegistrations)
        .values({
          tenantId,
          username: who[login]!.extension,
          contacts: 1,
          expiresAt: new Date(Date.now() + 3600_000),
        })
        .onConflictDoUpdate({
          target: [sipRegistrations.tenantId, sipRegistrations.username],
          set: { contacts: 1 },
        })
    }
  })

  it("his accepted chat is in New for the others, the client's next message shows there; offers from and to him end", async () => {
    const address = `tg:${randomUUID()}`
    const mine = await activeChat('op1@demo', address)
    // An offer from him, one to him alone, one to a group he is in, one he accepted (not handed over).
    const fromHim = await activeChat('op1@demo')
    const offerFrom = (
      await transferChat(db.orm, who['op1@demo']!, fromHim, {
        toKind: 'employee',
        toId: id('op4@demo'),
        comment: '',
        confirm: true,
      })
    ).offer
    const toHimChat = await activeChat('op5@demo')
    const offerTo = (
      await transferChat(db.orm, who['op5@demo']!, toHimChat, {
        toKind: 'employee',
        toId: id('op1@demo'),
        comment: '',
        confirm: true,
      })
    ).offer
    const toGroupChat = await activeChat('op6@demo')
    const offerGroup = (
      await transferChat(db.orm, who['op6@demo']!, toGroupChat, {
        toKind: 'group',
        toId: sales,
        comment: '',
        confirm: true,
      })
    ).offer
    expect(offerGroup.offeredTo).toContain(id('op1@demo'))
    const acceptedChat = await activeChat('op4@demo')
    const offerAccepted = (
      await transferChat(db.orm, who['op4@demo']!, acceptedChat, {
        toKind: 'employee',
        toId: id('op1@demo'),
        comment: '',
        confirm: true,
      })
    ).offer
    await acceptTransfer(db.orm, who['op1@demo']!, offerAccepted.id)

    const seq = await lastSeq(db.orm, tenantId)
    await deactivateEmployee(db, admin(), id('op1@demo'))

    // His chats: New, nobody's, in the others' New list (not in anyone's Active).
    for (const c of [mine, fromHim])
      expect(await chatRow(c)).toMatchObject({ state: 'new', assigneeId: null, transfer: null })
    const newOf = async (login: string) =>
      (await listChats(db.orm, who[login]!, 'new')).chats.map((c) => c.id)
    expect(await newOf('op2@demo')).toEqual(expect.arrayContaining([mine, fromHim]))
    expect((await listChats(db.orm, who['admin@demo']!, 'active')).chats.map((c) => c.id)).not.toContain(mine)
    const evs = await eventsSince(db.orm, tenantId, seq, 500)
    const updated = evs.filter((e) => e.type === 'chat.updated' && e.payload.chat.id === mine)
    expect(updated.at(-1)).toMatchObject({ payload: { chat: { state: 'new', assigneeId: null } } })

    // The offers: from him and to him alone cancelled; the group's open without him; the accepted one
    // stays with its sender (no handover to a deactivated employee).
    expect(await transferRow(offerFrom.id)).toMatchObject({ state: 'cancelled', reason: 'unavailable' })
    expect(await transferRow(offerTo.id)).toMatchObject({ state: 'cancelled', reason: 'unavailable' })
    expect((await chatRow(toHimChat)).assigneeId).toBe(id('op5@demo'))
    const group = await transferRow(offerGroup.id)
    expect(group.state).toBe('offered')
    expect(group.offeredTo).not.toContain(id('op1@demo'))
    expect((await jobByKey(db.orm, TRANSFER_HANDOVER_JOB, offerAccepted.id))?.state).toBe('cancelled')
    expect(await chatRow(acceptedChat)).toMatchObject({ state: 'active', assigneeId: id('op4@demo') })
    expect((await chatRow(acceptedChat)).transfer).toMatchObject({ state: 'failed', reason: 'unavailable' })

    // The client writes again: the same chat, still New, its message the last one the others see,
    // and the event is one that pushes to the distribution.
    const again = await receiveInbound(db.orm, tenantId, {
      channelId,
      clientAddress: address,
      providerMsgId: randomUUID(),
      text: 'hello?? anyone',
    })
    expect(again.chat.id).toBe(mine)
    const listed = (await listChats(db.orm, who['op3@demo']!, 'new')).chats.find((c) => c.id === mine)
    expect(listed?.lastMessage?.preview).toBe('hello?? anyone')
    const last = (await eventsSince(db.orm, tenantId, seq, 500)).filter(
      (e) => e.type === 'chat.message' && e.payload.message.text === 'hello?? anyone',
    )
    expect(last).toHaveLength(1)
    expect(planOf(last[0]!)?.plan).toMatchObject({ kind: 'chat' })
    // Another operator takes it.
    expect((await acceptChat(db.orm, who['op2@demo']!, mine)).assigneeId).toBe(id('op2@demo'))
  })
})

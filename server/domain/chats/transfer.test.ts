/** SPEC T7: the transfer offer's state machine and its named races; bad input leaves the state unchanged. */
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { type Db, jobByKey, schema } from '../../db/index.ts'
import { type TestDb, targets } from '../../test/dbs.ts'
import { setStatus } from '../status/index.ts'
import { seedDemo } from '../tenants/index.ts'
import {
  acceptChat,
  acceptTransfer,
  chatTransferTargets,
  completeChat,
  declineTransfer,
  expireTransfer,
  getChat,
  handOverTransfer,
  isFinal,
  listChats,
  myOffers,
  nextTransferState,
  openChat,
  receiveInbound,
  setChatSettings,
  TRANSFER_EXPIRE_JOB,
  TRANSFER_HANDOVER_JOB,
  TRANSFER_TRANSITIONS,
  transferChat,
  transfersByIds,
  type Viewer,
  withdrawUnavailable,
} from './index.ts'

const { channels, employees, events, groups, sipRegistrations, tenants } = schema

describe('transfer offer state table', () => {
  it('offered → accepted | declined | expired | cancelled; every other state is final', () => {
    expect(nextTransferState('offered', 'accept')).toBe('accepted')
    expect(nextTransferState('offered', 'decline')).toBe('declined')
    expect(nextTransferState('offered', 'expire')).toBe('expired')
    expect(nextTransferState('offered', 'cancel')).toBe('cancelled')
    for (const s of ['accepted', 'declined', 'expired', 'cancelled'] as const) {
      expect(isFinal(s)).toBe(true)
      for (const e of ['accept', 'decline', 'expire', 'cancel'] as const)
        expect(nextTransferState(s, e)).toBeNull()
    }
    expect(Object.values(TRANSFER_TRANSITIONS).flatMap((t) => Object.values(t))).not.toContain('offered')
  })
})

describe.each(targets)('chat transfer on $name', (target) => {
  let t: TestDb
  let db: Db
  let tenantId: string
  let channelId: string
  const who: Record<string, Viewer & { extension: string }> = {}
  let sales = ''
  let support = ''
  let otherTenantOp = ''

  /** The app's line of an employee: live (online) or gone (offline / logged out). */
  async function line(login: string, live: boolean) {
    const e = who[login]!
    await db.orm
      .insert(sipRegistrations)
      .values({
        tenantId,
        username: e.extension,
        contacts: live ? 1 : 0,
        expiresAt: new Date(Date.now() + 3600_000),
      })
      .onConflictDoUpdate({
        target: [sipRegistrations.tenantId, sipRegistrations.username],
        set: { contacts: live ? 1 : 0 },
      })
  }

  /** A client writes on the Telegram channel and `login` takes the chat. */
  async function activeChat(login = 'op1@demo') {
    const { chat } = await receiveInbound(db.orm, tenantId, {
      channelId,
      clientAddress: `tg:${randomUUID()}`,
      providerMsgId: randomUUID(),
      clientName: 'Иван',
      text: 'Здравствуйте',
    })
    await acceptChat(db.orm, who[login]!, chat.id)
    return chat.id
  }

  const chatRow = async (id: string) =>
    (await db.orm.select().from(schema.chats).where(eq(schema.chats.id, id)))[0]!
  const transferRow = async (id: string) => (await transfersByIds(db.orm, tenantId, [id]))[0]!

  beforeAll(async () => {
    t = await target.open()
    db = t.db
    await seedDemo(db, { password: 'demo-pass-1' })
    const [tenant] = await db.orm.select().from(tenants).where(eq(tenants.slug, 'demo'))
    tenantId = tenant!.id
    for (const e of await db.orm.select().from(employees).where(eq(employees.tenantId, tenantId)))
      who[e.login] = { tenantId, employeeId: e.id, role: e.role, extension: e.extension }
    for (const g of await db.orm.select().from(groups).where(eq(groups.tenantId, tenantId))) {
      if (g.name === 'Sales') sales = g.id
      if (g.name === 'Support') support = g.id
    }
    const [c] = await db.orm
      .insert(channels)
      .values({ tenantId, kind: 'telegram_bot', name: 'Bot', connected: true })
      .returning()
    channelId = c!.id
    const [other] = await db.orm
      .insert(tenants)
      .values({
        name: 'Other',
        slug: 'other',
        sipDomain: 'other.example',
        seats: 5,
        features: tenant!.features,
        statusMatrix: tenant!.statusMatrix,
      })
      .returning()
    const [oe] = await db.orm
      .insert(employees)
      .values({
        tenantId: other!.id,
        login: 'x@other',
        passwordHash: 'x',
        name: 'X',
        role: 'operator',
        extension: '101',
        status: 'available',
      })
      .returning()
    otherTenantOp = oe!.id
  })
  afterAll(() => t?.dispose())

  beforeEach(async () => {
    for (const login of ['op1@demo', 'op2@demo', 'op3@demo', 'op4@demo', 'op5@demo', 'op6@demo']) {
      await setStatus(db, tenantId, who[login]!.employeeId, 'available')
      await line(login, true)
    }
    await setChatSettings(db.orm, who['admin@demo'] ?? Object.values(who).find((w) => w.role === 'admin')!, {
      transferTimeoutSec: 30,
      closingText: '',
    })
  })

  it('the picker: online colleagues whose status allows chats are choosable; a group shows available / total', async () => {
    await setStatus(db, tenantId, who['op2@demo']!.employeeId, 'off_work')
    await line('op3@demo', false)
    const list = await chatTransferTargets(db.orm, who['op1@demo']!)
    const emp = (login: string) => list.find((x) => x.id === who[login]!.employeeId)
    expect(list.some((x) => x.id === who['op1@demo']!.employeeId)).toBe(false)
    expect(emp('op2@demo')).toMatchObject({ selectable: false, reason: 'status' })
    expect(emp('op3@demo')).toMatchObject({ selectable: false, reason: 'offline' })
    expect(emp('op4@demo')).toMatchObject({ selectable: true, reason: null })
    // Sales = op1 (the sender), op2 (Off work), op3 (offline): none available.
    expect(list.find((x) => x.id === sales)).toMatchObject({ selectable: false, available: 0, total: 3 })
    expect(list.find((x) => x.id === support)).toMatchObject({ selectable: true, available: 3, total: 3 })
  })

  it('offer → accept: "Transferred" on the sender\'s row, the chat moves when the 5 s job runs', async () => {
    const chatId = await activeChat()
    const { offer, chat } = await transferChat(db.orm, who['op1@demo']!, chatId, {
      toKind: 'employee',
      toId: who['op2@demo']!.employeeId,
      comment: 'VIP, wants a discount',
      confirm: true,
    })
    expect(offer).toMatchObject({
      state: 'offered',
      comment: 'VIP, wants a discount',
      offeredTo: [who['op2@demo']!.employeeId],
    })
    expect(offer.lastMessages.map((m) => m.text)).toContain('Здравствуйте')
    expect(chat.transfer).toMatchObject({ state: 'offered', toName: offer.toName, deadline: offer.deadline })
    expect((await jobByKey(db.orm, TRANSFER_EXPIRE_JOB, offer.id))?.runAt.toISOString()).toBe(offer.deadline)
    expect((await myOffers(db.orm, who['op2@demo']!)).map((o) => o.id)).toContain(offer.id)
    // The sender keeps chatting meanwhile (he still holds it).
    expect((await chatRow(chatId)).assigneeId).toBe(who['op1@demo']!.employeeId)

    const accepted = await acceptTransfer(db.orm, who['op2@demo']!, offer.id)
    expect(accepted.state).toBe('accepted')
    expect((await getChat(db.orm, who['op1@demo']!, chatId)).transfer?.state).toBe('accepted')
    expect((await jobByKey(db.orm, TRANSFER_EXPIRE_JOB, offer.id))?.state).toBe('cancelled')
    const handover = await jobByKey(db.orm, TRANSFER_HANDOVER_JOB, offer.id)
    expect(handover?.state).toBe('queued')
    expect(handover!.runAt.getTime() - new Date(accepted.deadline).getTime()).toBeLessThan(30_000)
    await handOverTransfer(db.orm, tenantId, offer.id)
    const moved = await chatRow(chatId)
    expect(moved.assigneeId).toBe(who['op2@demo']!.employeeId)
    expect(moved.transfer).toBeNull()
    const mine = (login: string) => listChats(db.orm, who[login]!, 'active')
    expect((await mine('op1@demo')).chats.map((c) => c.id)).not.toContain(chatId)
    expect((await mine('op2@demo')).chats.map((c) => c.id)).toContain(chatId)
    // A repeated run (at least once) changes nothing.
    await handOverTransfer(db.orm, tenantId, offer.id)
    expect((await chatRow(chatId)).assigneeId).toBe(who['op2@demo']!.employeeId)
  })

  it('decline → "Transfer failed" on the sender\'s row until he opens the chat', async () => {
    const chatId = await activeChat()
    const { offer } = await transferChat(db.orm, who['op1@demo']!, chatId, {
      toKind: 'employee',
      toId: who['op2@demo']!.employeeId,
      comment: '',
      confirm: true,
    })
    expect((await declineTransfer(db.orm, who['op2@demo']!, offer.id)).state).toBe('declined')
    expect((await chatRow(chatId)).transfer).toMatchObject({ state: 'failed', reason: 'declined' })
    expect((await chatRow(chatId)).assigneeId).toBe(who['op1@demo']!.employeeId)
    await openChat(db.orm, who['op1@demo']!, chatId)
    expect((await chatRow(chatId)).transfer).toBeNull()
  })

  it('race: accept at 29.9 s wins over the expiry; an accept at 30 s loses to it', async () => {
    const chatId = await activeChat()
    const { offer } = await transferChat(db.orm, who['op1@demo']!, chatId, {
      toKind: 'employee',
      toId: who['op2@demo']!.employeeId,
      comment: '',
      confirm: true,
    })
    const deadline = new Date(offer.deadline).getTime()
    // The expiry job claimed early by a skewed clock does nothing.
    expect(await expireTransfer(db.orm, tenantId, offer.id, new Date(deadline - 100))).toBe('not_due')
    const [accept, expire] = await Promise.allSettled([
      acceptTransfer(db.orm, who['op2@demo']!, offer.id, new Date(deadline - 100)),
      expireTransfer(db.orm, tenantId, offer.id, new Date(deadline)),
    ])
    // Whichever locked first, the accept before the deadline stands: the expiry finds it over.
    expect(accept.status === 'rejected' ? String(accept.reason) : accept.status).toBe('fulfilled')
    expect(expire.status === 'fulfilled' && ['over', 'not_due'].includes(expire.value)).toBe(true)
    expect((await transferRow(offer.id)).state).toBe('accepted')

    const chat2 = await activeChat()
    const late = await transferChat(db.orm, who['op1@demo']!, chat2, {
      toKind: 'employee',
      toId: who['op2@demo']!.employeeId,
      comment: '',
      confirm: true,
    })
    await expect(
      acceptTransfer(
        db.orm,
        who['op2@demo']!,
        late.offer.id,
        new Date(new Date(late.offer.deadline).getTime()),
      ),
    ).rejects.toMatchObject({ code: 'E_TRANSFER_CLOSED' })
    expect(await transferRow(late.offer.id)).toMatchObject({ state: 'expired', reason: 'expired' })
    expect((await chatRow(chat2)).transfer).toMatchObject({ state: 'failed', reason: 'expired' })
    expect(await expireTransfer(db.orm, tenantId, late.offer.id)).toBe('over')
  })

  it('race: the sender completes the chat while the offer is open → cancelled; a later accept is refused', async () => {
    const chatId = await activeChat()
    const { offer } = await transferChat(db.orm, who['op1@demo']!, chatId, {
      toKind: 'employee',
      toId: who['op2@demo']!.employeeId,
      comment: '',
      confirm: true,
    })
    const [done, accepted] = await Promise.allSettled([
      completeChat(db.orm, who['op1@demo']!, chatId),
      acceptTransfer(db.orm, who['op2@demo']!, offer.id),
    ])
    expect(done.status).toBe('fulfilled')
    const row = await transferRow(offer.id)
    if (accepted.status === 'fulfilled') {
      // The accept locked first: the completion came after it; the handover then finds the chat closed.
      expect(row.state).toBe('accepted')
      await handOverTransfer(db.orm, tenantId, offer.id)
      expect((await chatRow(chatId)).assigneeId).toBe(who['op1@demo']!.employeeId)
    } else {
      expect(accepted.reason).toMatchObject({ code: 'E_TRANSFER_CLOSED' })
      expect(row).toMatchObject({ state: 'cancelled', reason: 'completed' })
      expect((await jobByKey(db.orm, TRANSFER_EXPIRE_JOB, offer.id))?.state).toBe('cancelled')
    }
    expect(await chatRow(chatId)).toMatchObject({ state: 'completed', transfer: null })
  })

  it('race: the target goes Off work while offered → cancelled ("Transfer failed"); logging out likewise', async () => {
    const chatId = await activeChat()
    const { offer } = await transferChat(db.orm, who['op1@demo']!, chatId, {
      toKind: 'employee',
      toId: who['op2@demo']!.employeeId,
      comment: '',
      confirm: true,
    })
    await setStatus(db, tenantId, who['op2@demo']!.employeeId, 'off_work')
    // Status back on before the listener ran: he may still take it, nothing is withdrawn.
    expect(await withdrawUnavailable(db.orm, tenantId, who['op3@demo']!.employeeId)).toBe(0)
    expect(await withdrawUnavailable(db.orm, tenantId, who['op2@demo']!.employeeId)).toBe(1)
    expect(await transferRow(offer.id)).toMatchObject({ state: 'cancelled', reason: 'unavailable' })
    expect((await chatRow(chatId)).transfer).toMatchObject({ state: 'failed', reason: 'unavailable' })

    const chat2 = await activeChat()
    const g = await transferChat(db.orm, who['op1@demo']!, chat2, {
      toKind: 'group',
      toId: support,
      comment: '',
      confirm: true,
    })
    expect(g.offer.offeredTo).toHaveLength(3)
    // One member logs out (his line goes): the offer stays open for the others.
    await line('op4@demo', false)
    expect(await withdrawUnavailable(db.orm, tenantId, who['op4@demo']!.employeeId)).toBe(1)
    const row = await transferRow(g.offer.id)
    expect(row.state).toBe('offered')
    expect(row.offeredTo).not.toContain(who['op4@demo']!.employeeId)
    await expect(acceptTransfer(db.orm, who['op4@demo']!, g.offer.id)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    })
  })

  it('race: two members of a group accept at once → one wins, the other gets E_TRANSFER_CLOSED', async () => {
    const chatId = await activeChat()
    const { offer } = await transferChat(db.orm, who['op1@demo']!, chatId, {
      toKind: 'group',
      toId: support,
      comment: 'for support',
      confirm: true,
    })
    const results = await Promise.allSettled([
      acceptTransfer(db.orm, who['op5@demo']!, offer.id),
      acceptTransfer(db.orm, who['op6@demo']!, offer.id),
    ])
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r) => r.status === 'rejected')
    expect(won).toHaveLength(1)
    expect(lost).toHaveLength(1)
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'E_TRANSFER_CLOSED' })
    const row = await transferRow(offer.id)
    expect(row.state).toBe('accepted')
    await handOverTransfer(db.orm, tenantId, offer.id)
    expect((await chatRow(chatId)).assigneeId).toBe(row.decidedBy)
  })

  it('a group offer is declined only when every member offered has declined', async () => {
    const chatId = await activeChat()
    const { offer } = await transferChat(db.orm, who['op1@demo']!, chatId, {
      toKind: 'group',
      toId: support,
      comment: '',
      confirm: true,
    })
    await declineTransfer(db.orm, who['op4@demo']!, offer.id)
    await declineTransfer(db.orm, who['op5@demo']!, offer.id)
    expect((await transferRow(offer.id)).state).toBe('offered')
    expect((await myOffers(db.orm, who['op4@demo']!)).map((o) => o.id)).not.toContain(offer.id)
    await expect(acceptTransfer(db.orm, who['op4@demo']!, offer.id)).rejects.toMatchObject({
      code: 'E_TRANSFER_CLOSED',
    })
    await declineTransfer(db.orm, who['op6@demo']!, offer.id)
    expect((await transferRow(offer.id)).state).toBe('declined')
  })

  it('without confirmation: handed over at once', async () => {
    const chatId = await activeChat()
    const { offer, chat } = await transferChat(db.orm, who['op1@demo']!, chatId, {
      toKind: 'employee',
      toId: who['op3@demo']!.employeeId,
      comment: 'yours',
      confirm: false,
    })
    expect(offer.state).toBe('accepted')
    expect(chat.assigneeId).toBe(who['op3@demo']!.employeeId)
    expect(chat.transfer).toBeNull()
  })

  it("bad input: another tenant's target, oneself, a chat not his, a second transfer, an accept by someone not offered → coded 4xx, state unchanged", async () => {
    const chatId = await activeChat()
    const op1 = who['op1@demo']!
    const body = (toId: string, toKind: 'employee' | 'group' = 'employee') => ({
      toKind,
      toId,
      comment: '',
      confirm: true,
    })
    const count = async () =>
      (await db.orm.select().from(schema.chatTransfers).where(eq(schema.chatTransfers.chatId, chatId))).length
    const evCount = async () =>
      (await db.orm.select().from(events).where(eq(events.tenantId, tenantId))).length
    const before = await evCount()
    await expect(transferChat(db.orm, op1, chatId, body(otherTenantOp))).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    })
    await expect(transferChat(db.orm, op1, chatId, body(randomUUID(), 'group'))).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    })
    await expect(transferChat(db.orm, op1, chatId, body(op1.employeeId))).rejects.toMatchObject({
      code: 'E_TRANSFER_TARGET',
    })
    await setStatus(db, tenantId, who['op3@demo']!.employeeId, 'off_work')
    const afterStatus = await evCount()
    await expect(transferChat(db.orm, op1, chatId, body(who['op3@demo']!.employeeId))).rejects.toMatchObject({
      code: 'E_TRANSFER_TARGET',
    })
    // op2 does not hold the chat (he cannot see it either: an active chat of op1's).
    await expect(
      transferChat(db.orm, who['op2@demo']!, chatId, body(who['op4@demo']!.employeeId)),
    ).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    expect(await count()).toBe(0)
    expect(await evCount()).toBe(afterStatus)
    expect(afterStatus).toBe(before + 1)
    const { offer } = await transferChat(db.orm, op1, chatId, body(who['op2@demo']!.employeeId))
    await expect(transferChat(db.orm, op1, chatId, body(who['op4@demo']!.employeeId))).rejects.toMatchObject({
      code: 'E_TRANSFER_OPEN',
    })
    await expect(acceptTransfer(db.orm, who['op4@demo']!, offer.id)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    })
    await expect(declineTransfer(db.orm, who['op4@demo']!, offer.id)).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    })
    await expect(acceptTransfer(db.orm, op1, offer.id)).rejects.toMatchObject({ code: 'E_NOT_FOUND' })
    expect(await count()).toBe(1)
    expect((await transferRow(offer.id)).state).toBe('offered')
    // Two transfers of one chat at once: one is made, the other refused.
    const chat2 = await activeChat()
    const two = await Promise.allSettled([
      transferChat(db.orm, op1, chat2, body(who['op2@demo']!.employeeId)),
      transferChat(db.orm, op1, chat2, body(who['op4@demo']!.employeeId)),
    ])
    expect(two.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect((two.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toMatchObject({
      code: 'E_TRANSFER_OPEN',
    })
    expect(
      (
        await db.orm
          .select()
          .from(schema.chatTransfers)
          .where(and(eq(schema.chatTransfers.chatId, chat2)))
      ).length,
    ).toBe(1)
  })

  it("the timeout is the tenant's setting", async () => {
    const admin = Object.values(who).find((w) => w.role === 'admin')!
    await setChatSettings(db.orm, admin, { transferTimeoutSec: 2, closingText: '' })
    const chatId = await activeChat()
    const { offer } = await transferChat(db.orm, who['op1@demo']!, chatId, {
      toKind: 'employee',
      toId: who['op2@demo']!.employeeId,
      comment: '',
      confirm: true,
    })
    expect(new Date(offer.deadline).getTime() - new Date(offer.createdAt).getTime()).toBe(2000)
    await expect(
      setChatSettings(db.orm, who['op1@demo']!, { transferTimeoutSec: 5, closingText: '' }),
    ).rejects.toMatchObject({
      code: 'E_FORBIDDEN',
    })
  })
})

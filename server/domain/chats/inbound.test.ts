/** External channels' shared base (issue 8): inbound stored once, one open chat per client, delivery jobs, receipts. */
import { randomUUID } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Db, jobByKey, schema } from '../../db/index.ts'
import { type TestDb, targets } from '../../test/dbs.ts'
import { setStatus } from '../status/index.ts'
import { seedDemo } from '../tenants/index.ts'
import {
  acceptChat,
  completeChat,
  DELIVER_JOB,
  deliverable,
  receiveInbound,
  recordDelivery,
  sendOperatorMessage,
  type Viewer,
} from './index.ts'

const { channels, employees, events, tenants } = schema

describe.each(targets)('inbound from external channels on $name', (target) => {
  let t: TestDb
  let db: Db
  let tenantId: string
  let op1: Viewer
  let channelId: string
  let offChannel: string

  beforeAll(async () => {
    t = await target.open()
    db = t.db
    await seedDemo(db, { password: 'demo-pass-1' })
    const [tenant] = await db.orm.select().from(tenants).where(eq(tenants.slug, 'demo'))
    tenantId = tenant!.id
    const [e] = await db.orm.select().from(employees).where(eq(employees.login, 'op1@demo'))
    op1 = { tenantId, employeeId: e!.id, role: e!.role }
    await setStatus(db, tenantId, op1.employeeId, 'available')
    const [c] = await db.orm
      .insert(channels)
      .values({ tenantId, kind: 'telegram_bot', name: 'Bot', connected: true })
      .returning()
    channelId = c!.id
    const [off] = await db.orm
      .insert(channels)
      .values({ tenantId, kind: 'viber', name: 'Viber', connected: false })
      .returning()
    offChannel = off!.id
  })
  afterAll(() => t?.dispose())

  const msg = (address: string, id = randomUUID(), text = 'Привет') => ({
    channelId,
    clientAddress: address,
    providerMsgId: id,
    clientName: 'Иван',
    text,
  })

  it('a provider delivering the same message twice (even at once) stores it once, with one event', async () => {
    const address = `tg:${randomUUID()}`
    const m = msg(address)
    const [a, b] = await Promise.all([
      receiveInbound(db.orm, tenantId, m),
      receiveInbound(db.orm, tenantId, m),
    ])
    expect(a.message.id).toBe(b.message.id)
    expect([a.created, b.created].sort()).toEqual([false, true])
    const c = await receiveInbound(db.orm, tenantId, m)
    expect(c.created).toBe(false)
    const evs = await db.orm.select().from(events).where(eq(events.type, 'chat.message'))
    expect(
      evs.filter((e) => (e.payload as { message: { id: string } }).message.id === a.message.id),
    ).toHaveLength(1)
  })

  it('two first messages of one client at once open one chat; another client gets another', async () => {
    const address = `tg:${randomUUID()}`
    const [a, b] = await Promise.all([
      receiveInbound(db.orm, tenantId, msg(address)),
      receiveInbound(db.orm, tenantId, msg(address)),
    ])
    expect(a.chat.id).toBe(b.chat.id)
    const other = await receiveInbound(db.orm, tenantId, msg(`tg:${randomUUID()}`))
    expect(other.chat.id).not.toBe(a.chat.id)
    expect(a.chat.state).toBe('new')
    expect(a.chat.channel).toBe('telegram_bot')
  })

  it('a channel that is off, unknown, or another tenant’s takes nothing in', async () => {
    await expect(
      receiveInbound(db.orm, tenantId, { ...msg('x'), channelId: offChannel }),
    ).rejects.toMatchObject({
      code: 'E_CHANNEL_OFF',
    })
    await expect(
      receiveInbound(db.orm, tenantId, { ...msg('x'), channelId: randomUUID() }),
    ).rejects.toMatchObject({
      code: 'E_CHANNEL_OFF',
    })
    await expect(receiveInbound(db.orm, randomUUID(), msg('x'))).rejects.toMatchObject({
      code: 'E_CHANNEL_OFF',
    })
  })

  it('after the chat is completed the client’s next message opens a new chat', async () => {
    const address = `tg:${randomUUID()}`
    const first = await receiveInbound(db.orm, tenantId, msg(address))
    await acceptChat(db.orm, op1, first.chat.id)
    await completeChat(db.orm, op1, first.chat.id)
    const next = await receiveInbound(db.orm, tenantId, msg(address))
    expect(next.chat.id).not.toBe(first.chat.id)
    expect(next.chat.state).toBe('new')
  })

  it('an operator’s reply queues one delivery job in its own transaction; receipts only move forward', async () => {
    const address = `tg:${randomUUID()}`
    const first = await receiveInbound(db.orm, tenantId, msg(address))
    await acceptChat(db.orm, op1, first.chat.id)
    const reply = await sendOperatorMessage(db.orm, op1, first.chat.id, {
      clientMsgId: randomUUID(),
      text: 'Ответ',
    })
    const job = await jobByKey(db.orm, DELIVER_JOB, reply.message.id)
    expect(job?.payload).toEqual({ messageId: reply.message.id, chatId: first.chat.id })
    const d = await deliverable(db.orm, tenantId, reply.message.id)
    expect(d?.channel.id).toBe(channelId)
    expect(d?.chat.clientAddress).toBe(address)
    // The provider's id is recorded, then receipts arrive out of order and twice.
    expect(
      await recordDelivery(db.orm, tenantId, { messageId: reply.message.id }, { externalId: 'p-1' }),
    ).toBeNull()
    const read = await recordDelivery(db.orm, tenantId, { channelId, externalId: 'p-1' }, { state: 'read' })
    expect(read?.delivery).toBe('read')
    expect(
      await recordDelivery(db.orm, tenantId, { channelId, externalId: 'p-1' }, { state: 'delivered' }),
    ).toBeNull()
    // Another channel's receipt for the same provider id finds nothing.
    expect(
      await recordDelivery(
        db.orm,
        tenantId,
        { channelId: offChannel, externalId: 'p-1' },
        { state: 'failed' },
      ),
    ).toBeNull()
    const [row] = await db.orm
      .select()
      .from(schema.messages)
      .where(and(eq(schema.messages.tenantId, tenantId), eq(schema.messages.id, reply.message.id)))
    expect(row?.delivery).toBe('read')
    // A website chat's reply goes over the widget's sockets, not a job.
  })
})

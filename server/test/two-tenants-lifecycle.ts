/**
 * The chat lifecycle's rows for the tenant-isolation matrix (issue 9): a connected external channel,
 * everyone online and Available (a transfer needs a colleague who may take a chat), and two open
 * transfer offers to the admin (one for the accept route's positive control, one for decline's).
 */
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { schema } from '../db/index.ts'
import { acceptChat, receiveInbound, setChatSettings, transferChat } from '../domain/chats/index.ts'
import { setStatus } from '../domain/status/index.ts'
import type { Fixture } from './fixture.ts'

export interface LifecycleIds {
  channel: string[]
  /** The colleague the admin's positive control transfers to. */
  transferTarget: string[]
  offerToAccept: string[]
  offerToDecline: string[]
}

/** Seeds the rows above in `tenantId`; `adminId` gets the offers. */
export async function seedLifecycle(
  f: Fixture,
  tenantId: string,
  adminId: string,
  tag: string,
): Promise<LifecycleIds> {
  const { orm } = f.db
  const emps = await orm.select().from(schema.employees).where(eq(schema.employees.tenantId, tenantId))
  for (const e of emps) {
    await setStatus(f.db, tenantId, e.id, 'available')
    await orm
      .insert(schema.sipRegistrations)
      .values({
        tenantId,
        username: e.extension,
        contacts: 1,
        expiresAt: new Date(Date.now() + 24 * 3600_000),
      })
      .onConflictDoNothing()
  }
  const admin = { tenantId, employeeId: adminId, role: 'admin' as const }
  // The matrix runs for a minute: the offers must outlive it.
  await setChatSettings(orm, admin, { transferTimeoutSec: 600, closingText: '' })
  const [channel] = await orm
    .insert(schema.channels)
    .values({ tenantId, kind: 'telegram_bot', name: `Bot ${tag}`, connected: true })
    .returning()
  const colleague = emps.find((e) => e.id !== adminId)
  if (!channel || !colleague) throw new Error(`seedLifecycle ${tag}: no channel or colleague`)
  const from = { tenantId, employeeId: colleague.id, role: colleague.role }
  const offers: string[] = []
  for (let i = 0; i < 2; i++) {
    const { chat } = await receiveInbound(orm, tenantId, {
      channelId: channel.id,
      clientAddress: `tg:${tag}:${i}`,
      providerMsgId: randomUUID(),
      clientName: `Клиент-${tag}-${i}`,
      text: `вопрос ${tag}`,
    })
    await acceptChat(orm, from, chat.id)
    const { offer } = await transferChat(orm, from, chat.id, {
      toKind: 'employee',
      toId: adminId,
      comment: `передаю ${tag}`,
      confirm: true,
    })
    offers.push(offer.id)
  }
  return {
    channel: [channel.id],
    transferTarget: [colleague.id],
    offerToAccept: [offers[0] as string],
    offerToDecline: [offers[1] as string],
  }
}

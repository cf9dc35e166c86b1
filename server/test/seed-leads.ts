/** Rows of leads (T11) and scheduled messages (T12) for the isolation matrix: one of each per tenant. */
import { randomUUID } from 'node:crypto'
import { schema } from '../db/index.ts'
import { acceptChat, receiveInbound } from '../domain/chats/index.ts'
import { createLead } from '../domain/leads/index.ts'
import { scheduleMessage } from '../domain/scheduled/index.ts'
import type { Fixture } from './fixture.ts'

/** A lead, a Telegram chat the admin has in work, and a message he scheduled in it. */
export async function seedLeads(f: Fixture, tenantId: string, adminId: string, tag: string) {
  const { orm } = f.db
  const admin = { tenantId, employeeId: adminId, role: 'admin' as const }
  const lead = await createLead(orm, tenantId, { name: `Заявка ${tag}`, phone: '+79990001122' })
  const [ch] = await orm
    .insert(schema.channels)
    .values({ tenantId, kind: 'telegram_bot', name: `Бот ${tag}`, connected: true })
    .returning()
  if (!ch) throw new Error('channel insert returned nothing')
  const r = await receiveInbound(orm, tenantId, {
    channelId: ch.id,
    clientAddress: `tg:${tag}`,
    providerMsgId: randomUUID(),
    clientName: `Клиент бота ${tag}`,
    text: 'Здравствуйте',
  })
  await acceptChat(orm, admin, r.chat.id)
  const s = await scheduleMessage(orm, admin, r.chat.id, {
    text: 'Позже',
    sendAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
  })
  return { lead: [lead.id], scheduledChat: [r.chat.id], scheduled: [s.id] }
}

/**
 * A client's message from an external channel (e-mail, Telegram, the messenger and SMS gateways):
 * the adapter has checked the provider's signature and parsed its payload; here the message is
 * stored once and reaches the operators. Providers deliver at least once, so the provider's message
 * id makes it idempotent: a repeat returns the stored message (`created: false`, no event).
 *
 * What an operator writes in such a chat leaves through a durable job (`DELIVER_JOB`, enqueued in the
 * write's own transaction by rows.ts), which the channel's adapter runs; receipts come back here.
 */
import { createHash } from 'node:crypto'
import { and, eq, ne, sql } from 'drizzle-orm'
import type {
  ChatView,
  DeliveryFailReason,
  DeliveryState,
  MessageView,
  RequestInfo,
} from '../../../contract/chats.ts'
import { appendEvent, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { messageKindOf, ownFile } from './client.ts'
import { appendMessage, distributionOf, lockChat, messageByClientId, publish } from './rows.ts'
import { audienceOf, type ChatRow, chatViewById, messageViewsWhere } from './views.ts'

const { chats, channels, messages } = schema
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface InboundMessage {
  /** The connected channel it came through (its tenant is checked). */
  channelId: string
  /** The client's address on the channel: Telegram chat id, e-mail address, E.164 phone … */
  clientAddress: string
  /** The provider's id of this message (dedupe). */
  providerMsgId: string
  clientName?: string | null | undefined
  clientPhone?: string | null | undefined
  clientEmail?: string | null | undefined
  text: string
  /** A file already stored (server/files + `storeFile`) for this tenant. */
  fileId?: string | null | undefined
  /** T6, recorded on a new chat. */
  requestInfo?: RequestInfo | null | undefined
}

/** The message id an inbound provider message is stored under (fits `client_msg_id`'s 100 chars). */
export const inboundMsgId = (channelId: string, providerMsgId: string) =>
  `in:${createHash('sha256').update(`${channelId}\u0000${providerMsgId}`).digest('hex').slice(0, 48)}`

/**
 * The tenant's connected channel by id, or E_CHANNEL_OFF. `accepted`: the message was accepted (its
 * webhook answered 200) while the channel was connected — it is stored even if the channel has been
 * disconnected since (probe 15 F2: a queued message was lost when the admin disconnected meanwhile).
 */
async function connected(tx: Queryable, tenantId: string, channelId: string, accepted = false) {
  if (!UUID.test(channelId)) throw new AppError('E_CHANNEL_OFF')
  const [c] = await tx
    .select()
    .from(channels)
    .where(
      and(
        eq(channels.tenantId, tenantId),
        eq(channels.id, channelId),
        accepted ? undefined : eq(channels.connected, true),
      ),
    )
  if (!c) throw new AppError('E_CHANNEL_OFF')
  return c
}

/** The client's open chat on this channel, locked, or null. */
async function openChatAt(tx: Queryable, tenantId: string, channelId: string, address: string) {
  const [row] = await tx
    .select()
    .from(chats)
    .where(
      and(
        eq(chats.tenantId, tenantId),
        eq(chats.channelId, channelId),
        eq(chats.clientAddress, address),
        ne(chats.state, 'completed'),
      ),
    )
    .for('update')
  return row ?? null
}

/**
 * The client's open chat on the channel, or a new one in New with the channel's distribution
 * (config.groupIds). `created` says which; a racing first message lands in the one chat.
 */
export async function openChannelChat(
  tx: Queryable,
  tenantId: string,
  input: Omit<InboundMessage, 'providerMsgId' | 'text' | 'fileId'>,
  accepted = false,
): Promise<{ chat: ChatRow; created: boolean }> {
  const channel = await connected(tx, tenantId, input.channelId, accepted)
  const open = await openChatAt(tx, tenantId, channel.id, input.clientAddress)
  if (open) return { chat: open, created: false }
  const groupIds = await distributionOf(tx, tenantId, channel.config.groupIds)
  const [row] = await tx
    .insert(chats)
    .values({
      tenantId,
      channel: channel.kind as ChatRow['channel'],
      channelId: channel.id,
      clientAddress: input.clientAddress,
      state: 'new',
      groupIds,
      clientName: input.clientName ?? null,
      clientPhone: input.clientPhone ?? null,
      clientEmail: input.clientEmail ?? null,
      requestInfo: input.requestInfo ?? null,
    })
    .onConflictDoNothing({
      target: [chats.tenantId, chats.channelId, chats.clientAddress],
      where: sql`state <> 'completed' AND client_address IS NOT NULL AND channel_id IS NOT NULL`,
    })
    .returning()
  if (row) return { chat: row, created: true }
  const raced = await openChatAt(tx, tenantId, channel.id, input.clientAddress)
  if (!raced) throw new Error('open chat conflict without an open chat')
  return { chat: raced, created: false }
}

/**
 * Stores a client's message from an external channel (T1) in the client's open chat there, or a new
 * one in New (T2; after a completed chat the client's next message opens a new one, T9). Idempotent
 * by the provider's message id.
 */
export async function receiveInbound(
  q: Queryable,
  tenantId: string,
  m: InboundMessage,
  /** Accepted earlier while the channel was connected (the gateway's queue): stored even if it is off now. */
  accepted = false,
): Promise<{ message: MessageView; chat: ChatView; created: boolean }> {
  const clientMsgId = inboundMsgId(m.channelId, m.providerMsgId)
  return q.transaction(async (tx) => {
    const again = await messageByClientId(tx, tenantId, clientMsgId)
    if (again) return storedInbound(tx, tenantId, again.id, again.chatId)
    const { chat, created } = await openChannelChat(tx, tenantId, m, accepted)
    // Under the chat's lock: a concurrent delivery of the same message has committed or not started.
    const raced = await messageByClientId(tx, tenantId, clientMsgId)
    if (raced) return storedInbound(tx, tenantId, raced.id, raced.chatId)
    const file = m.fileId ? await ownFile(tx, tenantId, m.fileId) : null
    const added = await appendMessage(tx, chat, {
      clientMsgId,
      author: 'client',
      authorId: null,
      kind: messageKindOf(file),
      text: m.text,
      fileId: m.fileId,
      externalId: m.providerMsgId.slice(0, 300),
    })
    if (!added) {
      const again2 = await messageByClientId(tx, tenantId, clientMsgId)
      if (!again2) throw new Error('client id conflict without a message')
      return storedInbound(tx, tenantId, again2.id, again2.chatId)
    }
    const out = await publish(tx, created ? null : chat, added.chat, [added.message.id])
    return { message: out.messages[0] as MessageView, chat: out.chat, created: true }
  })
}

async function storedInbound(tx: Queryable, tenantId: string, messageId: string, chatId: string) {
  const [message] = await messageViewsWhere(
    tx,
    and(eq(messages.tenantId, tenantId), eq(messages.id, messageId)),
    [],
    1,
  )
  const chat = await chatViewById(tx, tenantId, chatId)
  if (!message || !chat) throw new Error('stored message vanished')
  return { message, chat, created: false }
}

/** What a channel's delivery job needs to send an operator's message. */
export interface Deliverable {
  message: MessageView
  chat: ChatRow
  channel: typeof channels.$inferSelect
  /** The message it replies to, with the provider's id of it when it has one (threading). */
  replyToExternalId: string | null
}

/** The message a delivery job is for, its chat and channel; null when any is gone (nothing to send). */
export async function deliverable(
  q: Queryable,
  tenantId: string,
  messageId: string,
): Promise<Deliverable | null> {
  if (!UUID.test(messageId)) return null
  const [message] = await messageViewsWhere(
    q,
    and(eq(messages.tenantId, tenantId), eq(messages.id, messageId)),
    [],
    1,
  )
  if (!message) return null
  const [chat] = await q
    .select()
    .from(chats)
    .where(and(eq(chats.tenantId, tenantId), eq(chats.id, message.chatId)))
  if (!chat?.channelId) return null
  const [channel] = await q
    .select()
    .from(channels)
    .where(and(eq(channels.tenantId, tenantId), eq(channels.id, chat.channelId)))
  if (!channel) return null
  let replyToExternalId: string | null = null
  if (message.replyToId) {
    const [r] = await q
      .select({ externalId: messages.externalId })
      .from(messages)
      .where(and(eq(messages.tenantId, tenantId), eq(messages.id, message.replyToId)))
    replyToExternalId = r?.externalId ?? null
  }
  return { message, chat, channel, replyToExternalId }
}

const RANK: Record<DeliveryState, number> = { sent: 0, delivered: 1, read: 2, failed: 3 }

/**
 * Records what the provider says of a message we sent: its id at the provider (once sent) and its
 * state. States only move forward (sent → delivered → read; failed is final), so receipts arriving out
 * of order or twice change nothing. One `message.updated` event when something changed.
 */
export async function recordDelivery(
  q: Queryable,
  tenantId: string,
  target: { messageId: string } | { channelId: string; externalId: string },
  update: {
    state?: DeliveryState
    externalId?: string
    failReason?: DeliveryFailReason
    failDetail?: string
  },
): Promise<MessageView | null> {
  return q.transaction(async (tx) => {
    let where = and(eq(messages.tenantId, tenantId), eq(messages.author, 'operator'))
    if ('messageId' in target) {
      if (!UUID.test(target.messageId)) return null
      where = and(where, eq(messages.id, target.messageId))
    } else {
      if (!UUID.test(target.channelId)) return null
      where = and(
        where,
        eq(messages.externalId, target.externalId),
        sql`${messages.chatId} IN (SELECT id FROM chats WHERE tenant_id = ${tenantId} AND channel_id = ${target.channelId})`,
      )
    }
    const [row] = await tx.select().from(messages).where(where).for('update').limit(1)
    if (!row) return null
    const set: {
      delivery?: DeliveryState
      externalId?: string
      failReason?: DeliveryFailReason
      failDetail?: string
    } = {}
    if (update.externalId && update.externalId !== row.externalId)
      set.externalId = update.externalId.slice(0, 300)
    if (update.state && row.delivery !== 'failed' && RANK[update.state] > RANK[row.delivery])
      set.delivery = update.state
    if (set.delivery === 'failed' && update.failReason) set.failReason = update.failReason
    if (set.failReason && update.failDetail) set.failDetail = [...update.failDetail].slice(0, 300).join('')
    if (!Object.keys(set).length) return null
    await tx
      .update(messages)
      .set(set)
      .where(and(eq(messages.tenantId, tenantId), eq(messages.id, row.id)))
    if (!set.delivery) return null
    const [message] = await messageViewsWhere(
      tx,
      and(eq(messages.tenantId, tenantId), eq(messages.id, row.id)),
      [],
      1,
    )
    const chat = await lockChat(tx, tenantId, row.chatId)
    if (!message || !chat) return null
    await appendEvent(tx, tenantId, 'message.updated', { message }, audienceOf(chat))
    return message
  })
}

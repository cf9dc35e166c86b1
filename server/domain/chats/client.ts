/**
 * The client's side of a chat (the website widget through server/channels, later other channels):
 * open the chat, write, mark delivered and read, read the history. The caller has authenticated the
 * visitor; passing `visitorId` makes these functions refuse (404) a chat of another visitor.
 */
import { and, asc, desc, eq, gt, inArray, lt, lte, ne, sql } from 'drizzle-orm'
import type { ChannelKind, ChatView, MessageView, RequestInfo } from '../../../contract/chats.ts'
import { appendEvent, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import {
  appendMessage,
  channelSettings,
  distributionOf,
  lockChat,
  messageByClientId,
  publish,
} from './rows.ts'
import { audienceOf, type ChatRow, chatViewById, messageViewsWhere } from './views.ts'

const { chats, messages } = schema

export interface OpenClientChat {
  channel: ChannelKind
  visitorId?: string | null | undefined
  clientName?: string | null | undefined
  clientEmail?: string | null | undefined
  clientPhone?: string | null | undefined
  requestInfo?: RequestInfo | null | undefined
}

/** The visitor's open chat (new or active) of this channel, locked; null when there is none. */
async function openChatOf(tx: Queryable, tenantId: string, channel: ChannelKind, visitorId: string) {
  const [row] = await tx
    .select()
    .from(chats)
    .where(
      and(
        eq(chats.tenantId, tenantId),
        eq(chats.channel, channel),
        eq(chats.visitorId, visitorId),
        ne(chats.state, 'completed'),
      ),
    )
    .for('update')
  return row ?? null
}

/**
 * Inserts a New chat with the channel's distribution, or (a visitor's second open chat racing in)
 * returns the one that won the unique index `chats_open_per_visitor`. E_CHANNEL_OFF when the tenant
 * has not connected the channel.
 */
async function createChat(
  tx: Queryable,
  tenantId: string,
  input: OpenClientChat,
): Promise<{ chat: ChatRow; created: boolean }> {
  const settings = await channelSettings(tx, tenantId, input.channel)
  if (!settings?.connected) throw new AppError('E_CHANNEL_OFF')
  const visitorId = input.visitorId ?? null
  const groupIds = await distributionOf(tx, tenantId, settings.groupIds)
  const [row] = await tx
    .insert(chats)
    .values({
      tenantId,
      channel: input.channel,
      state: 'new',
      groupIds,
      visitorId,
      clientName: input.clientName ?? null,
      clientPhone: input.clientPhone ?? null,
      clientEmail: input.clientEmail ?? null,
      requestInfo: input.requestInfo ?? null,
    })
    .onConflictDoNothing({
      target: [chats.tenantId, chats.channel, chats.visitorId],
      where: sql`state <> 'completed' AND visitor_id IS NOT NULL`,
    })
    .returning()
  if (row) return { chat: row, created: true }
  const open = visitorId ? await openChatOf(tx, tenantId, input.channel, visitorId) : null
  if (!open) throw new Error('open chat conflict without an open chat')
  return { chat: open, created: false }
}

/**
 * The client's open (new or active) chat of the channel, or a new one in New (T2) whose
 * distribution is the channel's groups. A new chat is announced (`chat.updated`) to them.
 */
export async function openClientChat(
  q: Queryable,
  tenantId: string,
  input: OpenClientChat,
): Promise<ChatView> {
  return q.transaction(async (tx) => {
    const open = input.visitorId ? await openChatOf(tx, tenantId, input.channel, input.visitorId) : null
    if (open) return (await chatViewById(tx, tenantId, open.id)) as ChatView
    const { chat, created } = await createChat(tx, tenantId, input)
    if (!created) return (await chatViewById(tx, tenantId, chat.id)) as ChatView
    return (await publish(tx, null, chat)).chat
  })
}

/** The tenant's chat of this visitor (when given), locked; E_NOT_FOUND otherwise. */
async function clientChat(tx: Queryable, tenantId: string, chatId: string, visitorId?: string | null) {
  const chat = await lockChat(tx, tenantId, chatId)
  if (!chat || (visitorId !== undefined && visitorId !== null && chat.visitorId !== visitorId))
    throw new AppError('E_NOT_FOUND')
  return chat
}

export interface AddClientMessage {
  chatId: string
  clientMsgId: string
  text: string
  replyToId?: string | null | undefined
  fileId?: string | null | undefined
  /** The authenticated visitor: the chat must be theirs. */
  visitorId?: string | null | undefined
}

/**
 * A client's message (T4, N3). Idempotent by `clientMsgId`: a retry gets the stored message back
 * (same id and n, `created: false`, no event). A message to a completed chat opens a new chat in New
 * (T9: "a client who writes again opens a new chat") and goes there; the answer carries that chat.
 */
export async function addClientMessage(
  q: Queryable,
  tenantId: string,
  input: AddClientMessage,
): Promise<{ message: MessageView; chat: ChatView; created: boolean }> {
  return q.transaction(async (tx) => {
    let chat = await clientChat(tx, tenantId, input.chatId, input.visitorId)
    // Under the chat's lock: a concurrent retry of the same message has committed or not started.
    const existing = await messageByClientId(tx, tenantId, input.clientMsgId)
    if (existing) return stored(tx, tenantId, chat, existing.id, existing.chatId)
    let before: ChatRow | null = chat
    if (chat.state === 'completed') {
      const next = await createChat(tx, tenantId, {
        channel: chat.channel,
        visitorId: chat.visitorId,
        clientName: chat.clientName,
        clientPhone: chat.clientPhone,
        clientEmail: chat.clientEmail,
        requestInfo: chat.requestInfo,
      })
      if (next.created) before = null
      chat = next.chat
    }
    const file = input.fileId ? await ownFile(tx, tenantId, input.fileId) : null
    const added = await appendMessage(tx, chat, {
      clientMsgId: input.clientMsgId,
      author: 'client',
      authorId: null,
      kind: messageKindOf(file),
      text: input.text,
      replyToId: input.replyToId,
      fileId: input.fileId,
    })
    if (!added) {
      const raced = await messageByClientId(tx, tenantId, input.clientMsgId)
      if (!raced) throw new Error('client id conflict without a message')
      return stored(tx, tenantId, chat, raced.id, raced.chatId)
    }
    const out = await publish(tx, before, added.chat, [added.message.id])
    return { message: out.messages[0] as MessageView, chat: out.chat, created: true }
  })
}

/** A retry's answer: the stored message and its chat, if it is this visitor's. */
async function stored(tx: Queryable, tenantId: string, chat: ChatRow, messageId: string, chatId: string) {
  const owner = chatId === chat.id ? chat : await lockChat(tx, tenantId, chatId)
  // The same client id in another visitor's chat is not a retry of this one.
  if (!owner || owner.visitorId !== chat.visitorId || owner.channel !== chat.channel)
    throw new AppError('E_VALIDATION', ['clientMsgId: already used'])
  const [message] = await messageViewsWhere(
    tx,
    and(eq(messages.tenantId, tenantId), eq(messages.id, messageId)),
    [],
    1,
  )
  const view = await chatViewById(tx, tenantId, owner.id)
  if (!message || !view) throw new Error('stored message vanished')
  // A client id belongs to its author: an operator's or system message's id is not his retry.
  if (message.author !== 'client') throw new AppError('E_VALIDATION', ['clientMsgId: already used'])
  return { message, chat: view, created: false }
}

/** A file row of the tenant (attached by the client or an operator), or E_VALIDATION. */
export async function ownFile(tx: Queryable, tenantId: string, fileId: string) {
  const [f] = await tx
    .select({ id: schema.files.id, durationMs: schema.files.durationMs })
    .from(schema.files)
    .where(and(eq(schema.files.tenantId, tenantId), eq(schema.files.id, fileId)))
  if (!f) throw new AppError('E_VALIDATION', ['fileId: no such file'])
  return f
}

/** A message's kind from its file: a voice message is a file stored with its length (storeFile kind voice). */
export const messageKindOf = (file: { durationMs: number | null } | null) =>
  file ? (file.durationMs !== null ? 'voice' : 'file') : 'text'

/**
 * The visitor read the chat up to message `upToN` (the widget open with it on screen): the chat's
 * clientReadN moves forward (never back, never past the last message) and operator messages up to it
 * become `read`. One `chat.updated` event; the app shows "read" from clientReadN.
 */
export async function markClientRead(
  q: Queryable,
  tenantId: string,
  chatId: string,
  upToN: number,
  visitorId?: string | null,
): Promise<ChatView> {
  return q.transaction(async (tx) => {
    const chat = await clientChat(tx, tenantId, chatId, visitorId)
    const n = Math.min(upToN, chat.messageCount)
    if (n <= chat.clientReadN) return (await chatViewById(tx, tenantId, chatId)) as ChatView
    await tx
      .update(messages)
      .set({ delivery: 'read' })
      .where(
        and(
          eq(messages.tenantId, tenantId),
          eq(messages.chatId, chatId),
          eq(messages.author, 'operator'),
          lte(messages.n, n),
          inArray(messages.delivery, ['sent', 'delivered']),
        ),
      )
    const [after] = await tx
      .update(chats)
      .set({ clientReadN: n })
      .where(and(eq(chats.tenantId, tenantId), eq(chats.id, chatId)))
      .returning()
    return (await publish(tx, chat, after as ChatRow)).chat
  })
}

/**
 * Operator messages up to `upToN` reached the client's side (the widget got them): `sent` ones
 * become `delivered`. Decision: one `message.updated` event per message that changed — the widget
 * acknowledges messages as they arrive, so a call changes one message in the usual case, and the
 * app's mirror updates each message the same way as any other change. Returns the changed messages.
 */
export async function markDelivered(
  q: Queryable,
  tenantId: string,
  chatId: string,
  upToN: number,
  visitorId?: string | null,
): Promise<MessageView[]> {
  return q.transaction(async (tx) => {
    const chat = await clientChat(tx, tenantId, chatId, visitorId)
    const changed = await tx
      .update(messages)
      .set({ delivery: 'delivered' })
      .where(
        and(
          eq(messages.tenantId, tenantId),
          eq(messages.chatId, chatId),
          eq(messages.author, 'operator'),
          lte(messages.n, upToN),
          eq(messages.delivery, 'sent'),
        ),
      )
      .returning({ id: messages.id })
    if (!changed.length) return []
    const views = await messageViewsWhere(
      tx,
      and(
        eq(messages.tenantId, tenantId),
        inArray(
          messages.id,
          changed.map((c) => c.id),
        ),
      ),
      [asc(messages.n)],
      changed.length,
    )
    const audience = audienceOf(chat)
    for (const message of views) await appendEvent(tx, tenantId, 'message.updated', { message }, audience)
    return views
  })
}

/**
 * A chat's messages for its client: after `afterN` (oldest first, catching up after a reconnect),
 * or before `beforeN` / the newest (a page, returned oldest first). At most `limit`.
 */
export async function clientMessages(
  q: Queryable,
  tenantId: string,
  chatId: string,
  opts: { afterN?: number; beforeN?: number; limit: number; visitorId?: string | null },
): Promise<MessageView[]> {
  const [chat] = await q
    .select({ visitorId: chats.visitorId })
    .from(chats)
    .where(and(eq(chats.tenantId, tenantId), eq(chats.id, chatId)))
  if (!chat || (opts.visitorId != null && chat.visitorId !== opts.visitorId))
    throw new AppError('E_NOT_FOUND')
  const limit = Math.max(1, Math.min(opts.limit, 500))
  const base = and(eq(messages.tenantId, tenantId), eq(messages.chatId, chatId))
  if (opts.afterN !== undefined)
    return messageViewsWhere(q, and(base, gt(messages.n, opts.afterN)), [asc(messages.n)], limit)
  const page = await messageViewsWhere(
    q,
    opts.beforeN !== undefined ? and(base, lt(messages.n, opts.beforeN)) : base,
    [desc(messages.n)],
    limit,
  )
  return page.reverse()
}

/**
 * The client gave (or changed) his name after the chat began — the widget's name field is optional
 * and may be filled at any time. The chat's viewers get `chat.updated` with it.
 */
export async function setClientName(
  q: Queryable,
  tenantId: string,
  chatId: string,
  name: string,
  visitorId?: string | null,
): Promise<ChatView> {
  return q.transaction(async (tx) => {
    const chat = await clientChat(tx, tenantId, chatId, visitorId)
    if (chat.clientName === name) return (await chatViewById(tx, tenantId, chatId)) as ChatView
    const [after] = await tx
      .update(chats)
      .set({ clientName: name })
      .where(and(eq(chats.tenantId, tenantId), eq(chats.id, chatId)))
      .returning()
    return (await publish(tx, chat, after as ChatRow)).chat
  })
}

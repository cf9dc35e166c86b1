/**
 * The writes every chat operation shares: the chat row's lock, appending a message with the next
 * gap-free `n` under it, and the events that end the transaction.
 */
import { and, eq, inArray } from 'drizzle-orm'
import type {
  ChannelKind,
  ChatView,
  MessageAuthor,
  MessageKind,
  MessageView,
} from '../../../contract/chats.ts'
import { appendEvent, enqueueJob, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { armAutoComplete } from './idle.ts'
import { audienceOf, type ChatRow, chatViewById, type MessageRow, messageViewsByIds } from './views.ts'

const { channels, chats, messages } = schema

/** The tenant's chat, locked until the transaction ends (messages get their `n` under this lock). */
export async function lockChat(tx: Queryable, tenantId: string, chatId: string): Promise<ChatRow | null> {
  const [row] = await tx
    .select()
    .from(chats)
    .where(and(eq(chats.tenantId, tenantId), eq(chats.id, chatId)))
    .for('update')
  return row ?? null
}

/** The tenant's message with this client id, or null. */
export async function messageByClientId(
  q: Queryable,
  tenantId: string,
  clientMsgId: string,
): Promise<MessageRow | null> {
  const [row] = await q
    .select()
    .from(messages)
    .where(and(eq(messages.tenantId, tenantId), eq(messages.clientMsgId, clientMsgId)))
  return row ?? null
}

/** The job kind that takes an operator's message out through its chat's external channel. */
export const DELIVER_JOB = 'channel.deliver'

export interface NewMessage {
  clientMsgId: string
  author: MessageAuthor
  authorId: string | null
  kind: MessageKind
  text: string
  replyToId?: string | null | undefined
  fileId?: string | null | undefined
  /** The provider's id of a message that came in through an external channel. */
  externalId?: string | null | undefined
}

/**
 * Appends a message to a chat locked by `lockChat` (its `n` = the count + 1) and moves the chat's
 * counters: a client message starts the wait (if not waiting already), an operator's ends it and
 * marks everything before it read by him. Null when the client id is already taken (a retry that
 * raced past the caller's look-up: the caller returns the stored message).
 */
export async function appendMessage(
  tx: Queryable,
  chat: ChatRow,
  m: NewMessage,
): Promise<{ message: MessageRow; chat: ChatRow } | null> {
  if (m.replyToId) {
    const [target] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(
        and(eq(messages.tenantId, chat.tenantId), eq(messages.chatId, chat.id), eq(messages.id, m.replyToId)),
      )
    if (!target) throw new AppError('E_VALIDATION', ['replyToId: no such message in this chat'])
  }
  const n = chat.messageCount + 1
  const at = new Date()
  const [message] = await tx
    .insert(messages)
    .values({
      tenantId: chat.tenantId,
      chatId: chat.id,
      n,
      clientMsgId: m.clientMsgId,
      author: m.author,
      authorId: m.authorId,
      kind: m.kind,
      text: m.text,
      replyToId: m.replyToId ?? null,
      fileId: m.fileId ?? null,
      externalId: m.externalId ?? null,
      at,
    })
    .onConflictDoNothing({ target: [messages.tenantId, messages.clientMsgId] })
    .returning()
  if (!message) return null
  const set: Partial<ChatRow> = { messageCount: n, lastMessageAt: at }
  if (m.author === 'client' && !chat.waitingSince) set.waitingSince = at
  if (m.author === 'operator') Object.assign(set, { waitingSince: null, operatorReadN: n })
  const [after] = await tx
    .update(chats)
    .set(set)
    .where(and(eq(chats.tenantId, chat.tenantId), eq(chats.id, chat.id)))
    .returning()
  if (!after) throw new Error('chat vanished under its lock')
  // An operator's message in a chat of an external channel leaves through a durable job that the
  // channel's adapter runs (server/channels/), queued in this transaction: it exists iff the message does.
  if (m.author === 'operator' && after.channelId)
    await enqueueJob(tx, {
      kind: DELIVER_JOB,
      key: message.id,
      tenantId: chat.tenantId,
      payload: { messageId: message.id, chatId: chat.id },
    })
  // T8: every message moves the chat's idle deadline.
  await armAutoComplete(tx, after)
  return { message, chat: after }
}

/**
 * Ends a write with its events, to the chat's viewers before and after: `chat.message` for each message
 * given, the last one carrying the chat as it is now; without messages, `chat.updated`. (One event per
 * message added, not two: each is a frame to every operator socket of the distribution.) Returns the
 * views as the events carry them.
 */
export async function publish(
  tx: Queryable,
  before: ChatRow | null,
  after: ChatRow,
  messageIds: string[] = [],
): Promise<{ chat: ChatView; messages: MessageView[] }> {
  const audience = audienceOf(before, after)
  const views = await messageViewsByIds(tx, after.tenantId, messageIds)
  const chat = await chatViewById(tx, after.tenantId, after.id)
  if (!chat) throw new Error('chat vanished in its own transaction')
  for (const [i, message] of views.entries()) {
    const payload = i === views.length - 1 ? { message, chat } : { message }
    await appendEvent(tx, after.tenantId, 'chat.message', payload, audience)
  }
  if (!views.length) await appendEvent(tx, after.tenantId, 'chat.updated', { chat }, audience)
  return { chat, messages: views }
}

/** Settings of a channel kind the tenant has: connected, and its chat distribution (config.groupIds). */
export async function channelSettings(
  q: Queryable,
  tenantId: string,
  kind: ChannelKind,
): Promise<{ id: string; connected: boolean; groupIds: string[] } | null> {
  const [row] = await q
    .select()
    .from(channels)
    .where(and(eq(channels.tenantId, tenantId), eq(channels.kind, kind)))
    .orderBy(channels.id)
    .limit(1)
  if (!row) return null
  const ids = row.config.groupIds
  const groupIds = Array.isArray(ids) ? ids.filter((g): g is string => typeof g === 'string') : []
  return { id: row.id, connected: row.connected, groupIds }
}

/**
 * A new chat's distribution from a channel's `config.groupIds`: the ids that are this tenant's groups
 * (checked, never cast blindly; anything else in the config is dropped) that take chats (issue 13).
 * Empty: every operator.
 */
export async function distributionOf(q: Queryable, tenantId: string, ids: unknown): Promise<string[]> {
  const wanted = Array.isArray(ids)
    ? ids.filter((g): g is string => typeof g === 'string' && UUID_RE.test(g))
    : []
  if (!wanted.length) return []
  const rows = await q
    .select({ id: schema.groups.id })
    .from(schema.groups)
    .where(
      and(
        eq(schema.groups.tenantId, tenantId),
        inArray(schema.groups.id, wanted),
        // Issue 13 §2: a group the admin set not to take chats is no distribution target.
        eq(schema.groups.takesChats, true),
      ),
    )
  return rows.map((g) => g.id)
}
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A fresh id for a message no device composed (system messages). */
export const systemMsgId = () => `system:${crypto.randomUUID()}`

/**
 * The operator's side of chats (T2, T3, T4, T8 by hand): the Requests tabs, a chat and its history,
 * accepting (exactly one of two at once wins: a conditional UPDATE in the database), replying with
 * text, files and voice, read markers, completing.
 */
import type { Readable } from 'node:stream'
import { and, asc, desc, eq, gt, ilike, inArray, lt, or, type SQL, sql } from 'drizzle-orm'
import {
  type ChatsResponse,
  type ChatView,
  MESSAGES_PAGE,
  type MessagesResponse,
  type MessageView,
} from '../../../contract/chats.ts'
import { appendEvent, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import type { FileStore } from '../../files/index.ts'
import { enqueueCrmDelivery } from '../crm/enqueue.ts'
import { mayOperator } from '../status/index.ts'
import { fileToSend } from './access.ts'
import { assertChannelCarries, assertChannelCarriesStored } from './carries.ts'
import { messageKindOf } from './client.ts'
import { storeFile, uploadRule } from './files.ts'
import { appendMessage, lockChat, messageByClientId, publish, systemMsgId } from './rows.ts'
import { statesAllowing } from './state.ts'
import {
  type ChatRow,
  canSee,
  chatViewById,
  chatViewsWhere,
  groupsOf,
  inDistribution,
  isStaff,
  messageViewsWhere,
  type Viewer,
} from './views.ts'

const { chats, employees, messages } = schema

/** Completed is paged: this many chats a page. */
export const COMPLETED_PAGE = 50

/** The text of the system message that ends a chat: a key the app and the widget translate. */
export const COMPLETED_TEXT = 'chat.completed'

/** `%`, `_` and `\` taken literally in a LIKE pattern. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

/** Which chats of a tab this viewer sees (T2). */
function tabWhere(v: Viewer, myGroups: string[], tab: 'new' | 'active' | 'completed'): SQL | undefined {
  const tenant = eq(chats.tenantId, v.tenantId)
  if (tab === 'active') return and(tenant, eq(chats.state, 'active'), eq(chats.assigneeId, v.employeeId))
  if (tab === 'completed') {
    const mine = or(eq(chats.completedBy, v.employeeId), eq(chats.assigneeId, v.employeeId))
    return and(tenant, eq(chats.state, 'completed'), isStaff(v) ? undefined : mine)
  }
  // New: chats a client has written in, of my distribution (staff: all).
  const dist = or(
    sql`cardinality(${chats.groupIds}) = 0`,
    myGroups.length ? sql`${chats.groupIds} && ${`{${myGroups.join(',')}}`}::uuid[]` : undefined,
  )
  return and(tenant, eq(chats.state, 'new'), gt(chats.messageCount, 0), isStaff(v) ? undefined : dist)
}

/** Parses a Completed cursor `<completedAt ISO>|<id>`; E_VALIDATION otherwise. */
function parseCursor(before: string): { at: Date; id: string } {
  const [iso, id] = before.split('|')
  const at = new Date(iso ?? '')
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(at.getTime()))
    throw new AppError('E_VALIDATION', ['before: not a cursor from this list'])
  return { at, id }
}

/**
 * A Requests tab (T2): New longest-waiting first, In work (mine) by last message, Completed newest
 * first and paged (`before` = the last row's `completedAt|id`). `search` matches the client's name,
 * phone or e-mail. Counts: New and In work as the badges show them, and In-work chats with unread
 * client messages.
 */
export async function listChats(
  q: Queryable,
  v: Viewer,
  tab: 'new' | 'active' | 'completed',
  before?: string,
  search?: string,
): Promise<ChatsResponse> {
  const myGroups = await groupsOf(q, v.tenantId, v.employeeId)
  // S1/S5: New is shown to operators whose status allows chats (the rule accepting checks): others
  // get an empty New and `newAllowed: false`, so the app says why instead of offering a dead Accept.
  // Supervisors and admins watch the queue whatever their status (accepting still checks it).
  const newAllowed = isStaff(v) || (await mayOperator(q, v.tenantId, v.employeeId, 'chats'))
  const tabOf = (t: 'new' | 'active' | 'completed') =>
    t === 'new' && !newAllowed ? sql`false` : tabWhere(v, myGroups, t)
  let where = tabOf(tab)
  const term = search?.trim()
  if (term) {
    const p = `%${likeEscape(term)}%`
    where = and(
      where,
      or(ilike(chats.clientName, p), ilike(chats.clientPhone, p), ilike(chats.clientEmail, p)),
    )
  }
  let order: SQL[]
  let limit = 500
  if (tab === 'new') order = [sql`${chats.waitingSince} ASC NULLS LAST`, asc(chats.createdAt), asc(chats.id)]
  else if (tab === 'active') order = [sql`${chats.lastMessageAt} DESC NULLS LAST`, desc(chats.id)]
  else {
    order = [desc(chats.completedAt), desc(chats.id)]
    limit = COMPLETED_PAGE
    if (before) {
      const c = parseCursor(before)
      where = and(
        where,
        or(lt(chats.completedAt, c.at), and(eq(chats.completedAt, c.at), lt(chats.id, c.id))),
      )
    }
  }
  const list = await chatViewsWhere(q, where, order, limit)
  const [counts] = await q
    .select({
      new: sql<number>`count(*) FILTER (WHERE ${tabOf('new')})::int`,
      active: sql<number>`count(*) FILTER (WHERE ${tabWhere(v, myGroups, 'active')})::int`,
      unread: sql<number>`count(*) FILTER (WHERE ${and(
        tabWhere(v, myGroups, 'active'),
        gt(chats.messageCount, chats.operatorReadN),
      )})::int`,
    })
    .from(chats)
    .where(and(eq(chats.tenantId, v.tenantId), inArray(chats.state, ['new', 'active'])))
  return { chats: list, counts: counts ?? { new: 0, active: 0, unread: 0 }, newAllowed }
}

/** The chat if this viewer may see it (T2's rule), else E_NOT_FOUND (another tenant's id too). */
async function visibleChat(q: Queryable, v: Viewer, chatId: string, lock = false): Promise<ChatRow> {
  const chat = lock
    ? await lockChat(q, v.tenantId, chatId)
    : ((await q
        .select()
        .from(chats)
        .where(and(eq(chats.tenantId, v.tenantId), eq(chats.id, chatId)))
        .then((r) => r[0])) ?? null)
  if (!chat || !canSee(v, await groupsOf(q, v.tenantId, v.employeeId), chat))
    throw new AppError('E_NOT_FOUND')
  return chat
}

/** One chat as the viewer may see it. */
export async function getChat(q: Queryable, v: Viewer, chatId: string): Promise<ChatView> {
  await visibleChat(q, v, chatId)
  return (await chatViewById(q, v.tenantId, chatId)) as ChatView
}

/** A page of a chat's history (50): before message `beforeN`, or the newest; oldest first in the page. */
export async function messagesOf(
  q: Queryable,
  v: Viewer,
  chatId: string,
  beforeN?: number,
): Promise<MessagesResponse> {
  await visibleChat(q, v, chatId)
  const base = and(eq(messages.tenantId, v.tenantId), eq(messages.chatId, chatId))
  const page = await messageViewsWhere(
    q,
    beforeN !== undefined ? and(base, lt(messages.n, beforeN)) : base,
    [desc(messages.n)],
    MESSAGES_PAGE,
  )
  page.reverse()
  return { messages: page, more: (page[0]?.n ?? 1) > 1 }
}

/**
 * Takes a New chat (T3). Rules first: the viewer's status must allow chats (S1/S5: Off work cannot,
 * Break may), and he must be of the chat's distribution (or staff). Then one conditional UPDATE
 * `… WHERE state = 'new'`: of two operators accepting at once the database lets exactly one row
 * update happen; the other finds the chat taken and gets E_CHAT_TAKEN with the winner's name in
 * `details[0]`. Accepting a chat one already holds is a no-op answer.
 */
export async function acceptChat(q: Queryable, v: Viewer, chatId: string): Promise<ChatView> {
  return q.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(chats)
      .where(and(eq(chats.tenantId, v.tenantId), eq(chats.id, chatId)))
    const myGroups = await groupsOf(tx, v.tenantId, v.employeeId)
    // Whoever could see it while it was New learns what became of it; nobody else learns it exists.
    if (!before || !(canSee(v, myGroups, before) || inDistribution(myGroups, before)))
      throw new AppError('E_NOT_FOUND')
    if (before.state === 'new') {
      if (!(await mayOperator(tx, v.tenantId, v.employeeId, 'chats'))) throw new AppError('E_STATUS_FORBIDS')
      const [taken] = await tx
        .update(chats)
        .set({ state: 'active', assigneeId: v.employeeId, acceptedAt: new Date() })
        .where(
          and(
            eq(chats.tenantId, v.tenantId),
            eq(chats.id, chatId),
            inArray(chats.state, statesAllowing('accept')),
          ),
        )
        .returning()
      if (taken) return (await publish(tx, before, taken)).chat
    }
    // Not New (any more): taken by someone — maybe by me a moment ago — or completed.
    const [now] = await tx
      .select({ state: chats.state, assigneeId: chats.assigneeId, name: employees.name })
      .from(chats)
      .leftJoin(employees, and(eq(employees.tenantId, chats.tenantId), eq(employees.id, chats.assigneeId)))
      .where(and(eq(chats.tenantId, v.tenantId), eq(chats.id, chatId)))
    if (now?.state === 'completed') throw new AppError('E_CHAT_CLOSED')
    if (now?.assigneeId === v.employeeId) return (await chatViewById(tx, v.tenantId, chatId)) as ChatView
    throw new AppError('E_CHAT_TAKEN', now?.name ? [now.name] : undefined)
  })
}

/**
 * Opens a chat (T3): with the employee's Accept button off (admin setting), opening a New chat takes
 * it, by the same rules as accepting; otherwise (or for any other chat) it is only read.
 */
export async function openChat(q: Queryable, v: Viewer, chatId: string): Promise<ChatView> {
  const chat = await visibleChat(q, v, chatId)
  if (chat.state === 'new') {
    const [me] = await q
      .select({ acceptButton: employees.acceptButton })
      .from(employees)
      .where(and(eq(employees.tenantId, v.tenantId), eq(employees.id, v.employeeId)))
    if (me && !me.acceptButton) return acceptChat(q, v, chatId)
  }
  return (await chatViewById(q, v.tenantId, chatId)) as ChatView
}

/** The assignee may write in his active chat: E_CHAT_CLOSED once completed, E_FORBIDDEN otherwise. */
function assertMayWrite(v: Viewer, chat: ChatRow): void {
  if (chat.state === 'completed') throw new AppError('E_CHAT_CLOSED')
  if (chat.state !== 'active' || chat.assigneeId !== v.employeeId) throw new AppError('E_FORBIDDEN')
}

/** A retry's answer: the stored message, if it is this operator's in this chat. */
async function storedReply(q: Queryable, v: Viewer, chatId: string, clientMsgId: string) {
  const existing = await messageByClientId(q, v.tenantId, clientMsgId)
  if (!existing) return null
  if (existing.chatId !== chatId || existing.authorId !== v.employeeId)
    throw new AppError('E_VALIDATION', ['clientMsgId: already used'])
  const [message] = await messageViewsWhere(
    q,
    and(eq(messages.tenantId, v.tenantId), eq(messages.id, existing.id)),
    [],
    1,
  )
  return {
    message: message as MessageView,
    chat: (await chatViewById(q, v.tenantId, chatId)) as ChatView,
    created: false,
  }
}

export interface OperatorReply {
  clientMsgId: string
  text: string
  replyToId?: string | null | undefined
  fileId?: string | null | undefined
}

/**
 * The assignee's message in his active chat (T4). Idempotent by `clientMsgId` (N3): a retry gets the
 * stored message back, same id and n, with no new event.
 */
export async function sendOperatorMessage(
  q: Queryable,
  v: Viewer,
  chatId: string,
  input: OperatorReply,
): Promise<{ message: MessageView; chat: ChatView; created: boolean }> {
  return q.transaction(async (tx) => {
    const chat = await visibleChat(tx, v, chatId, true)
    // Under the chat's lock: a concurrent retry has committed or not started.
    const again = await storedReply(tx, v, chatId, input.clientMsgId)
    if (again) return again
    assertMayWrite(v, chat)
    // Only his own upload or a template attachment he may use (not another visitor's upload).
    const file = input.fileId ? await fileToSend(tx, v, input.fileId) : null
    if (file) await assertChannelCarriesStored(tx, v.tenantId, chat.channel, file.id)
    const added = await appendMessage(tx, chat, {
      clientMsgId: input.clientMsgId,
      author: 'operator',
      authorId: v.employeeId,
      kind: messageKindOf(file),
      text: input.text,
      replyToId: input.replyToId,
      fileId: input.fileId,
    })
    if (!added) {
      const raced = await storedReply(tx, v, chatId, input.clientMsgId)
      if (!raced) throw new Error('client id conflict without a message')
      return raced
    }
    const out = await publish(tx, chat, added.chat, [added.message.id])
    return { message: out.messages[0] as MessageView, chat: out.chat, created: true }
  })
}

export interface OperatorUpload {
  clientMsgId: string
  name: string
  kind: 'file' | 'voice'
  durationMs?: number | null | undefined
  text?: string | undefined
  replyToId?: string | null | undefined
  body: Readable
  contentLength?: string | undefined
  maxBytes?: number | undefined
}

/**
 * A file or voice message from the assignee (T4): everything that can refuse it (a retry, the chat's
 * state, the type by name) is checked before the body is read; then the bytes are stored
 * (server/files: size limit, magic bytes) and the message is added like any other.
 */
export async function sendOperatorFile(
  q: Queryable,
  store: FileStore,
  v: Viewer,
  chatId: string,
  input: OperatorUpload,
): Promise<{ message: MessageView; chat: ChatView; created: boolean }> {
  const again = await storedReply(q, v, chatId, input.clientMsgId)
  if (again) return again
  const chat = await visibleChat(q, v, chatId)
  assertMayWrite(v, chat)
  uploadRule(input.name, input.kind, input.durationMs)
  const declared = input.contentLength === undefined ? null : Number(input.contentLength)
  assertChannelCarries(chat.channel, { kind: input.kind, name: input.name, size: declared })
  const file = await storeFile(q, store, {
    tenantId: v.tenantId,
    name: input.name,
    kind: input.kind,
    durationMs: input.durationMs,
    body: input.body,
    contentLength: input.contentLength,
    uploadedBy: { employeeId: v.employeeId },
    maxBytes: input.maxBytes,
  })
  return sendOperatorMessage(q, v, chatId, {
    clientMsgId: input.clientMsgId,
    text: input.text ?? '',
    replyToId: input.replyToId,
    fileId: file.id,
  })
}

/**
 * The assignee read his chat up to message `upToN` (on screen with the chat open, T2): operatorReadN
 * moves forward only, never past the last message. Staff reading a colleague's chat moves nothing.
 */
export async function markOperatorRead(
  q: Queryable,
  v: Viewer,
  chatId: string,
  upToN: number,
): Promise<ChatView> {
  return q.transaction(async (tx) => {
    const chat = await visibleChat(tx, v, chatId, true)
    const n = Math.min(upToN, chat.messageCount)
    if (chat.assigneeId !== v.employeeId || n <= chat.operatorReadN)
      return (await chatViewById(tx, v.tenantId, chatId)) as ChatView
    await tx
      .update(chats)
      .set({ operatorReadN: n })
      .where(and(eq(chats.tenantId, v.tenantId), eq(chats.id, chatId)))
    // Only the assignee's own badges change.
    const view = (await chatViewById(tx, v.tenantId, chatId)) as ChatView
    await appendEvent(tx, v.tenantId, 'chat.updated', { chat: view }, { employeeIds: [v.employeeId] })
    return view
  })
}

/**
 * Completes a chat by hand (T8): its assignee, or staff (staff may also close a New one). A system
 * message `chat.completed` tells the client the conversation ended. Completing a completed chat
 * answers with it unchanged.
 */
export async function completeChat(q: Queryable, v: Viewer, chatId: string): Promise<ChatView> {
  return q.transaction(async (tx) => {
    const before = await visibleChat(tx, v, chatId, true)
    if (before.state === 'completed') return (await chatViewById(tx, v.tenantId, chatId)) as ChatView
    if (!isStaff(v) && !(before.state === 'active' && before.assigneeId === v.employeeId))
      throw new AppError('E_FORBIDDEN')
    const added = await appendMessage(tx, before, {
      clientMsgId: systemMsgId(),
      author: 'system',
      authorId: null,
      kind: 'system',
      text: COMPLETED_TEXT,
    })
    if (!added) throw new Error('system message id clash')
    const [after] = await tx
      .update(chats)
      .set({ state: 'completed', completedAt: new Date(), completedBy: v.employeeId, waitingSince: null })
      .where(
        and(
          eq(chats.tenantId, v.tenantId),
          eq(chats.id, chatId),
          inArray(chats.state, statesAllowing('complete')),
        ),
      )
      .returning()
    if (!after) throw new Error('chat changed under its lock')
    // T13: the hand-off to the tenant's CRM exists iff the completion commits.
    await enqueueCrmDelivery(tx, v.tenantId, chatId, 'chat.completed', v.employeeId)
    return (await publish(tx, before, after, [added.message.id])).chat
  })
}

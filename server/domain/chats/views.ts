/** Chat and message rows → the wire views (contract/chats.ts), and who may see a chat. */
import { and, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { ChatView, FileView, MessageView } from '../../../contract/chats.ts'
import { type Audience, type Queryable, schema } from '../../db/index.ts'

const { chats, employees, files, groupMembers, messages } = schema

export type ChatRow = typeof chats.$inferSelect
export type MessageRow = typeof messages.$inferSelect
export type FileRow = typeof files.$inferSelect

/** Who is asking: an employee of a tenant, with a role. */
export interface Viewer {
  tenantId: string
  employeeId: string
  role: 'operator' | 'supervisor' | 'admin'
}

/** Supervisors and admins see every chat of the tenant. */
export const isStaff = (v: Viewer) => v.role !== 'operator'

/** The viewer's groups (the distribution a New chat is shown to). */
export async function groupsOf(q: Queryable, tenantId: string, employeeId: string): Promise<string[]> {
  const rows = await q
    .select({ id: groupMembers.groupId })
    .from(groupMembers)
    .where(and(eq(groupMembers.tenantId, tenantId), eq(groupMembers.employeeId, employeeId)))
  return rows.map((r) => r.id)
}

/** Whether the chat is shown to this operator now: New of his distribution, his own, what he completed. */
export function canSee(v: Viewer, myGroups: readonly string[], c: ChatRow): boolean {
  if (isStaff(v) || c.assigneeId === v.employeeId || c.completedBy === v.employeeId) return true
  return c.state === 'new' && inDistribution(myGroups, c)
}

/** A New chat's distribution includes these groups' members (an empty distribution: everyone). */
export function inDistribution(myGroups: readonly string[], c: Pick<ChatRow, 'groupIds'>): boolean {
  return c.groupIds.length === 0 || c.groupIds.some((g) => myGroups.includes(g))
}

/**
 * The audience of a chat's event: its viewers before and after the change (so an operator learns
 * that a chat left his New), and staff. A New chat with an empty distribution is everyone's: null.
 */
export function audienceOf(...states: (ChatRow | null | undefined)[]): Audience | null {
  const groupIds = new Set<string>()
  const employeeIds = new Set<string>()
  for (const c of states) {
    if (!c) continue
    if (c.state === 'new') {
      if (c.groupIds.length === 0) return null
      for (const g of c.groupIds) groupIds.add(g)
    }
    if (c.assigneeId) employeeIds.add(c.assigneeId)
    if (c.completedBy) employeeIds.add(c.completedBy)
  }
  return { groupIds: [...groupIds], employeeIds: [...employeeIds], staff: true }
}

export function fileView(f: FileRow): FileView {
  return { id: f.id, name: f.name, type: f.type, size: f.size, durationMs: f.durationMs }
}

const PREVIEW_CHARS = 140

const assignee = alias(employees, 'assignee')
const last = alias(messages, 'last')
const lastFile = alias(files, 'last_file')

/** Chats with what their views need (assignee's name, last message), by a condition. */
export async function chatViewsWhere(
  q: Queryable,
  where: SQL | undefined,
  order: SQL[] = [],
  limit = 500,
): Promise<ChatView[]> {
  const rows = await q
    .select({ c: chats, assigneeName: assignee.name, last, lastFile })
    .from(chats)
    .leftJoin(assignee, and(eq(assignee.tenantId, chats.tenantId), eq(assignee.id, chats.assigneeId)))
    .leftJoin(
      last,
      and(eq(last.tenantId, chats.tenantId), eq(last.chatId, chats.id), eq(last.n, chats.messageCount)),
    )
    .leftJoin(lastFile, and(eq(lastFile.tenantId, last.tenantId), eq(lastFile.id, last.fileId)))
    .where(where)
    .orderBy(...order)
    .limit(limit)
  return rows.map((r) => chatView(r.c, r.assigneeName, r.last, r.lastFile))
}

/** One chat's view (the tenant's), or null. */
export async function chatViewById(q: Queryable, tenantId: string, chatId: string): Promise<ChatView | null> {
  const [v] = await chatViewsWhere(q, and(eq(chats.tenantId, tenantId), eq(chats.id, chatId)), [], 1)
  return v ?? null
}

function chatView(
  c: ChatRow,
  assigneeName: string | null,
  m: MessageRow | null,
  f: FileRow | null,
): ChatView {
  return {
    id: c.id,
    channel: c.channel,
    state: c.state,
    clientName: c.clientName,
    clientPhone: c.clientPhone,
    clientEmail: c.clientEmail,
    contactId: c.contactId,
    visitorId: c.visitorId,
    groupIds: c.groupIds,
    assigneeId: c.assigneeId,
    assigneeName,
    createdAt: c.createdAt.toISOString(),
    waitingSince: c.waitingSince?.toISOString() ?? null,
    acceptedAt: c.acceptedAt?.toISOString() ?? null,
    completedAt: c.completedAt?.toISOString() ?? null,
    completedById: c.completedBy,
    lastMessage: m
      ? {
          id: m.id,
          author: m.author,
          kind: m.kind,
          preview: (m.kind === 'text' || m.kind === 'system' ? m.text : (f?.name ?? m.text)).slice(
            0,
            PREVIEW_CHARS,
          ),
          at: m.at.toISOString(),
        }
      : null,
    messageCount: c.messageCount,
    operatorReadN: c.operatorReadN,
    clientReadN: c.clientReadN,
    requestInfo: c.requestInfo,
    transfer: c.transfer ?? null,
  }
}

const author = alias(employees, 'author')

/** Messages with their author's name and file, by a condition, ordered by n. */
export async function messageViewsWhere(
  q: Queryable,
  where: SQL | undefined,
  order: SQL[],
  limit: number,
): Promise<MessageView[]> {
  const rows = await q
    .select({ m: messages, authorName: author.name, f: files })
    .from(messages)
    .leftJoin(author, and(eq(author.tenantId, messages.tenantId), eq(author.id, messages.authorId)))
    .leftJoin(files, and(eq(files.tenantId, messages.tenantId), eq(files.id, messages.fileId)))
    .where(where)
    .orderBy(...order)
    .limit(limit)
  return rows.map((r) => messageView(r.m, r.authorName, r.f))
}

/** Messages by id (in the order of n). */
export async function messageViewsByIds(
  q: Queryable,
  tenantId: string,
  ids: string[],
): Promise<MessageView[]> {
  if (!ids.length) return []
  return messageViewsWhere(
    q,
    and(eq(messages.tenantId, tenantId), inArray(messages.id, ids)),
    [sql`${messages.n}`],
    ids.length,
  )
}

function messageView(m: MessageRow, authorName: string | null, f: FileRow | null): MessageView {
  return {
    id: m.id,
    chatId: m.chatId,
    n: m.n,
    clientMsgId: m.clientMsgId,
    author: m.author,
    authorId: m.authorId,
    authorName,
    kind: m.kind,
    text: m.text,
    replyToId: m.replyToId,
    file: f ? fileView(f) : null,
    at: m.at.toISOString(),
    delivery: m.delivery,
    // Only on a failed delivery (an unchanged shape for every other message).
    ...(m.failReason ? { failReason: m.failReason } : {}),
    ...(m.failReason && m.failDetail ? { failDetail: m.failDetail } : {}),
  }
}

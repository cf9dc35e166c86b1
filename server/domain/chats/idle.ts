/**
 * T8's idle timer: a chat completes when neither side has written for its channel's idle time
 * (`channels.auto_complete_minutes`; website chat: the tenant's webchat row). One durable job per
 * chat, keyed by its id and re-armed (`replace`) by every message and by accepting.
 */
import { and, eq, sql } from 'drizzle-orm'
import { enqueueJob, type Queryable, schema } from '../../db/index.ts'
import type { ChatRow } from './views.ts'

const { channels } = schema

/** The job that completes an idle chat (T8). */
export const AUTO_COMPLETE_JOB = 'chat.autocomplete'

/** When the chat was last written in (or taken, if nobody wrote since). */
export const lastActivity = (c: ChatRow) =>
  Math.max(c.lastMessageAt?.getTime() ?? 0, c.acceptedAt?.getTime() ?? 0, c.createdAt.getTime())

/** The idle minutes of the channel a chat came through (null: never auto-complete). */
export async function idleMinutesOf(
  q: Queryable,
  tenantId: string,
  chat: Pick<ChatRow, 'channelId'>,
): Promise<number | null> {
  const [row] = await q
    .select({ m: channels.autoCompleteMinutes })
    .from(channels)
    .where(
      and(
        eq(channels.tenantId, tenantId),
        chat.channelId ? eq(channels.id, chat.channelId) : sql`${channels.kind} = 'webchat'`,
      ),
    )
    .orderBy(channels.id)
    .limit(1)
  return row?.m ?? null
}

/** (Re-)arms the chat's idle timer inside the caller's transaction; nothing when its channel has none. */
export async function armAutoComplete(tx: Queryable, chat: ChatRow): Promise<void> {
  if (chat.state !== 'active') return
  const minutes = await idleMinutesOf(tx, chat.tenantId, chat)
  if (!minutes) return
  await enqueueJob(tx, {
    kind: AUTO_COMPLETE_JOB,
    key: chat.id,
    tenantId: chat.tenantId,
    payload: { chatId: chat.id },
    runAt: new Date(lastActivity(chat) + minutes * 60_000),
    // Each wait after a racing message is a retry (RetryAt): plenty of them.
    maxAttempts: 1000,
    replace: true,
  })
}

/**
 * Completion and resumption (SPEC T8, T9): the idle timer that completes a chat when neither side has
 * written for its channel's idle time, the tenant's closing text sent to messenger clients on
 * completion, and an operator's message that resumes a completed chat.
 *
 * The idle timer (idle.ts) re-reads the chat when it runs, so a message that raced it (a re-arm
 * skipped while the job was running) only moves it later (RetryAt).
 */
import { and, eq, inArray, ne } from 'drizzle-orm'
import { type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { RetryAt } from '../../jobs/index.ts'
import { mayOperator } from '../status/index.ts'
import { idleMinutesOf, lastActivity } from './idle.ts'
import { chatSettingsOf } from './lifecycle-settings.ts'
import { appendMessage, systemMsgId } from './rows.ts'
import { statesAllowing } from './state.ts'
import type { ChatRow, MessageRow, Viewer } from './views.ts'

const { chats } = schema

/**
 * What the idle job decides for a chat now: complete it (as its assignee, so his Completed lists it
 * and the completion's hand-offs run as for a manual one), wait (RetryAt), or nothing.
 */
export async function idleVerdict(
  q: Queryable,
  tenantId: string,
  chatId: string,
  now = new Date(),
): Promise<{ complete: Viewer; idleMs: number } | null> {
  const [chat] = await q
    .select()
    .from(chats)
    .where(and(eq(chats.tenantId, tenantId), eq(chats.id, chatId)))
  if (chat?.state !== 'active' || !chat.assigneeId) return null
  const minutes = await idleMinutesOf(q, tenantId, chat)
  if (!minutes) return null
  const due = lastActivity(chat) + minutes * 60_000
  if (now.getTime() < due) throw new RetryAt(new Date(due), 'written in since: not idle yet')
  return {
    complete: { tenantId, employeeId: chat.assigneeId, role: 'operator' },
    idleMs: minutes * 60_000,
  }
}

/** Whether a chat locked for completion has really been idle for `idleMs` (the job's re-check). */
export const stillIdle = (chat: ChatRow, idleMs: number, now = Date.now()) =>
  now - lastActivity(chat) >= idleMs

/**
 * The tenant's closing text as an operator message in a chat of an external channel (it leaves
 * through the channel's delivery job like any reply); null for website chat or no text.
 */
export async function appendClosingText(
  tx: Queryable,
  chat: ChatRow,
): Promise<{ message: MessageRow; chat: ChatRow } | null> {
  if (!chat.channelId) return null
  const { closingText } = await chatSettingsOf(tx, chat.tenantId)
  if (!closingText.trim()) return null
  return appendMessage(tx, chat, {
    clientMsgId: systemMsgId(),
    author: 'operator',
    authorId: null,
    kind: 'text',
    text: closingText,
  })
}

/**
 * An operator writes in a completed chat (T9): it moves to In work, his. Website chat cannot be
 * resumed (E_CHAT_CLOSED: the visitor's next message opens a new chat); a client with another open
 * chat on the channel makes it E_CHAT_CONFLICT with that chat's id in `details[0]` (the app re-sends
 * there). Returns the chat as it is now (locked by the caller).
 */
export async function resumeChat(tx: Queryable, v: Viewer, chat: ChatRow): Promise<ChatRow> {
  if (!chat.channelId || !chat.clientAddress) throw new AppError('E_CHAT_CLOSED')
  if (!(await mayOperator(tx, v.tenantId, v.employeeId, 'chats'))) throw new AppError('E_STATUS_FORBIDS')
  const other = async () => {
    const [row] = await tx
      .select({ id: chats.id })
      .from(chats)
      .where(
        and(
          eq(chats.tenantId, chat.tenantId),
          eq(chats.channelId, chat.channelId as string),
          eq(chats.clientAddress, chat.clientAddress as string),
          ne(chats.state, 'completed'),
          ne(chats.id, chat.id),
        ),
      )
      .limit(1)
    return row?.id ?? null
  }
  const open = await other()
  if (open) throw new AppError('E_CHAT_CONFLICT', [open])
  try {
    // A savepoint: the one-open-chat index may still refuse it (the client wrote a moment ago).
    const [after] = await tx.transaction((sp) =>
      sp
        .update(chats)
        .set({
          state: 'active',
          assigneeId: v.employeeId,
          acceptedAt: new Date(),
          completedAt: null,
          completedBy: null,
          transfer: null,
        })
        .where(
          and(
            eq(chats.tenantId, chat.tenantId),
            eq(chats.id, chat.id),
            inArray(chats.state, statesAllowing('resume')),
          ),
        )
        .returning(),
    )
    if (!after) throw new Error('chat changed under its lock')
    return after
  } catch (e) {
    const code =
      (e as { code?: string; cause?: { code?: string } }).code ??
      (e as { cause?: { code?: string } }).cause?.code
    if (code === '23505' || /chats_open_per_address/.test(String(e))) {
      throw new AppError('E_CHAT_CONFLICT', [(await other()) ?? ''])
    }
    throw e
  }
}

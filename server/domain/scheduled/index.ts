/**
 * Scheduled messages (SPEC T12): "Send later" in a chat whose channel allows it
 * (CHANNEL_CAPABILITIES.scheduled). The send is a durable job ('chat.scheduled', key = the row's id,
 * run_at = its time), so it happens on time across restarts; the row is what the chat lists.
 *
 *   scheduled ──due: sent as the operator's message──▶ sent
 *       │  ▲ edit (text, time: the job re-armed)      └─ the chat was closed or passed on ─▶ failed
 *       └──cancel──▶ cancelled
 *
 * Edit and cancel lock the row; the job locks it too before sending, so one of them wins: a job
 * already running refuses the edit or cancel (E_SCHEDULED_GONE) and sends what the row says.
 */
import { and, asc, eq } from 'drizzle-orm'
import { CHANNEL_CAPABILITIES } from '../../../contract/chats.ts'
import type { ScheduledView } from '../../../contract/leads.ts'
import { appendEvent, cancelJob, enqueueJob, type Queryable, schema } from '../../db/index.ts'
import { scheduledMessages } from '../../db/schema-leads.ts'
import { AppError } from '../../errors.ts'
import { getChat, sendOperatorMessage, type Viewer } from '../chats/index.ts'

const { chats, employees } = schema

/** The job kind that sends a scheduled message when it is due. */
export const SCHEDULED_JOB = 'chat.scheduled'

type Row = typeof scheduledMessages.$inferSelect

const toView = (r: Row): ScheduledView => ({
  id: r.id,
  chatId: r.chatId,
  authorId: r.authorId,
  text: r.text,
  sendAt: r.sendAt.toISOString(),
  state: r.state,
  messageId: r.messageId,
})

/** A time the client sent (ISO, validated by the schema): in the future, else E_SCHEDULE_PAST. */
function futureTime(iso: string, now = Date.now()): Date {
  const at = new Date(iso)
  if (Number.isNaN(at.getTime())) throw new AppError('E_VALIDATION', ['sendAt: not a time'])
  if (at.getTime() <= now) throw new AppError('E_SCHEDULE_PAST')
  return at
}

const announce = (tx: Queryable, r: Row) =>
  appendEvent(tx, r.tenantId, 'scheduled.updated', { scheduled: toView(r) }, { employeeIds: [r.authorId] })

const arm = (tx: Queryable, r: Row) =>
  enqueueJob(tx, {
    kind: SCHEDULED_JOB,
    key: r.id,
    tenantId: r.tenantId,
    payload: { scheduledId: r.id },
    runAt: r.sendAt,
    maxAttempts: 5,
    replace: true,
  })

/** Schedules a message in the assignee's active chat of a channel that allows it. */
export async function scheduleMessage(
  q: Queryable,
  v: Viewer,
  chatId: string,
  input: { text: string; sendAt: string },
): Promise<ScheduledView> {
  const at = futureTime(input.sendAt)
  return q.transaction(async (tx) => {
    const [chat] = await tx
      .select()
      .from(chats)
      .where(and(eq(chats.tenantId, v.tenantId), eq(chats.id, chatId)))
      .for('update')
    if (!chat) throw new AppError('E_NOT_FOUND')
    if (chat.state === 'completed') throw new AppError('E_CHAT_CLOSED')
    if (chat.state !== 'active' || chat.assigneeId !== v.employeeId) throw new AppError('E_FORBIDDEN')
    if (!CHANNEL_CAPABILITIES[chat.channel]?.scheduled) throw new AppError('E_CHANNEL_CAPABILITY')
    const [row] = await tx
      .insert(scheduledMessages)
      .values({ tenantId: v.tenantId, chatId, authorId: v.employeeId, text: input.text, sendAt: at })
      .returning()
    if (!row) throw new Error('scheduled insert returned nothing')
    await arm(tx, row)
    await announce(tx, row)
    return toView(row)
  })
}

/** The chat's messages still to be sent, soonest first (whoever may see the chat). */
export async function listScheduled(q: Queryable, v: Viewer, chatId: string): Promise<ScheduledView[]> {
  await getChat(q, v, chatId)
  const rows = await q
    .select()
    .from(scheduledMessages)
    .where(
      and(
        eq(scheduledMessages.tenantId, v.tenantId),
        eq(scheduledMessages.chatId, chatId),
        eq(scheduledMessages.state, 'scheduled'),
      ),
    )
    .orderBy(asc(scheduledMessages.sendAt), asc(scheduledMessages.id))
  return rows.map(toView)
}

/** The author's scheduled message, locked; E_NOT_FOUND for anyone else's, E_SCHEDULED_GONE once not scheduled. */
async function mine(tx: Queryable, v: Viewer, id: string): Promise<Row> {
  const [row] = await tx
    .select()
    .from(scheduledMessages)
    .where(and(eq(scheduledMessages.tenantId, v.tenantId), eq(scheduledMessages.id, id)))
    .for('update')
  if (!row || row.authorId !== v.employeeId) throw new AppError('E_NOT_FOUND')
  if (row.state !== 'scheduled') throw new AppError('E_SCHEDULED_GONE')
  return row
}

/** Edits the text and/or the time of a message not yet sent (the job re-armed at the new time). */
export async function editScheduled(
  q: Queryable,
  v: Viewer,
  id: string,
  input: { text?: string | undefined; sendAt?: string | undefined },
): Promise<ScheduledView> {
  const at = input.sendAt === undefined ? undefined : futureTime(input.sendAt)
  return q.transaction(async (tx) => {
    const row = await mine(tx, v, id)
    const [after] = await tx
      .update(scheduledMessages)
      .set({ text: input.text ?? row.text, sendAt: at ?? row.sendAt })
      .where(eq(scheduledMessages.id, id))
      .returning()
    if (!after) throw new Error('scheduled row vanished under its lock')
    // A job claimed by a worker right now is not replaced: it is sending the old version.
    if (!(await arm(tx, after))) throw new AppError('E_SCHEDULED_GONE')
    await announce(tx, after)
    return toView(after)
  })
}

/** Cancels a message not yet sent: it never goes. */
export async function cancelScheduled(q: Queryable, v: Viewer, id: string): Promise<ScheduledView> {
  return q.transaction(async (tx) => {
    const row = await mine(tx, v, id)
    if (!(await cancelJob(tx, SCHEDULED_JOB, id))) throw new AppError('E_SCHEDULED_GONE')
    const [after] = await tx
      .update(scheduledMessages)
      .set({ state: 'cancelled' })
      .where(eq(scheduledMessages.id, row.id))
      .returning()
    if (!after) throw new Error('scheduled row vanished under its lock')
    await announce(tx, after)
    return toView(after)
  })
}

/**
 * The job: sends the message as its author's, through the chat domain (so an external channel's
 * delivery job takes it out). At least once is safe: the message's client id is the row's id, and
 * the row is locked and checked first. A chat no longer the author's to write in fails it for good.
 */
export async function runScheduled(q: Queryable, tenantId: string, id: string): Promise<void> {
  await q.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(scheduledMessages)
      .where(and(eq(scheduledMessages.tenantId, tenantId), eq(scheduledMessages.id, id)))
      .for('update')
    if (row?.state !== 'scheduled') return
    const [author] = await tx
      .select({ role: employees.role })
      .from(employees)
      .where(and(eq(employees.tenantId, tenantId), eq(employees.id, row.authorId)))
    let after: Row | undefined
    try {
      if (!author) throw new AppError('E_NOT_FOUND')
      const v: Viewer = { tenantId, employeeId: row.authorId, role: author.role }
      // Only into the author's active chat: a scheduled message never resumes a chat completed
      // meanwhile (T9's resume is an operator's own act) nor writes in one passed to a colleague.
      const chat = await getChat(tx, v, row.chatId)
      if (chat.state === 'completed') throw new AppError('E_CHAT_CLOSED')
      if (chat.state !== 'active' || chat.assigneeId !== v.employeeId) throw new AppError('E_FORBIDDEN')
      const sent = await sendOperatorMessage(tx, v, row.chatId, { clientMsgId: row.id, text: row.text })
      ;[after] = await tx
        .update(scheduledMessages)
        .set({ state: 'sent', messageId: sent.message.id })
        .where(eq(scheduledMessages.id, id))
        .returning()
    } catch (e) {
      if (!(e instanceof AppError)) throw e
      ;[after] = await tx
        .update(scheduledMessages)
        .set({ state: 'failed', error: e.code })
        .where(eq(scheduledMessages.id, id))
        .returning()
    }
    if (after) await announce(tx, after)
  })
}

/**
 * Chat transfer (SPEC T7): an offer to a colleague or a group that the target accepts or declines;
 * the state machine is transfer-state.ts. Every move locks the chat row first and then the transfer
 * row (one order everywhere, so a completion and an accept at once cannot deadlock), checks the
 * move against the table, and ends with its events: `chat.updated` to the sender (his row's mark)
 * and `transfer.updated` to the sender and the members offered it.
 *
 * Timers are durable jobs keyed by the transfer's id: the expiry at the deadline (TRANSFER_EXPIRE_JOB)
 * and the handover 5 s after an accept (TRANSFER_HANDOVER_JOB). Both re-check under the locks, so a
 * late, early or repeated run changes nothing it should not.
 */
import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import type {
  ChatTransferMark,
  ChatView,
  TransferBody,
  TransferEndReason,
  TransferOfferView,
} from '../../../contract/chats.ts'
import { TRANSFER_LAST_MESSAGES } from '../../../contract/chats.ts'
import { appendEvent, cancelJob, enqueueJob, type Queryable, schema } from '../../db/index.ts'
import { AppError } from '../../errors.ts'
import { chatSettingsOf, mayTakeChat, offerees } from './lifecycle-settings.ts'
import { lockChat, publish } from './rows.ts'
import { nextTransferState, type TransferEvent } from './transfer-state.ts'
import { type ChatRow, canSee, chatViewById, groupsOf, messageViewsWhere, type Viewer } from './views.ts'

const { chats, chatTransfers, employees, groups, messages } = schema

export type TransferRow = typeof chatTransfers.$inferSelect

/** The 30 s (tenant setting) expiry of an open offer. */
export const TRANSFER_EXPIRE_JOB = 'chat.transfer.expire'
/** The handover after "Transferred" is shown (T7: 5 s). */
export const TRANSFER_HANDOVER_JOB = 'chat.transfer.handover'
export const HANDOVER_DELAY_MS = 5000

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** The offer as its sender and targets see it. */
export async function offerView(q: Queryable, t: TransferRow): Promise<TransferOfferView> {
  const [from] = await q.select({ name: employees.name }).from(employees).where(eq(employees.id, t.fromId))
  const [to] =
    t.toKind === 'employee'
      ? await q.select({ name: employees.name }).from(employees).where(eq(employees.id, t.toId))
      : await q.select({ name: groups.name }).from(groups).where(eq(groups.id, t.toId))
  const [chat] = await q
    .select({ clientName: chats.clientName, channel: chats.channel })
    .from(chats)
    .where(eq(chats.id, t.chatId))
  const last = await messageViewsWhere(
    q,
    and(eq(messages.tenantId, t.tenantId), eq(messages.chatId, t.chatId)),
    [desc(messages.n)],
    TRANSFER_LAST_MESSAGES,
  )
  return {
    id: t.id,
    chatId: t.chatId,
    state: t.state,
    reason: t.reason,
    fromId: t.fromId,
    fromName: from?.name ?? '',
    toKind: t.toKind,
    toId: t.toId,
    toName: to?.name ?? '',
    offeredTo: t.offeredTo,
    declinedBy: t.declinedBy,
    comment: t.comment,
    createdAt: t.createdAt.toISOString(),
    deadline: t.deadline.toISOString(),
    decidedById: t.decidedBy,
    clientName: chat?.clientName ?? null,
    channel: chat?.channel ?? 'webchat',
    lastMessages: last.reverse(),
  }
}

/** The mark the sender's chat row carries for this transfer. */
function markOf(t: TransferRow, toName: string): ChatTransferMark | null {
  const base = {
    id: t.id,
    toKind: t.toKind,
    toName,
    deadline: t.deadline.toISOString(),
    handoverAt: t.handoverAt?.toISOString() ?? null,
    reason: t.reason,
  }
  if (t.state === 'offered') return { ...base, state: 'offered' }
  if (t.state === 'accepted') return { ...base, state: 'accepted' }
  // Completing the chat ends the offer quietly: there is no row left to mark.
  if (t.reason === 'completed') return null
  return { ...base, state: 'failed' }
}

/** Sets the chat's mark and announces the chat (to the sender) and the offer (to everyone in it). */
async function announce(tx: Queryable, chat: ChatRow, t: TransferRow): Promise<TransferOfferView> {
  const offer = await offerView(tx, t)
  const [after] = await tx
    .update(chats)
    .set({ transfer: markOf(t, offer.toName) })
    .where(and(eq(chats.tenantId, chat.tenantId), eq(chats.id, chat.id)))
    .returning()
  if (after) await publish(tx, chat, after)
  await appendEvent(
    tx,
    t.tenantId,
    'transfer.updated',
    { offer },
    { employeeIds: [...new Set([t.fromId, ...t.offeredTo])], staff: false },
  )
  return offer
}

/** The transfer row, locked (call after locking its chat). */
async function lockTransfer(tx: Queryable, tenantId: string, id: string): Promise<TransferRow | null> {
  const [row] = await tx
    .select()
    .from(chatTransfers)
    .where(and(eq(chatTransfers.tenantId, tenantId), eq(chatTransfers.id, id)))
    .for('update')
  return row ?? null
}

/** Moves a locked offer by `event`; null when the table forbids the move (it is over already). */
async function move(
  tx: Queryable,
  t: TransferRow,
  event: TransferEvent,
  set: Partial<TransferRow> = {},
): Promise<TransferRow | null> {
  const state = nextTransferState(t.state, event)
  if (!state) return null
  const [row] = await tx
    .update(chatTransfers)
    .set({ ...set, state, decidedAt: new Date() })
    .where(and(eq(chatTransfers.id, t.id), eq(chatTransfers.state, t.state)))
    .returning()
  return row ?? null
}

/**
 * Transfers the sender's active chat (T7). `confirm: false` hands it over at once; otherwise the
 * target(s) get an offer with the comment and the last messages, open until the tenant's timeout.
 * Refused with the state unchanged: a chat he does not hold (E_FORBIDDEN; not visible: E_NOT_FOUND),
 * a target of another tenant (E_NOT_FOUND), himself or nobody available (E_TRANSFER_TARGET), an offer
 * already open (E_TRANSFER_OPEN).
 */
export async function transferChat(
  q: Queryable,
  v: Viewer,
  chatId: string,
  body: TransferBody,
): Promise<{ offer: TransferOfferView; chat: ChatView }> {
  return q.transaction(async (tx) => {
    const chat = await lockChat(tx, v.tenantId, chatId)
    if (!chat || !canSee(v, await groupsOf(tx, v.tenantId, v.employeeId), chat))
      throw new AppError('E_NOT_FOUND')
    if (chat.state === 'completed') throw new AppError('E_CHAT_CLOSED')
    if (chat.state !== 'active' || chat.assigneeId !== v.employeeId) throw new AppError('E_FORBIDDEN')
    if (body.toKind === 'employee' && body.toId === v.employeeId) throw new AppError('E_TRANSFER_TARGET')
    const [open] = await tx
      .select({ id: chatTransfers.id })
      .from(chatTransfers)
      .where(and(eq(chatTransfers.chatId, chatId), eq(chatTransfers.state, 'offered')))
    if (open) throw new AppError('E_TRANSFER_OPEN')
    const target = await offerees(tx, v, { kind: body.toKind, id: body.toId })
    if (!target) throw new AppError('E_NOT_FOUND')
    if (!target.ids.length) throw new AppError('E_TRANSFER_TARGET')
    const now = new Date()
    const { transferTimeoutSec } = await chatSettingsOf(tx, v.tenantId)
    const first = target.ids[0] as string
    const [row] = await tx
      .insert(chatTransfers)
      .values({
        tenantId: v.tenantId,
        chatId,
        fromId: v.employeeId,
        toKind: body.toKind,
        toId: body.toId,
        offeredTo: body.confirm ? target.ids : [first],
        createdAt: now,
        comment: body.comment,
        ...(body.confirm
          ? { state: 'offered', deadline: new Date(now.getTime() + transferTimeoutSec * 1000) }
          : { state: 'accepted', deadline: now, decidedAt: now, decidedBy: first, handoverAt: now }),
      })
      .onConflictDoNothing()
      .returning()
    // Two transfers at once: the unique index lets one in.
    if (!row) throw new AppError('E_TRANSFER_OPEN')
    if (!body.confirm) {
      const after = await handOver(tx, chat, row)
      const offer = await offerView(tx, row)
      await appendEvent(
        tx,
        v.tenantId,
        'transfer.updated',
        { offer },
        { employeeIds: [v.employeeId, first], staff: false },
      )
      return { offer, chat: after }
    }
    await enqueueJob(tx, {
      kind: TRANSFER_EXPIRE_JOB,
      key: row.id,
      tenantId: v.tenantId,
      payload: { transferId: row.id },
      runAt: row.deadline,
    })
    const offer = await announce(tx, chat, row)
    return { offer, chat: (await publishView(tx, chat)) as ChatView }
  })
}

/** The chat's view as its events carry it. */
const publishView = (tx: Queryable, chat: ChatRow) => chatViewById(tx, chat.tenantId, chat.id)

/** Gives the chat to the transfer's taker (the sender still holds it); the mark is cleared. */
async function handOver(tx: Queryable, chat: ChatRow, t: TransferRow): Promise<ChatView> {
  if (chat.state !== 'active' || chat.assigneeId !== t.fromId || !t.decidedBy)
    return (await publishView(tx, chat)) as ChatView
  const [after] = await tx
    .update(chats)
    .set({ assigneeId: t.decidedBy, transfer: null, operatorReadN: 0 })
    .where(and(eq(chats.tenantId, chat.tenantId), eq(chats.id, chat.id)))
    .returning()
  if (!after) throw new Error('chat vanished under its lock')
  // The audience is the chat's viewers before (the sender) and after (the colleague).
  return (await publish(tx, chat, after)).chat
}

/** Locks the transfer's chat, then the transfer; E_NOT_FOUND unless `who` was offered it. */
async function lockBoth(q: Queryable, tenantId: string, id: string, who?: string) {
  if (!UUID.test(id)) throw new AppError('E_NOT_FOUND')
  const [peek] = await q
    .select({ chatId: chatTransfers.chatId })
    .from(chatTransfers)
    .where(and(eq(chatTransfers.tenantId, tenantId), eq(chatTransfers.id, id)))
  if (!peek) throw new AppError('E_NOT_FOUND')
  const chat = await lockChat(q, tenantId, peek.chatId)
  const t = await lockTransfer(q, tenantId, id)
  if (!chat || !t) throw new AppError('E_NOT_FOUND')
  if (who !== undefined && !t.offeredTo.includes(who)) throw new AppError('E_NOT_FOUND')
  return { chat, t }
}

/** Ends an open offer that is past its deadline (inside the caller's locks); true when it did. */
async function expireIfDue(tx: Queryable, chat: ChatRow, t: TransferRow, now: Date): Promise<boolean> {
  if (t.state !== 'offered' || now.getTime() < t.deadline.getTime()) return false
  const done = await move(tx, t, 'expire', { reason: 'expired' })
  if (done) await announce(tx, chat, done)
  return !!done
}

/**
 * Accepts an offer (T7): only a member it was offered to (others: E_NOT_FOUND), whose status still
 * allows chats (E_STATUS_FORBIDS), while it is open and before its deadline (E_TRANSFER_CLOSED —
 * a late accept expires it then and there). The first accept of a group wins; the chat moves 5 s
 * later (TRANSFER_HANDOVER_JOB), the sender meanwhile sees "Transferred".
 */
export async function acceptTransfer(
  q: Queryable,
  v: Viewer,
  id: string,
  now = new Date(),
): Promise<TransferOfferView> {
  const out = await q.transaction(async (tx) => {
    const { chat, t } = await lockBoth(tx, v.tenantId, id, v.employeeId)
    if (t.declinedBy.includes(v.employeeId)) return 'closed' as const
    if (await expireIfDue(tx, chat, t, now)) return 'closed' as const
    if (t.state !== 'offered') return 'closed' as const
    if (!(await mayTakeChat(tx, v.tenantId, v.employeeId))) throw new AppError('E_STATUS_FORBIDS')
    const handoverAt = new Date(now.getTime() + HANDOVER_DELAY_MS)
    const done = await move(tx, t, 'accept', { decidedBy: v.employeeId, handoverAt })
    if (!done) return 'closed' as const
    await cancelJob(tx, TRANSFER_EXPIRE_JOB, t.id)
    await enqueueJob(tx, {
      kind: TRANSFER_HANDOVER_JOB,
      key: t.id,
      tenantId: v.tenantId,
      payload: { transferId: t.id },
      runAt: handoverAt,
    })
    return announce(tx, chat, done)
  })
  if (out === 'closed') throw new AppError('E_TRANSFER_CLOSED')
  return out
}

/**
 * Declines an offer (T7). An employee's offer ends `declined`; a group's stays open for the members
 * who have not declined, and ends when the last one does.
 */
export async function declineTransfer(q: Queryable, v: Viewer, id: string): Promise<TransferOfferView> {
  const out = await q.transaction(async (tx) => {
    const { chat, t } = await lockBoth(tx, v.tenantId, id, v.employeeId)
    if (t.state !== 'offered' || t.declinedBy.includes(v.employeeId)) return 'closed' as const
    const declinedBy = [...t.declinedBy, v.employeeId]
    if (t.offeredTo.every((m) => declinedBy.includes(m))) {
      const done = await move(tx, t, 'decline', { declinedBy, reason: 'declined', decidedBy: v.employeeId })
      if (!done) return 'closed' as const
      await cancelJob(tx, TRANSFER_EXPIRE_JOB, t.id)
      return announce(tx, chat, done)
    }
    const [row] = await tx
      .update(chatTransfers)
      .set({ declinedBy })
      .where(eq(chatTransfers.id, t.id))
      .returning()
    return announce(tx, chat, row as TransferRow)
  })
  if (out === 'closed') throw new AppError('E_TRANSFER_CLOSED')
  return out
}

/** The expiry job (at the deadline): ends the offer if still open; early (clock skew): not yet. */
export async function expireTransfer(
  q: Queryable,
  tenantId: string,
  id: string,
  now = new Date(),
): Promise<'expired' | 'not_due' | 'over'> {
  return q.transaction(async (tx) => {
    const { chat, t } = await lockBoth(tx, tenantId, id).catch(() => ({ chat: null, t: null }))
    if (!chat || !t || t.state !== 'offered') return 'over'
    return (await expireIfDue(tx, chat, t, now)) ? 'expired' : 'not_due'
  })
}

/** The handover job (5 s after an accept): the chat leaves the sender for the colleague. */
export async function handOverTransfer(q: Queryable, tenantId: string, id: string): Promise<void> {
  await q.transaction(async (tx) => {
    const { chat, t } = await lockBoth(tx, tenantId, id).catch(() => ({ chat: null, t: null }))
    if (!chat || !t || t.state !== 'accepted') return
    await handOver(tx, chat, t)
  })
}

/**
 * Ends the chat's open offer because of `why` (inside the caller's transaction, chat locked):
 * 'completed' when the sender completes the chat (T8 while an offer is open).
 */
export async function cancelOpenTransfer(
  tx: Queryable,
  chat: ChatRow,
  why: TransferEndReason,
): Promise<void> {
  const [open] = await tx
    .select()
    .from(chatTransfers)
    .where(and(eq(chatTransfers.chatId, chat.id), eq(chatTransfers.state, 'offered')))
    .for('update')
  if (!open) return
  const done = await move(tx, open, 'cancel', { reason: why })
  if (!done) return
  await cancelJob(tx, TRANSFER_EXPIRE_JOB, open.id)
  await announce(tx, chat, done)
}

/**
 * A member went Off work or offline while offered a chat (T7): he is dropped from his open offers;
 * an offer with nobody left to accept it ends `cancelled` (the sender sees "Transfer failed").
 * Called after his status or line changed; does nothing while he may still take chats.
 */
export async function withdrawUnavailable(
  q: Queryable,
  tenantId: string,
  employeeId: string,
): Promise<number> {
  const open = await q
    .select({ id: chatTransfers.id })
    .from(chatTransfers)
    .where(
      and(
        eq(chatTransfers.tenantId, tenantId),
        eq(chatTransfers.state, 'offered'),
        sql`${employeeId}::uuid = ANY(${chatTransfers.offeredTo})`,
      ),
    )
  if (!open.length || (await mayTakeChat(q, tenantId, employeeId))) return 0
  let n = 0
  for (const { id } of open) {
    await q.transaction(async (tx) => {
      const { chat, t } = await lockBoth(tx, tenantId, id)
      if (t.state !== 'offered' || !t.offeredTo.includes(employeeId)) return
      n++
      await dropFromOffer(tx, tenantId, chat, t, employeeId, false)
    })
  }
  return n
}

/** The offers open to this employee now (the app's list after a reload). */
export async function myOffers(q: Queryable, v: Viewer): Promise<TransferOfferView[]> {
  const rows = await q
    .select()
    .from(chatTransfers)
    .where(
      and(
        eq(chatTransfers.tenantId, v.tenantId),
        eq(chatTransfers.state, 'offered'),
        sql`${v.employeeId}::uuid = ANY(${chatTransfers.offeredTo})`,
        sql`NOT (${v.employeeId}::uuid = ANY(${chatTransfers.declinedBy}))`,
      ),
    )
    .orderBy(chatTransfers.deadline)
  return Promise.all(rows.map((r) => offerView(q, r)))
}

/** The sender opened his chat: a "Transfer failed" mark has been seen and goes (T7). */
export async function clearFailedMark(q: Queryable, v: Viewer, chatId: string): Promise<void> {
  await q.transaction(async (tx) => {
    const chat = await lockChat(tx, v.tenantId, chatId)
    if (!chat || chat.assigneeId !== v.employeeId || chat.transfer?.state !== 'failed') return
    const [after] = await tx
      .update(chats)
      .set({ transfer: null })
      .where(and(eq(chats.tenantId, v.tenantId), eq(chats.id, chatId)))
      .returning()
    if (after) await publish(tx, chat, after)
  })
}

/** Transfers by id (tests, bench). */
export async function transfersByIds(q: Queryable, tenantId: string, ids: string[]): Promise<TransferRow[]> {
  if (!ids.length) return []
  return q
    .select()
    .from(chatTransfers)
    .where(and(eq(chatTransfers.tenantId, tenantId), inArray(chatTransfers.id, ids)))
}

/**
 * An employee is deactivated (probe 13 #13), inside that transaction: an offer from him ends
 * `cancelled` (his chats go back to New), an offer to him drops him (`cancelled` when nobody is left
 * to accept it), and an offer he accepted that has not been handed over yet stays with its sender
 * (the handover job is cancelled, the sender's row shows "Transfer failed").
 */
export async function withdrawDeactivated(
  tx: Queryable,
  tenantId: string,
  employeeId: string,
): Promise<void> {
  const rows = await tx
    .select({ id: chatTransfers.id })
    .from(chatTransfers)
    .where(
      and(
        eq(chatTransfers.tenantId, tenantId),
        sql`((${chatTransfers.state} = 'offered' AND (${chatTransfers.fromId} = ${employeeId}::uuid
          OR ${employeeId}::uuid = ANY(${chatTransfers.offeredTo})))
          OR (${chatTransfers.state} = 'accepted' AND ${chatTransfers.decidedBy} = ${employeeId}::uuid))`,
      ),
    )
  for (const { id } of rows) {
    const { chat, t } = await lockBoth(tx, tenantId, id)
    if (t.state === 'accepted') {
      // Handed over already (his chat then goes back to New with the others), or pending: stop it.
      if (t.decidedBy !== employeeId || chat.state !== 'active' || chat.assigneeId !== t.fromId) continue
      await cancelJob(tx, TRANSFER_HANDOVER_JOB, t.id)
      const offer = await offerView(tx, t)
      const [after] = await tx
        .update(chats)
        .set({ transfer: markOf({ ...t, state: 'cancelled', reason: 'unavailable' }, offer.toName) })
        .where(and(eq(chats.tenantId, tenantId), eq(chats.id, chat.id)))
        .returning()
      if (after) await publish(tx, chat, after)
      continue
    }
    if (t.state !== 'offered') continue
    await dropFromOffer(tx, tenantId, chat, t, employeeId, t.fromId === employeeId)
  }
}

/**
 * Takes `employeeId` out of an open offer (the chat and the offer locked by the caller): the offer is
 * cancelled ("unavailable") when `cancel` or nobody else is left on it; else the others keep it, and
 * everyone on it — him included, since the event's offeredTo no longer names him — hears.
 */
async function dropFromOffer(
  tx: Queryable,
  tenantId: string,
  chat: ChatRow,
  t: TransferRow,
  employeeId: string,
  cancel: boolean,
): Promise<void> {
  const left = t.offeredTo.filter((m) => m !== employeeId && !t.declinedBy.includes(m))
  if (cancel || !left.length) {
    const done = await move(tx, t, 'cancel', { reason: 'unavailable' })
    if (!done) return
    await cancelJob(tx, TRANSFER_EXPIRE_JOB, t.id)
    await announce(tx, chat, done)
    return
  }
  const [row] = await tx
    .update(chatTransfers)
    .set({ offeredTo: t.offeredTo.filter((m) => m !== employeeId) })
    .where(eq(chatTransfers.id, t.id))
    .returning()
  const offer = await offerView(tx, row as TransferRow)
  await appendEvent(
    tx,
    tenantId,
    'transfer.updated',
    { offer },
    { employeeIds: [t.fromId, ...t.offeredTo], staff: false },
  )
}

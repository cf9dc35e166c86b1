/**
 * POST /internal/sip/dialog (pbx/README.md): Kamailio's dialog reports, read by server/sip into plain
 * values (DialogReport), turn into the call record — answered (by whom), ended (duration), failed
 * (the SIP final code; a client nobody answered is a missed call, C9) — and into C2 busy state.
 * Reports are idempotent: a repeated or late one changes nothing that is already final.
 */
import { and, eq } from 'drizzle-orm'
import { type Db, schema, type Tx } from '../../db/index.ts'
import { GATEWAY_USER, GUEST_PREFIX } from './callers.ts'
import { callBySipId, handleMissed, publishBusy, publishCall, publishRinging, reasonFor } from './records.ts'
import type { LineAddress } from './route.ts'
import { tenantByDomain } from './snapshot.ts'
import type { CallRow } from './views.ts'

const { calls, employees } = schema

export type DialogOutcome = 'applied' | 'ignored' | 'unknown_tenant'

/** One dialog event of a call, as server/sip read Kamailio's report. */
export interface DialogReport {
  event: 'start' | 'answer' | 'end' | 'failed'
  callId: string
  /** The dialog's From and To; null when not a SIP address. */
  from: LineAddress | null
  to: LineAddress | null
  /** `answer`: the line that answered (null when unknown). */
  answeredBy: LineAddress | null
  /** `failed`: the SIP final code. */
  code?: number
}

/** Applies one dialog report. */
export async function applyDialog(db: Db, body: DialogReport, now = new Date()): Promise<DialogOutcome> {
  const { from, to } = body
  const tenant =
    (from && (await tenantByDomain(db.orm, from.domain))) || (to && (await tenantByDomain(db.orm, to.domain)))
  if (!tenant) return 'unknown_tenant'
  return db.orm.transaction(async (tx) => {
    let row = await callBySipId(tx, tenant.id, body.callId)
    if (!row) {
      // Kamailio's fallback (server was down at route time) or a lost route answer: record what we know.
      if (!from || !to) return 'ignored'
      row = await fallbackRecord(tx, tenant.id, from.user, to.user, body.callId, now)
    }
    switch (body.event) {
      case 'start':
        return 'ignored'
      case 'answer':
        return answer(tx, row, body, now)
      case 'end':
        return end(tx, row, now)
      case 'failed':
        return failed(tx, row, body.code ?? 0, now)
    }
  })
}

async function employeeByExt(tx: Tx, tenantId: string, ext: string): Promise<string | null> {
  const [e] = await tx
    .select({ id: employees.id })
    .from(employees)
    .where(and(eq(employees.tenantId, tenantId), eq(employees.extension, ext)))
  return e?.id ?? null
}

async function fallbackRecord(
  tx: Tx,
  tenantId: string,
  fromUser: string,
  toUser: string,
  sipCallId: string,
  now: Date,
) {
  const caller = await employeeByExt(tx, tenantId, fromUser)
  const client = !caller && (fromUser === GATEWAY_USER || fromUser.startsWith(GUEST_PREFIX))
  const [row] = await tx
    .insert(calls)
    .values({
      tenantId,
      sipCallId,
      direction: client ? 'in' : 'internal',
      state: 'ringing',
      callerUser: fromUser,
      fromNumber: fromUser,
      toNumber: toUser,
      peerNumber: client ? fromUser : toUser,
      callerEmployeeId: caller,
      startedAt: now,
    })
    .onConflictDoNothing()
    .returning()
  const got = row ?? (await callBySipId(tx, tenantId, sipCallId))
  if (!got) throw new Error('fallback call record')
  return got
}

async function answer(tx: Tx, row: CallRow, body: DialogReport, now: Date): Promise<DialogOutcome> {
  if (row.state !== 'ringing') return 'ignored'
  const who = body.answeredBy
  let answeredBy = who ? await employeeByExt(tx, row.tenantId, who.user) : null
  // Forwarded to a mobile (S1): the gateway answered for the one employee it was ringing.
  if (!answeredBy && who?.user === GATEWAY_USER && row.plan?.gatewayFor?.length === 1) {
    answeredBy = row.plan.gatewayFor[0] ?? null
  }
  const [updated] = await tx
    .update(calls)
    .set({ state: 'answered', answeredAt: now, answeredById: answeredBy, plan: null, ringingIds: [] })
    .where(eq(calls.id, row.id))
    .returning()
  if (!updated) return 'ignored'
  await publishCall(tx, updated)
  await publishBusy(tx, row.tenantId, [updated.callerEmployeeId, updated.answeredById], true, updated.id)
  // The others rung with them stop ringing (who answered is told by line.busy).
  await publishRinging(
    tx,
    row.tenantId,
    row.ringingIds.filter((id) => id !== answeredBy),
    [],
  )
  // C9: a client called back successfully — their missed calls leave everyone's list.
  if (updated.direction === 'out' && updated.callerEmployeeId) {
    await handleMissed(
      tx,
      row.tenantId,
      { employeeId: updated.callerEmployeeId, how: 'callback', digits: updated.peerDigits },
      now,
    )
  }
  return 'applied'
}

async function end(tx: Tx, row: CallRow, now: Date): Promise<DialogOutcome> {
  if (row.state === 'ended' || row.state === 'failed') return 'ignored'
  if (row.state === 'ringing') return failed(tx, row, 487, now)
  const answeredAt = row.answeredAt ?? now
  const [updated] = await tx
    .update(calls)
    .set({
      state: 'ended',
      endedAt: now,
      durationSec: Math.max(0, Math.round((now.getTime() - answeredAt.getTime()) / 1000)),
    })
    .where(eq(calls.id, row.id))
    .returning()
  if (!updated) return 'ignored'
  await publishCall(tx, updated)
  await publishBusy(tx, row.tenantId, [updated.callerEmployeeId, updated.answeredById], false, updated.id)
  return 'applied'
}

/**
 * Ends a record whose dialog Kamailio no longer has (reconcile.ts): an answered call ends now, a
 * ringing one fails (a client's becomes a missed call). `row` must be locked (callBySipId).
 */
export function endLost(tx: Tx, row: CallRow, now: Date): Promise<DialogOutcome> {
  return row.state === 'answered' ? end(tx, row, now) : failed(tx, row, 480, now, LOST_REASON)
}

/** What the history says of a call the PBX lost without any report. */
const LOST_REASON = 'Call lost'

/**
 * Probe 12 #12 (C10): the colleagues a call rang who never got it and whose own call it is to see — a
 * transfer leg's targets ("Missed transfer from Anna") and those a colleague's call rang (a
 * consultation). A client's call to a group is the team's Missed list instead (C9).
 */
export function missedBy(row: Pick<CallRow, 'transferOfId' | 'direction' | 'offeredIds'>): string[] {
  return row.transferOfId !== null || row.direction === 'internal' ? [...row.offeredIds] : []
}

/**
 * Probe 12 #12: a blind transfer's leg that failed while the call it came from is still answered —
 * the client is back with the operator who transferred him, so it is no missed call of the team
 * (no Missed row, no missed-call push); the target still has it in My calls (`missedBy`).
 */
async function backWithClient(tx: Tx, row: CallRow): Promise<boolean> {
  if (!row.transferOfId) return false
  const [original] = await tx
    .select({ state: calls.state })
    .from(calls)
    .where(and(eq(calls.tenantId, row.tenantId), eq(calls.id, row.transferOfId)))
  return original?.state === 'answered'
}

async function failed(
  tx: Tx,
  row: CallRow,
  rawCode: number,
  now: Date,
  reason?: string,
): Promise<DialogOutcome> {
  if (row.state !== 'ringing') return 'ignored'
  // tm's own ring timeout has no reply of its own: Kamailio reports 0 or 408 — nobody answered.
  const code = rawCode >= 300 ? rawCode : 408
  const missed = row.direction === 'in' && !(await backWithClient(tx, row))
  const [updated] = await tx
    .update(calls)
    .set({
      state: 'failed',
      endedAt: now,
      failureCode: code,
      failureReason: reason ?? reasonFor(code),
      missed,
      missedByIds: missedBy(row),
      plan: null,
      ringingIds: [],
    })
    .where(eq(calls.id, row.id))
    .returning()
  if (!updated) return 'ignored'
  await publishCall(tx, updated, { missedNow: missed })
  await publishRinging(tx, row.tenantId, row.ringingIds, [])
  if (updated.callerEmployeeId)
    await publishBusy(tx, row.tenantId, [updated.callerEmployeeId], false, updated.id)
  return 'applied'
}

/**
 * C5 blind transfer authorised on the server (issue 11 §1). Kamailio reports every REFER it relays
 * inside a call it set up (POST /internal/sip/refer, before relaying it): which side sent it and the
 * connection of the other side — the party referred. The server checks the call, the referrer (an
 * employee in it) and the target (the tenant's own domain), and grants that party exactly that target,
 * on that connection, for the tenant's transfer timeout, once. The transferee's INVITE is linked to
 * the original call only through such a grant; what the transferee writes (Referred-By) proves nothing.
 *
 *   REFER ──report──▶ granted ──INVITE from that connection to that target──▶ used (by its Call-ID)
 *                        └──────────── timeout passes ──────────────────────▶ expired (refused)
 */
import { and, count, desc, eq, gt, isNull, lte, or } from 'drizzle-orm'
import type { CallSettings, SipReferAnswer } from '../../../contract/calls.ts'
import { type Db, type Queryable, schema, type Tx } from '../../db/index.ts'
import { callSettings, callTransferGrants } from '../../db/schema-transfers.ts'
import { normalizeNumber, type RoutingSnapshot } from '../routing/index.ts'
import { GATEWAY_USER, GUEST_PREFIX } from './callers.ts'
import { callBySipId } from './records.ts'
import { type Loaded, loadRouting, tenantByDomain } from './snapshot.ts'
import type { CallRow } from './views.ts'

const { employees } = schema

export const DEFAULT_CALL_SETTINGS: CallSettings = { transferTimeoutSec: 30 }

/** A REFER inside a call, as server/sip read Kamailio's report. */
export interface ReferReport {
  /** The Call-ID of the call the REFER was sent in. */
  callId: string
  /** The domain of the call's (authenticated) caller: the tenant. */
  domain: string
  /** The Refer-To target's user and domain; null when it is not a SIP URI. */
  target: { user: string; domain: string } | null
  /** Refer-To carries Replaces (attended transfer, RFC 3891): routed by route.ts `attended`, no grant. */
  replaces: boolean
  /** Which side of the call sent the REFER. */
  side: 'caller' | 'callee'
  /** Kamailio's connection of the other side (`c<conid>`): the party referred. */
  transfereeConn: string
}

export type ReferVerdict = SipReferAnswer

/** Live grants one call may hold (probe 11 finding 6: REFERs in a call were unlimited). */
export const MAX_LIVE_GRANTS_PER_CALL = 10

const refuse = (code: number, reason: string): ReferVerdict => ({ action: 'reject', code, reason })

/** The tenant's call settings (defaults when never set). */
export async function callSettingsOf(q: Queryable, tenantId: string): Promise<CallSettings> {
  const [row] = await q.select().from(callSettings).where(eq(callSettings.tenantId, tenantId))
  return row ? { transferTimeoutSec: row.transferTimeoutSec } : { ...DEFAULT_CALL_SETTINGS }
}

/** Sets them (the route admits admins only). */
export async function setCallSettings(
  q: Queryable,
  tenantId: string,
  input: CallSettings,
): Promise<CallSettings> {
  await q
    .insert(callSettings)
    .values({ tenantId, ...input })
    .onConflictDoUpdate({ target: callSettings.tenantId, set: input })
  return input
}

/** POST /internal/sip/refer: grants the transfer leg, or says why the REFER must be refused. */
export async function grantTransfer(db: Db, r: ReferReport, now = new Date()): Promise<ReferVerdict> {
  const tenant = await tenantByDomain(db.orm, r.domain)
  if (!tenant) return refuse(404, 'Unknown domain')
  // Attended transfer: the INVITE with Replaces is checked against the live consultation call.
  if (r.replaces) return { action: 'accept' }
  if (!r.target?.user) return refuse(400, 'Bad Refer-To')
  // Another tenant's domain (or any host but ours) is never a target: nothing is granted.
  if (r.target.domain !== tenant.sipDomain) return refuse(403, 'Foreign target')
  if (!/^\+?[0-9A-Za-z*#._-]{1,64}$/.test(r.target.user)) return refuse(400, 'Bad Refer-To')
  const target = r.target.user
  return db.orm.transaction(async (tx): Promise<ReferVerdict> => {
    const call = await callBySipId(tx, tenant.id, r.callId)
    if (call?.state !== 'answered') return refuse(481, 'Call Does Not Exist')
    const parties = await partiesOf(tx, call, r.side)
    if (!parties) return refuse(403, 'Not a transfer of this call')
    // Probe 11 finding 7: a customer (site guest, the phone network) may only ever reach the company
    // (route.ts "Only company numbers"): a REFER elsewhere is refused here, before their side sees it.
    const customer =
      parties.transfereeUser === GATEWAY_USER || parties.transfereeUser.startsWith(GUEST_PREFIX)
    if (customer) {
      const got = await loadRouting(tx, { tenantId: tenant.id }, now)
      if (!got || !companyTarget(got.loaded.snapshot, target)) return refuse(403, 'Only company numbers')
    }
    const g = callTransferGrants
    // Probe 11 finding 6: expired grants are useless (useGrant needs a live one): they go here, and a
    // call holds at most MAX_LIVE_GRANTS_PER_CALL live ones (the call row is locked: no race past it).
    await tx.delete(g).where(and(eq(g.tenantId, tenant.id), lte(g.expiresAt, now)))
    const [live] = await tx
      .select({ n: count() })
      .from(g)
      .where(and(eq(g.tenantId, tenant.id), eq(g.callId, call.id)))
    if ((live?.n ?? 0) >= MAX_LIVE_GRANTS_PER_CALL) return refuse(403, 'Too many transfers')
    const { transferTimeoutSec } = await callSettingsOf(tx, tenant.id)
    await tx.insert(callTransferGrants).values({
      tenantId: tenant.id,
      callId: call.id,
      referrerId: parties.referrerId,
      transfereeUser: parties.transfereeUser,
      transfereeConn: r.transfereeConn,
      target,
      createdAt: now,
      expiresAt: new Date(now.getTime() + transferTimeoutSec * 1000),
    })
    return { action: 'accept' }
  })
}

/** An employee, a group or a virtual number of the tenant. */
function companyTarget(s: RoutingSnapshot, user: string): boolean {
  if (s.employees.some((e) => e.extension === user) || s.groups.some((g) => g.extension === user)) return true
  const n = normalizeNumber(user)
  return n !== null && s.virtualNumbers.some((v) => normalizeNumber(v.number) === n)
}

/** The referrer (an employee of the call, on the side that sent the REFER) and the party referred. */
async function partiesOf(tx: Tx, call: CallRow, side: ReferReport['side']) {
  if (side === 'callee') {
    if (!call.answeredById) return null
    return { referrerId: call.answeredById, transfereeUser: call.callerUser }
  }
  if (!call.callerEmployeeId) return null
  if (!call.answeredById) {
    // Our call out to the phone network: the gateway answered it.
    return call.direction === 'out'
      ? { referrerId: call.callerEmployeeId, transfereeUser: GATEWAY_USER }
      : null
  }
  const [callee] = await tx
    .select({ extension: employees.extension })
    .from(employees)
    .where(and(eq(employees.tenantId, call.tenantId), eq(employees.id, call.answeredById)))
  return callee ? { referrerId: call.callerEmployeeId, transfereeUser: callee.extension } : null
}

/** What route.ts needs to know of a granted leg: the original call and who transferred it. */
export interface GrantedLeg {
  row: CallRow
  referrer: { id: string; extension: string }
  /** The grant's end: the leg rings no longer (the transferor's app gives up then). */
  expiresAt: Date
}

/**
 * Uses the grant this INVITE matches — same tenant, the party referred on its own connection, exactly
 * the target named, not expired, unused or used by this very Call-ID while that leg rings (a re-sent
 * INVITE) — and returns
 * the call it came from. Null: no grant, and the INVITE is routed as any other from that caller.
 */
export async function useGrant(
  tx: Tx,
  l: Loaded,
  leg: { callId: string; user: string; conn: string; dialled: string },
  now: Date,
): Promise<GrantedLeg | null> {
  if (!leg.conn) return null
  const g = callTransferGrants
  const [grant] = await tx
    .select()
    .from(g)
    .where(
      and(
        eq(g.tenantId, l.tenant.id),
        eq(g.transfereeUser, leg.user),
        eq(g.transfereeConn, leg.conn),
        eq(g.target, leg.dialled),
        gt(g.expiresAt, now),
        or(isNull(g.usedByCallId), eq(g.usedByCallId, leg.callId)),
      ),
    )
    .orderBy(desc(g.createdAt))
    .limit(1)
    .for('update')
  if (!grant) return null
  // Probe 11 finding 1: a repeat of the Call-ID that used it passes only while that leg still rings
  // (a re-sent INVITE); once the leg was answered or is over, the grant is spent.
  if (grant.usedByCallId === leg.callId) {
    const legRow = await callBySipId(tx, l.tenant.id, leg.callId)
    if (legRow && legRow.state !== 'ringing') return null
  }
  // Compare-and-set: of two INVITEs racing for one grant, one wins.
  const [used] = await tx
    .update(g)
    .set({ usedByCallId: leg.callId, usedAt: now })
    .where(and(eq(g.id, grant.id), or(isNull(g.usedByCallId), eq(g.usedByCallId, leg.callId))))
    .returning({ id: g.id })
  if (!used) return null
  const [row] = await tx
    .select()
    .from(schema.calls)
    .where(and(eq(schema.calls.tenantId, l.tenant.id), eq(schema.calls.id, grant.callId)))
  const referrer = l.snapshot.employees.find((e) => e.id === grant.referrerId)
  return row && referrer
    ? { row, referrer: { id: referrer.id, extension: referrer.extension }, expiresAt: grant.expiresAt }
    : null
}

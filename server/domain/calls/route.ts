/**
 * POST /internal/sip/route (pbx/README.md): where a new INVITE goes. Finds the tenant by SIP domain,
 * says who is calling (employee, demo-site guest, the gateway = phone network), recognises transfer
 * legs (Referred-By, RFC 3892; Replaces, RFC 3891), asks server/domain/routing, keeps the hunt plan
 * for the failure_route, and writes the call record. Every answer is a SIP reply or a relay.
 */
import { and, desc, eq, gt, or, sql } from 'drizzle-orm'
import type { SipRouteAnswer, SipRouteBody } from '../../../contract/calls.ts'
import { type Db, schema, type Tx } from '../../db/index.ts'
import { GATEWAY_USER, GUEST_PREFIX, isGuestOf, parseSipUri, replacesCallId } from '../../sip/index.ts'
import {
  type Dialled,
  normalizeNumber,
  type RouteDecision,
  reachEmployee,
  routeCall,
  type Target,
} from '../routing/index.ts'
import { callBySipId, contactByDigits, digitsOf, publishCall, reasonFor } from './records.ts'
import { type Loaded, loadSnapshot, tenantByDomain } from './snapshot.ts'
import type { CallRow } from './views.ts'

const { calls, groups } = schema
type CallPlan = schema.CallPlan
type CallDirection = schema.CallDirection

/** A transferee's INVITE may follow the call it was in for this long after that call ended. */
const TRANSFER_WINDOW_MS = 60_000

type Caller =
  | { kind: 'employee'; user: string; id: string }
  | { kind: 'guest'; user: string }
  | { kind: 'gateway'; user: string }

const reject = (code: number, reason: string): SipRouteAnswer => ({ action: 'reject', code, reason })

/** Decides one route request; writes the call record and its events. */
export async function routeInvite(db: Db, body: SipRouteBody, now = new Date()): Promise<SipRouteAnswer> {
  const from = parseSipUri(body.from)
  const ruri = parseSipUri(body.ruri)
  if (!from || !ruri) return reject(400, 'Bad URI')
  // A contact's host is the browser's made-up one (RFC 7118 §5): the tenant is then the caller's.
  const toContact = /;alias=/i.test(body.ruri)
  const tenant = await tenantByDomain(db.orm, toContact ? from.host : body.domain)
  if (!tenant) return reject(404, 'Unknown domain')
  // The From domain is what auth_ephemeral checked; it must be the dialled tenant's.
  if (from.host !== tenant.sipDomain) return reject(403, 'Foreign domain')
  return db.orm.transaction(async (tx) => {
    // One routing decision at a time per tenant: round-robin cursors and hunt plans stay consistent.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`routing:${tenant.id}`}))`)
    const loaded = await loadSnapshot(tx, tenant, now)
    if (body.attempt !== undefined) return nextSet(tx, loaded, body, now)
    const caller = await whoCalls(tx, loaded, from.user, now)
    if (!caller) return reject(403, 'Unknown caller')
    if (body.replaces) return attended(tx, loaded, body, caller, now)
    // An INVITE to a colleague's registered contact rather than an AOR (SIP.js does this in transfers):
    // employees may, guests must go through a virtual number.
    if (toContact) {
      if (caller.kind !== 'employee') return reject(403, 'Only virtual numbers')
      const row = await upsert(tx, {
        tenantId: tenant.id,
        sipCallId: body.callId,
        direction: 'internal',
        state: 'ringing',
        callerUser: caller.user,
        fromNumber: caller.user,
        toNumber: ruri.user,
        peerNumber: ruri.user,
        callerEmployeeId: caller.id,
        startedAt: now,
      })
      await publishCall(tx, row)
      return { action: 'direct' }
    }
    const original = body.referredBy ? await transferredFrom(tx, loaded, body.referredBy, caller, now) : null
    return firstSet(tx, loaded, body, { caller, dialled: ruri.user, original }, now)
  })
}

async function whoCalls(tx: Tx, l: Loaded, user: string, now: Date): Promise<Caller | null> {
  const e = l.snapshot.employees.find((x) => x.extension === user)
  if (e) return { kind: 'employee', user, id: e.id }
  if (user === GATEWAY_USER) return { kind: 'gateway', user }
  if (user.startsWith(GUEST_PREFIX) && (await isGuestOf(tx, l.tenant.id, user, now)))
    return { kind: 'guest', user }
  return null
}

/**
 * The call a transferee was in (blind transfer, RFC 5589 §6): the referrer took part in it and the
 * transferee was its caller (or, for a call we placed to the phone network, its callee).
 */
async function transferredFrom(tx: Tx, l: Loaded, referredBy: string, caller: Caller, now: Date) {
  const ref = parseSipUri(referredBy)
  const referrer =
    ref && ref.host === l.tenant.sipDomain && l.snapshot.employees.find((e) => e.extension === ref.user)
  if (!referrer) return null
  const since = new Date(now.getTime() - TRANSFER_WINDOW_MS).toISOString()
  const transferee =
    caller.kind === 'employee'
      ? or(eq(calls.callerEmployeeId, caller.id), eq(calls.answeredById, caller.id))
      : caller.kind === 'gateway'
        ? or(eq(calls.callerUser, caller.user), eq(calls.direction, 'out'))
        : eq(calls.callerUser, caller.user)
  const [row] = await tx
    .select()
    .from(calls)
    .where(
      and(
        eq(calls.tenantId, l.tenant.id),
        or(eq(calls.callerEmployeeId, referrer.id), eq(calls.answeredById, referrer.id)),
        transferee,
        or(eq(calls.state, 'answered'), gt(calls.endedAt, sql`${since}::timestamptz`)),
      ),
    )
    .orderBy(desc(calls.startedAt))
    .limit(1)
  return row ? { row, referrer } : null
}

interface FirstSetInput {
  caller: Caller
  dialled: string
  original: { row: CallRow; referrer: { id: string; extension: string } } | null
}

async function firstSet(tx: Tx, l: Loaded, body: SipRouteBody, input: FirstSetInput, now: Date) {
  const { caller, dialled, original } = input
  const s = l.snapshot
  let decision: RouteDecision
  if (original) {
    // C5/C7: the transferor places the new leg — their outgoing right, the target's incoming rules.
    decision = routeCall(s, { from: original.referrer.extension, fromIsEmployee: true, to: dialled })
  } else if (caller.kind === 'employee') {
    decision = routeCall(s, { from: caller.user, fromIsEmployee: true, to: dialled })
  } else {
    // Guests and the phone network reach the company through its virtual numbers only (no toll fraud).
    const n = normalizeNumber(dialled)
    const isVn = n !== null && s.virtualNumbers.some((v) => normalizeNumber(v.number) === n)
    if (!isVn) return reject(403, 'Only virtual numbers')
    decision = routeCall(s, { from: caller.user, fromIsEmployee: false, to: dialled })
  }
  const direction: CallDirection = original
    ? original.row.direction === 'out'
      ? 'in'
      : original.row.direction
    : caller.kind !== 'employee'
      ? 'in'
      : decision.dialled.kind === 'external'
        ? 'out'
        : 'internal'
  // The From display-name (RFC 3261 §20.20) carries the client's number, quoted as Kamailio's $fn keeps it.
  const clientNumber = normalizeNumber(body.fromName.replace(/^\s*"|"\s*$/g, '')) ?? ''
  const fromNumber = caller.kind === 'employee' ? caller.user : clientNumber || caller.user
  const toNumber = dialledNumber(l, decision.dialled, dialled)
  const peerNumber = original
    ? original.row.peerNumber
    : direction === 'in'
      ? fromNumber
      : direction === 'out'
        ? toNumber
        : toNumber
  const peerDigits = direction === 'internal' ? '' : digitsOf(peerNumber)
  const group = decision.dialled.kind === 'group' ? decision.dialled.groupId : (original?.row.groupId ?? null)
  const base = {
    tenantId: l.tenant.id,
    sipCallId: body.callId,
    direction,
    callerUser: caller.user,
    fromNumber,
    toNumber,
    peerNumber,
    peerDigits,
    virtualNumber:
      decision.dialled.kind === 'group'
        ? decision.dialled.virtualNumber
        : (original?.row.virtualNumber ?? null),
    callerEmployeeId: caller.kind === 'employee' ? caller.id : null,
    groupId: group,
    contactId:
      original?.row.contactId ?? (peerDigits ? await contactByDigits(tx, l.tenant.id, peerDigits) : null),
    transferOfId: original?.row.id ?? null,
    startedAt: now,
  }
  if (decision.action === 'reject') {
    // C9: a client nobody could take (busy, nobody available) is a missed call — of the group if any.
    const missed = direction === 'in'
    const row = await upsert(tx, {
      ...base,
      state: 'failed',
      endedAt: now,
      failureCode: decision.code,
      failureReason: decision.reason,
      missed,
      plan: null,
    })
    await publishCall(tx, row, { missedNow: missed })
    return reject(decision.code, decision.reason)
  }
  const plan: CallPlan = {
    sets: decision.sets.map((set) => [
      ...new Set(set.targets.flatMap((t) => (t.employeeId ? [t.employeeId] : []))),
    ]),
    used: 1,
    timeoutSec: decision.sets[0]?.timeoutSec ?? 0,
  }
  const first = decision.sets[0]?.targets ?? []
  plan.gatewayFor = first
    .filter((t) => t.via === 'mobile')
    .flatMap((t) => (t.employeeId ? [t.employeeId] : []))
  if (decision.rrCursor !== undefined && decision.dialled.kind === 'group') {
    await tx
      .update(groups)
      .set({ rrCursor: decision.rrCursor })
      .where(and(eq(groups.tenantId, l.tenant.id), eq(groups.id, decision.dialled.groupId)))
  }
  const row = await upsert(tx, { ...base, state: 'ringing', offeredIds: plan.sets[0] ?? [], plan })
  await publishCall(tx, row)
  return relay(l, first, plan)
}

function dialledNumber(l: Loaded, d: Dialled, raw: string): string {
  if (d.kind === 'external') return d.number
  if (d.kind === 'group')
    return d.virtualNumber ?? l.snapshot.groups.find((g) => g.id === d.groupId)?.extension ?? raw
  return raw
}

/**
 * Targets → what Kamailio rings. Softphones are AORs it looks up; mobile and external branches go to
 * the gateway. The demo gateway is a registered account: it is rung once, with the numbers the phone
 * network should dial in X-Frontline-Dial (forking the same AOR twice would be a merged request,
 * RFC 3261 §8.2.2.2).
 */
function relay(l: Loaded, targets: Target[], plan: CallPlan): SipRouteAnswer {
  const uris: string[] = []
  const dial: string[] = []
  const ownGateway = l.tenant.sipGateway === null
  for (const t of targets) {
    if (t.via === 'softphone' || !ownGateway) {
      uris.push(t.uri)
      continue
    }
    const number = parseSipUri(t.uri)?.user
    if (number) dial.push(number)
    uris.push(l.snapshot.gatewayUri)
  }
  return {
    action: 'relay',
    targets: [...new Set(uris)],
    timeoutSec: plan.timeoutSec,
    next: plan.used < plan.sets.length,
    dial: [...new Set(dial)].join(','),
  }
}

/** failure_route: the set timed out or declined — ring the next members still able to take it (C2, S1). */
async function nextSet(tx: Tx, l: Loaded, body: SipRouteBody, _now: Date): Promise<SipRouteAnswer> {
  const row = await callBySipId(tx, l.tenant.id, body.callId)
  if (row?.state !== 'ringing' || !row.plan) return reject(480, 'No answer')
  const plan = { ...row.plan }
  const byId = new Map(l.snapshot.employees.map((e) => [e.id, e]))
  while (plan.used < plan.sets.length) {
    const ids = plan.sets[plan.used] ?? []
    plan.used += 1
    const targets = ids.flatMap((id) => {
      const e = byId.get(id)
      const reach = e ? reachEmployee(l.snapshot, e) : null
      return reach?.ok ? reach.targets : []
    })
    if (!targets.length) continue
    plan.gatewayFor = targets
      .filter((t) => t.via === 'mobile')
      .flatMap((t) => (t.employeeId ? [t.employeeId] : []))
    const offered = [...new Set([...row.offeredIds, ...ids])]
    const [updated] = await tx
      .update(calls)
      .set({ plan, offeredIds: offered })
      .where(and(eq(calls.tenantId, l.tenant.id), eq(calls.id, row.id)))
      .returning()
    if (updated) await publishCall(tx, updated)
    return relay(l, targets, plan)
  }
  // The hunt is over: Kamailio replies 480 and reports the dialog as failed; that report marks it missed.
  await tx
    .update(calls)
    .set({ plan: null })
    .where(and(eq(calls.tenantId, l.tenant.id), eq(calls.id, row.id)))
  const code = body.lastCode && body.lastCode >= 400 ? body.lastCode : 480
  return reject(code === 408 ? 480 : code, code === 408 ? 'No answer' : reasonFor(code))
}

/**
 * Attended transfer (C6, RFC 3891): the transferee's INVITE with Replaces goes straight to the
 * contact in its R-URI, but only if it replaces a live call of this tenant.
 */
async function attended(
  tx: Tx,
  l: Loaded,
  body: SipRouteBody,
  caller: Caller,
  now: Date,
): Promise<SipRouteAnswer> {
  const replaced = replacesCallId(body.replaces)
  const target = replaced ? await callBySipId(tx, l.tenant.id, replaced) : null
  if (!target || (target.state !== 'answered' && target.state !== 'ringing')) {
    return reject(481, 'Call Does Not Exist')
  }
  const referrer = target.callerEmployeeId
  const original = referrer
    ? await transferredFrom(
        tx,
        l,
        `sip:${l.snapshot.employees.find((e) => e.id === referrer)?.extension}@${l.tenant.sipDomain}`,
        caller,
        now,
      )
    : null
  const row = await upsert(tx, {
    tenantId: l.tenant.id,
    sipCallId: body.callId,
    direction: original?.row.direction ?? 'internal',
    state: 'ringing',
    callerUser: caller.user,
    fromNumber: original?.row.fromNumber ?? caller.user,
    toNumber: target.toNumber,
    peerNumber: original?.row.peerNumber ?? caller.user,
    peerDigits: original?.row.peerDigits ?? '',
    virtualNumber: original?.row.virtualNumber ?? null,
    callerEmployeeId: caller.kind === 'employee' ? caller.id : null,
    groupId: original?.row.groupId ?? null,
    contactId: original?.row.contactId ?? null,
    transferOfId: original?.row.id ?? target.id,
    offeredIds: target.answeredById ? [target.answeredById] : [],
    startedAt: now,
    plan: null,
  })
  await publishCall(tx, row)
  return { action: 'direct' }
}

type NewCall = typeof calls.$inferInsert

/** Insert, or (a repeated initial INVITE) replace the record of this Call-ID. */
async function upsert(tx: Tx, values: NewCall): Promise<CallRow> {
  const { tenantId: _t, sipCallId: _s, ...rest } = values
  const [row] = await tx
    .insert(calls)
    .values(values)
    .onConflictDoUpdate({ target: [calls.tenantId, calls.sipCallId], set: rest })
    .returning()
  if (!row) throw new Error('call upsert returned nothing')
  return row
}

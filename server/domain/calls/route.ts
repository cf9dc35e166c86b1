/**
 * POST /internal/sip/route (pbx/README.md): where a new INVITE goes. server/sip reads Kamailio's
 * report (URIs, headers, source address) into plain values (RouteRequest); here the tenant is found
 * by its domain, the caller named (employee, demo-site guest, the gateway = phone network), transfer
 * legs recognised (a REFER's grant, transfer-grant.ts; Replaces, RFC 3891), server/domain/routing asked, the hunt
 * plan kept for the failure_route, and the call record written. Every answer is a SIP reply or a relay.
 */

import { and, desc, eq, getTableColumns, gt, isNull, or, sql } from 'drizzle-orm'
import type { SipRouteAnswer } from '../../../contract/calls.ts'
import { type Db, schema, type Tx } from '../../db/index.ts'
import { addressKey } from '../address-key.ts'
import {
  type Dialled,
  normalizeNumber,
  type RouteDecision,
  type RoutingSnapshot,
  reachEmployee,
  routeCall,
  type Target,
} from '../routing/index.ts'
import { GATEWAY_USER, GUEST_PREFIX } from './callers.ts'
import { consultedCall } from './consult.ts'
import { guestHit } from './guest-limits.ts'
import { callBySipId, contactByDigits, digitsOf, publishCall, publishRinging, reasonFor } from './records.ts'
import { type Loaded, loadRouting } from './snapshot.ts'
import { useGrant } from './transfer-grant.ts'
import { type CallRow, viewOf } from './views.ts'
import { queueCallWake, wakeIds, wakeSecFor } from './wake.ts'

const { calls, groups } = schema
type CallPlan = schema.CallPlan
type CallDirection = schema.CallDirection

/** A transferee's INVITE may follow the call it was in for this long after that call ended. */
const TRANSFER_WINDOW_MS = 60_000

type Caller =
  | { kind: 'employee'; user: string; id: string }
  | { kind: 'guest'; user: string }
  | { kind: 'gateway'; user: string }

/** A line's user and (lower-case) domain, as server/sip read them from a SIP URI. */
export interface LineAddress {
  user: string
  domain: string
}

/** A new INVITE, or the failure_route asking for the next set, as server/sip read Kamailio's report. */
export interface RouteRequest {
  callId: string
  /** The domain Kamailio routed the INVITE in. */
  domain: string
  /** The caller (From): the user and domain auth_ephemeral checked. */
  from: LineAddress
  /** The caller's display name unquoted: the client's number, for a guest what the visitor typed. */
  fromName: string
  /** The user of the R-URI: what was dialled (or a device's contact user, see `toDevice`). */
  dialled: string
  /** The R-URI is a registered contact (a device), not an AOR: `to` then says whose line it is. */
  toDevice: boolean
  /** The To header; null when it is not a SIP address. */
  to: LineAddress | null
  /** Referred-By of a transferee's INVITE: informative only, never trusted (a grant links the leg). */
  referredBy: LineAddress | null
  /** An attended transfer: the Call-ID of the call it replaces (null when unreadable); absent otherwise. */
  replaces?: { callId: string | null }
  /** The client address the INVITE came from (no port); '' when unknown. */
  sourceAddress: string
  /** Kamailio's connection the INVITE came on (`c<conid>`); '' when not reported. */
  conn?: string
  /** failure_route: the number of the target set that just failed (1 = the first). */
  attempt?: number
  /** failure_route: the final code of that set (408 = ring timeout). */
  lastCode?: number
}

const reject = (code: number, reason: string): SipRouteAnswer => ({ action: 'reject', code, reason })

/** Decides one route request; writes the call record and its events. */
export async function routeInvite(db: Db, body: RouteRequest, now = new Date()): Promise<SipRouteAnswer> {
  const { from } = body
  // A device's contact has the browser's made-up host (RFC 7118 §5): the tenant is then the caller's.
  const toContact = body.toDevice
  // Tenant, snapshot and "is this guest line live" in one statement, outside the transaction: under
  // READ COMMITTED a transaction's reads see no steadier picture than this, and the writes below are
  // guarded on their own (call row FOR UPDATE, round-robin cursor compare-and-set).
  const guestUser = body.attempt === undefined && from.user.startsWith(GUEST_PREFIX) ? from.user : null
  // This call's own ringing (a repeated INVITE, the hunt's previous set) does not make anyone unavailable to it.
  const domain = toContact ? from.domain : body.domain
  const got = await loadRouting(db.orm, { domain }, now, guestUser, body.callId)
  if (!got) return reject(404, 'Unknown domain')
  const loaded = got.loaded
  // The From domain is what auth_ephemeral checked; it must be the dialled tenant's.
  if (from.domain !== loaded.tenant.sipDomain) return reject(403, 'Foreign domain')
  if (body.attempt !== undefined) return db.orm.transaction((tx) => nextSet(tx, loaded, body, now))
  const caller = whoCalls(loaded, from.user, got.guest)
  if (!caller) return reject(403, 'Unknown caller')
  return db.orm.transaction(async (tx) => {
    // Probe 11 finding 2: a Call-ID is visible to every employee (call list, events, pushes). Only the
    // same caller's repeat of an INVITE still ringing may reach a record that exists; anyone else's
    // INVITE with it (or any once the call was answered or is over) would rewrite another's call.
    const known = await callBySipId(tx, loaded.tenant.id, body.callId)
    if (known && (known.callerUser !== caller.user || known.state !== 'ringing')) {
      return reject(403, 'Call-ID in use')
    }
    if (body.replaces) return attended(tx, loaded, body, caller, now)
    // An INVITE to a registered contact rather than an AOR without Replaces gets no direct path: the
    // contact's owner is not known here, so it is routed like any INVITE to the AOR in its To header
    // (S1 statuses, C2 busy, this tenant only) and Kamailio rings that AOR's contacts.
    let dialled = body.dialled
    if (toContact) {
      if (caller.kind !== 'employee') return reject(403, 'Only virtual numbers')
      const to = body.to
      if (!to || to.domain !== loaded.tenant.sipDomain || !to.user) return reject(404, 'Not Found')
      dialled = to.user
    }
    // C5 (issue 11 §1): a blind transfer's leg is linked only through the grant its REFER earned
    // (transfer-grant.ts); Referred-By, the transferee's own header, proves nothing.
    const original = await useGrant(
      tx,
      loaded,
      { callId: body.callId, user: caller.user, conn: body.conn ?? '', dialled },
      now,
    )
    return firstSet(tx, loaded, body, { caller, dialled, original }, now)
  })
}

/** Counts a guest's INVITE against its line and its address (both are counted, even when one is over). */
async function guestCallAllowed(tx: Tx, user: string, address: string, now: Date): Promise<boolean> {
  const line = await guestHit(tx, 'callsPerLine', user, now)
  const fromAddress = address ? await guestHit(tx, 'callsPerAddress', addressKey(address), now) : true
  return line && fromAddress
}

/** `liveGuest`: the snapshot query found `user` to be a live guest line of this tenant. */
function whoCalls(l: Loaded, user: string, liveGuest: boolean): Caller | null {
  const e = l.snapshot.employees.find((x) => x.extension === user)
  if (e) return { kind: 'employee', user, id: e.id }
  if (user === GATEWAY_USER) return { kind: 'gateway', user }
  if (user.startsWith(GUEST_PREFIX) && liveGuest) return { kind: 'guest', user }
  return null
}

/**
 * The call a transferee was in (blind transfer, RFC 5589 §6): the referrer took part in it and the
 * transferee was its caller (or, for a call we placed to the phone network, its callee).
 */
async function transferredFrom(tx: Tx, l: Loaded, ref: LineAddress, caller: Caller, now: Date) {
  const referrer =
    ref.domain === l.tenant.sipDomain && l.snapshot.employees.find((e) => e.extension === ref.user)
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
        // A guest or the phone network is only ever transferred out of a call still in progress (the
        // transferor hangs up after the NOTIFY 2xx): an ended call makes no Referred-By believable.
        caller.kind === 'employee'
          ? or(eq(calls.state, 'answered'), gt(calls.endedAt, sql`${since}::timestamptz`))
          : eq(calls.state, 'answered'),
      ),
    )
    .orderBy(desc(calls.startedAt))
    .limit(1)
  return row ? { row, referrer } : null
}

interface FirstSetInput {
  caller: Caller
  dialled: string
  original: { row: CallRow; referrer: { id: string; extension: string }; expiresAt?: Date } | null
}

/**
 * The ring timeout of the set about to ring: a transfer leg's sets never ring past its grant's end
 * (`plan.deadline`), so Kamailio cancels the target's INVITE when the transfer has failed (C5).
 */
function ringPlan(plan: CallPlan, now: Date): CallPlan {
  if (!plan.deadline) return plan
  const left = Math.max(1, Math.floor((Date.parse(plan.deadline) - now.getTime()) / 1000))
  return { ...plan, timeoutSec: plan.timeoutSec > 0 ? Math.min(plan.timeoutSec, left) : left }
}

async function firstSet(tx: Tx, l: Loaded, body: RouteRequest, input: FirstSetInput, now: Date) {
  const { caller, dialled, original } = input
  // Issue 6 §4: a public guest line must not flood the company with calls (and missed calls). Every
  // guest INVITE counts except a believable transfer leg (the operator's REFER, not the guest, placed
  // it); one refused is not recorded at all.
  if (
    caller.kind === 'guest' &&
    !original &&
    !(await guestCallAllowed(tx, caller.user, body.sourceAddress, now))
  ) {
    return reject(403, 'Too many calls')
  }
  // C5/C7: a transfer leg is placed by the transferor — their outgoing right, the target's incoming rules.
  const decide = (s: RoutingSnapshot): RouteDecision =>
    original
      ? routeCall(s, { from: original.referrer.extension, fromIsEmployee: true, to: dialled })
      : routeCall(s, { from: caller.user, fromIsEmployee: caller.kind === 'employee', to: dialled })
  if (!original && caller.kind !== 'employee') {
    // Guests and the phone network reach the company through its virtual numbers only (no toll fraud).
    const n = normalizeNumber(dialled)
    const isVn = n !== null && l.snapshot.virtualNumbers.some((v) => normalizeNumber(v.number) === n)
    if (!isVn) return reject(403, 'Only virtual numbers')
  }
  const first0 = decide(l.snapshot)
  if (original && caller.kind !== 'employee') {
    // Even a granted leg from a guest or the phone network may only reach the company itself (a colleague, a group, a virtual number), never the phone network
    // on the company's account (toll fraud).
    const k = first0.dialled.kind
    if (k !== 'employee' && k !== 'group') return reject(403, 'Only company numbers')
  }
  const decision = await claimCursor(tx, l, first0, decide)
  const direction: CallDirection = original
    ? original.row.direction === 'out'
      ? 'in'
      : original.row.direction
    : caller.kind !== 'employee'
      ? 'in'
      : decision.dialled.kind === 'external'
        ? 'out'
        : 'internal'
  // The caller's display name carries the client's number. From the phone network it is the network's
  // caller ID; from a demo-site guest it is whatever the visitor typed (issue 6 §4): kept as "given by
  // the visitor" and never matched to a contact.
  const clientNumber = normalizeNumber(body.fromName) ?? ''
  const fromNumber = caller.kind === 'employee' ? caller.user : clientNumber || caller.user
  const given = original ? original.row.peerGiven : caller.kind === 'guest' && clientNumber !== ''
  const toNumber = dialledNumber(l, decision.dialled, dialled)
  const peerNumber = original
    ? original.row.peerNumber
    : direction === 'in'
      ? fromNumber
      : direction === 'out'
        ? toNumber
        : toNumber
  const peerDigits = direction === 'internal' ? '' : digitsOf(peerNumber)
  const contact =
    !original?.row.contactId && peerDigits && !given
      ? await contactByDigits(tx, l.tenant.id, peerDigits)
      : null
  const group = decision.dialled.kind === 'group' ? decision.dialled.groupId : (original?.row.groupId ?? null)
  // Probe 12 #15: a colleague called while the caller has a client's call answered is a consultation.
  const consultOfId =
    caller.kind === 'employee' && !original && direction === 'internal'
      ? await consultedCall(tx, l.tenant.id, caller.id)
      : null
  const base = {
    tenantId: l.tenant.id,
    sipCallId: body.callId,
    direction,
    callerUser: caller.user,
    fromNumber,
    toNumber,
    peerNumber,
    peerDigits,
    peerGiven: given,
    virtualNumber:
      decision.dialled.kind === 'group' || decision.dialled.kind === 'employee'
        ? (decision.dialled.virtualNumber ?? original?.row.virtualNumber ?? null)
        : (original?.row.virtualNumber ?? null),
    callerEmployeeId: caller.kind === 'employee' ? caller.id : null,
    groupId: group,
    contactId: original?.row.contactId ?? contact?.id ?? null,
    transferOfId: original?.row.id ?? null,
    consultOfId,
    startedAt: now,
  }
  if (decision.action === 'reject') {
    // C9: a client nobody could take (busy, nobody available) is a missed call — of the group if any.
    // A transfer leg refused is not (probe 12 #12): the client is still with the one who transferred him.
    const missed = direction === 'in' && !original
    const row = await upsert(tx, {
      ...base,
      state: 'failed',
      endedAt: now,
      failureCode: decision.code,
      failureReason: decision.reason,
      missed,
      plan: null,
      ringingIds: [],
    })
    await publishRouted(tx, l, row, contact, { missedNow: missed })
    return reject(decision.code, decision.reason)
  }
  const plan: CallPlan = {
    sets: decision.sets.map((set) => [
      ...new Set(set.targets.flatMap((t) => (t.employeeId ? [t.employeeId] : []))),
    ]),
    used: 1,
    timeoutSec: decision.sets[0]?.timeoutSec ?? 0,
    ...(original?.expiresAt ? { deadline: original.expiresAt.toISOString() } : {}),
  }
  const first = decision.sets[0]?.targets ?? []
  plan.gatewayFor = first
    .filter((t) => t.via === 'mobile')
    .flatMap((t) => (t.employeeId ? [t.employeeId] : []))
  const ringing = ringingIds(first)
  const row = await upsert(tx, {
    ...base,
    state: 'ringing',
    offeredIds: plan.sets[0] ?? [],
    plan,
    ringingIds: ringing,
  })
  await publishRouted(tx, l, row, contact)
  await publishRinging(tx, l.tenant.id, [], ringing)
  // A transfer leg rings (and waits for a woken app) no longer than its grant: the push's TTL too.
  const ring = ringPlan(plan, now)
  await queueCallWake(tx, row, {
    employeeIds: wakeIds(first),
    attempt: 1,
    ttlSec: wakeSecFor(ring.timeoutSec),
    fromName: contact?.name ?? null,
    groupName: group ? (l.groupNames.get(group) ?? null) : null,
    now,
  })
  return relay(l, first, ring)
}

/**
 * Round robin: the group's cursor moves from the value this decision was made with to its new first
 * member as a compare-and-set, so two calls routed at once never both start at the same member (no
 * tenant-wide lock: other calls do not wait). The loser re-reads the cursor under the group row's lock
 * (held to commit) and decides again.
 */
async function claimCursor(
  tx: Tx,
  l: Loaded,
  decision: RouteDecision,
  decide: (s: RoutingSnapshot) => RouteDecision,
): Promise<RouteDecision> {
  if (decision.action !== 'relay' || decision.rrCursor === undefined || decision.dialled.kind !== 'group')
    return decision
  const groupId = decision.dialled.groupId
  const ofGroup = and(eq(groups.tenantId, l.tenant.id), eq(groups.id, groupId))
  const seen = l.snapshot.groups.find((g) => g.id === groupId)?.rrCursor ?? null
  const moved = await tx
    .update(groups)
    .set({ rrCursor: decision.rrCursor })
    .where(and(ofGroup, seen === null ? isNull(groups.rrCursor) : eq(groups.rrCursor, seen)))
    .returning({ id: groups.id })
  if (moved.length) return decision
  const [locked] = await tx.select({ cursor: groups.rrCursor }).from(groups).where(ofGroup).for('update')
  if (!locked) return decision
  const again = decide({
    ...l.snapshot,
    groups: l.snapshot.groups.map((g) => (g.id === groupId ? { ...g, rrCursor: locked.cursor } : g)),
  })
  if (again.action === 'relay' && again.rrCursor !== undefined) {
    await tx.update(groups).set({ rrCursor: again.rrCursor }).where(ofGroup)
  }
  return again
}

function dialledNumber(l: Loaded, d: Dialled, raw: string): string {
  if (d.kind === 'external') return d.number
  if (d.kind === 'employee' && d.virtualNumber) return d.virtualNumber
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
    // A closed app has no contact to look up yet: Kamailio rings it (`wake`) once it registers.
    if (t.wake) continue
    if (t.via === 'softphone' || !ownGateway) {
      uris.push(t.uri)
      continue
    }
    if (t.number) dial.push(t.number)
    uris.push(l.snapshot.gatewayUri)
  }
  const wake = [...new Set(targets.flatMap((t) => (t.wake ? [t.uri] : [])))]
  return {
    action: 'relay',
    targets: [...new Set(uris)],
    timeoutSec: plan.timeoutSec,
    next: plan.used < plan.sets.length,
    dial: [...new Set(dial)].join(','),
    ...(wake.length ? { wake, wakeSec: wakeSecFor(plan.timeoutSec) } : {}),
  }
}

/** The employees a set of targets rings (softphone or mobile), each once. */
function ringingIds(targets: Target[]): string[] {
  return [...new Set(targets.flatMap((t) => (t.employeeId ? [t.employeeId] : [])))]
}

/** failure_route: the set timed out or declined — ring the next members still able to take it (C2, S1). */
async function nextSet(tx: Tx, l: Loaded, body: RouteRequest, now: Date): Promise<SipRouteAnswer> {
  const row = await callBySipId(tx, l.tenant.id, body.callId)
  if (row?.state !== 'ringing' || !row.plan) return reject(480, 'No answer')
  const plan = { ...row.plan }
  // A transfer leg whose grant is over rings nobody else: the hunt ends as if every set rang out.
  const over = plan.deadline !== undefined && Date.parse(plan.deadline) <= now.getTime()
  if (over) plan.used = plan.sets.length
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
    const ringing = ringingIds(targets)
    const [updated] = await tx
      .update(calls)
      .set({ plan, offeredIds: offered, ringingIds: ringing })
      .where(and(eq(calls.tenantId, l.tenant.id), eq(calls.id, row.id)))
      .returning()
    if (updated) await publishCall(tx, updated)
    await publishRinging(tx, l.tenant.id, row.ringingIds, ringing)
    const ring = ringPlan(plan, now)
    await queueCallWake(tx, updated ?? row, {
      employeeIds: wakeIds(targets),
      attempt: plan.used,
      ttlSec: wakeSecFor(ring.timeoutSec),
      fromName: null,
      groupName: row.groupId ? (l.groupNames.get(row.groupId) ?? null) : null,
      now,
    })
    return relay(l, targets, ring)
  }
  // The hunt is over: Kamailio replies 480 and reports the dialog as failed; that report marks it missed.
  // Nobody rings any more meanwhile.
  await tx
    .update(calls)
    .set({ plan: null, ringingIds: [] })
    .where(and(eq(calls.tenantId, l.tenant.id), eq(calls.id, row.id)))
  await publishRinging(tx, l.tenant.id, row.ringingIds, [])
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
  body: RouteRequest,
  caller: Caller,
  now: Date,
): Promise<SipRouteAnswer> {
  const replaced = body.replaces?.callId
  const target = replaced ? await callBySipId(tx, l.tenant.id, replaced) : null
  if (!target || (target.state !== 'answered' && target.state !== 'ringing')) {
    return reject(481, 'Call Does Not Exist')
  }
  // Only the contact of a registered employee of this tenant on the far end of the replaced call
  // (the transfer target: the consultation's callee) may be reached this way — never the phone
  // network, a guest, or someone outside the call.
  const calleeIds = target.answeredById ? [target.answeredById] : target.offeredIds
  const callee = l.snapshot.employees.find(
    (e) => calleeIds.includes(e.id) && e.id !== target.callerEmployeeId && e.registered,
  )
  if (!callee || !body.toDevice) return reject(403, 'Not a transfer target')
  const referrer = l.snapshot.employees.find((e) => e.id === target.callerEmployeeId)
  const original = referrer
    ? await transferredFrom(tx, l, { user: referrer.extension, domain: l.tenant.sipDomain }, caller, now)
    : null
  // A guest or the phone network replaces a call only as the transferee of a call still in progress.
  if (!original && caller.kind !== 'employee') return reject(403, 'Not a transfer target')
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
    peerGiven: original?.row.peerGiven ?? false,
    virtualNumber: original?.row.virtualNumber ?? null,
    callerEmployeeId: caller.kind === 'employee' ? caller.id : null,
    groupId: original?.row.groupId ?? null,
    contactId: original?.row.contactId ?? null,
    transferOfId: original?.row.id ?? target.id,
    offeredIds: [callee.id],
    startedAt: now,
    plan: null,
    // Replaces takes over the callee's live dialog: their phone does not ring.
    ringingIds: [],
  })
  await publishRouted(tx, l, row)
  return { action: 'direct' }
}

type NewCall = typeof calls.$inferInsert
type Upserted = CallRow & { hasRecording: boolean }

/**
 * Insert, or (a repeated initial INVITE) replace the record of this Call-ID. Also says whether the
 * call has a recording (only a replaced record can), so its view needs no further query.
 */
async function upsert(tx: Tx, values: NewCall): Promise<Upserted> {
  const { tenantId: _t, sipCallId: _s, ...rest } = values
  const [row] = await tx
    .insert(calls)
    .values(values)
    .onConflictDoUpdate({ target: [calls.tenantId, calls.sipCallId], set: rest })
    .returning({
      ...getTableColumns(calls),
      hasRecording: sql<boolean>`EXISTS (SELECT 1 FROM call_recordings r WHERE r.call_id = ${calls.id})`,
    })
  if (!row) throw new Error('call upsert returned nothing')
  return row
}

/**
 * `call.updated` for a record the route request wrote: its view comes from the snapshot's names (and
 * the contact just looked up) instead of toView's queries — unless it links a contact whose name we
 * do not have (a transfer leg inheriting the original call's contact).
 */
async function publishRouted(
  tx: Tx,
  l: Loaded,
  row: Upserted,
  contact: { id: string; name: string } | null = null,
  opts: { missedNow?: boolean } = {},
): Promise<void> {
  const { hasRecording, ...plain } = row
  if (plain.contactId && plain.contactId !== contact?.id) return publishCall(tx, plain, opts)
  // C1: the incoming screen shows the virtual number's name and who transferred: toView looks them up.
  if (plain.virtualNumber || plain.transferOfId || plain.consultOfId) return publishCall(tx, plain, opts)
  const view = viewOf(plain, {
    employees: l.names,
    groups: l.groupNames,
    contacts: new Map(contact ? [[contact.id, contact.name]] : []),
    recorded: new Set(hasRecording ? [plain.id] : []),
  })
  await publishCall(tx, plain, opts, view)
}

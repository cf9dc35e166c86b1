/**
 * Who may ring, and where (SPEC S1 columns "incoming calls to softphone" / "to mobile number", C2).
 * Reads the status matrix as data; never compares status names.
 */
import { type PresenceInput, presenceOf } from '../../../contract/presence.ts'
import { gatewayTarget, normalizeNumber } from './numbers.ts'
import type { RoutingEmployee, RoutingSnapshot, Target } from './types.ts'

/** Why an employee cannot take a call right now. */
export type Unreachable = 'busy' | 'status' | 'offline'

export type Reach = { ok: true; targets: Target[] } | { ok: false; why: Unreachable }

/** The fork branches for one employee, by the shared presence rule (contract/presence.ts). */
export function reachEmployee(snapshot: RoutingSnapshot, e: RoutingEmployee): Reach {
  const mobile = e.mobile === null ? null : normalizeNumber(e.mobile)
  const p = presenceOf(presenceInput(snapshot, e))
  // Ringing for another call counts as busy (C2 no call waiting): a direct call gets 486.
  if (p.state === 'on_call' || p.state === 'ringing') return { ok: false, why: 'busy' }
  if (p.state === 'unavailable') return { ok: false, why: 'status' }
  const uri = `sip:${e.extension}@${snapshot.domain}`
  // N1 §3: the status wants the app, which is closed (no line) but can be woken by a push.
  const wake =
    !e.registered && !!e.wakeable && !!snapshot.matrix.find((d) => d.id === e.status)?.allows.softphoneIn
  const targets: Target[] = []
  if (wake) targets.push({ uri, employeeId: e.id, via: 'softphone', wake: true })
  if (!p.mayCall) return targets.length > 0 ? { ok: true, targets } : { ok: false, why: 'offline' }
  if (p.via.softphone) targets.push({ uri, employeeId: e.id, via: 'softphone' })
  if (p.via.mobile && mobile) {
    targets.push({
      uri: gatewayTarget(snapshot.gatewayUri, mobile),
      employeeId: e.id,
      via: 'mobile',
      number: mobile,
    })
  }
  return targets.length > 0 ? { ok: true, targets } : { ok: false, why: 'offline' }
}

/** What routing knows about `e`, as the presence rule's input. */
export function presenceInput(snapshot: RoutingSnapshot, e: RoutingEmployee): PresenceInput {
  const mobile = e.mobile === null ? null : normalizeNumber(e.mobile)
  return {
    status: snapshot.matrix.find((d) => d.id === e.status),
    line: e.registered,
    mobile: mobile !== null && snapshot.gatewayReachable !== false,
    onCall: e.inCall,
    ringing: e.ringing === true,
  }
}

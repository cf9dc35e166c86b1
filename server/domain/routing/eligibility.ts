/**
 * Who may ring, and where (SPEC S1 columns "incoming calls to softphone" / "to mobile number", C2).
 * Reads the status matrix as data; never compares status names.
 */
import { statusAllows } from '../../../contract/status.ts'
import { gatewayTarget, normalizeNumber } from './numbers.ts'
import type { RoutingEmployee, RoutingSnapshot, Target } from './types.ts'

/** Why an employee cannot take a call right now. */
export type Unreachable = 'busy' | 'status' | 'offline'

export type Reach = { ok: true; targets: Target[] } | { ok: false; why: Unreachable }

/** The fork branches for one employee: softphone if allowed and registered, mobile if allowed and known. */
export function reachEmployee(snapshot: RoutingSnapshot, e: RoutingEmployee): Reach {
  if (e.inCall) return { ok: false, why: 'busy' }
  const softphone = statusAllows(snapshot.matrix, e.status, 'softphoneIn')
  const mobileAllowed = statusAllows(snapshot.matrix, e.status, 'mobileIn')
  if (!softphone && !mobileAllowed) return { ok: false, why: 'status' }
  const targets: Target[] = []
  if (softphone && e.registered) {
    targets.push({ uri: `sip:${e.extension}@${snapshot.domain}`, employeeId: e.id, via: 'softphone' })
  }
  const mobile = e.mobile === null ? null : normalizeNumber(e.mobile)
  if (mobileAllowed && mobile && snapshot.gatewayReachable !== false) {
    targets.push({ uri: gatewayTarget(snapshot.gatewayUri, mobile), employeeId: e.id, via: 'mobile' })
  }
  return targets.length > 0 ? { ok: true, targets } : { ok: false, why: 'offline' }
}

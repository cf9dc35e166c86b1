/**
 * Where a new INVITE goes (ARCHITECTURE "Calls": Kamailio asks `/internal/sip/route`). Order of checks:
 * 1. an employee caller whose status forbids outgoing calls → 403 (S1 "outgoing calls" column, S5);
 * 2. the dialled user part as an employee extension → their softphone/mobile, or 486 if busy (C2);
 * 3. as a group extension or a virtual number → the group's strategy over eligible members, or 480;
 * 4. as a public number dialled by an employee → the gateway; anything else → 404.
 */
import { statusAllows } from '../../../contract/status.ts'
import { reachEmployee } from './eligibility.ts'
import { gatewayTarget, isPublicNumber, normalizeNumber } from './numbers.ts'
import { type EligibleMember, planGroup } from './strategy.ts'
import type { RouteDecision, RouteRequest, RoutingEmployee, RoutingGroup, RoutingSnapshot } from './types.ts'

/** Decide how to route one call; pure, so the server can log and replay every decision. */
export function routeCall(snapshot: RoutingSnapshot, request: RouteRequest): RouteDecision {
  const to = request.to.trim()
  const caller = request.fromIsEmployee
    ? snapshot.employees.find((e) => e.extension === request.from)
    : undefined

  if (request.fromIsEmployee) {
    if (!caller) return reject(403, 'Unknown employee')
    if (!statusAllows(snapshot.matrix, caller.status, 'outgoing')) {
      return reject(403, 'Status forbids outgoing calls')
    }
  }

  const callee = snapshot.employees.find((e) => e.extension === to)
  if (callee) return routeEmployee(snapshot, callee, null)

  const group = snapshot.groups.find((g) => g.extension === to)
  if (group) return routeGroup(snapshot, group, null, caller?.id ?? null)

  const number = normalizeNumber(to)
  if (number !== null) {
    const vn = snapshot.virtualNumbers.find((v) => normalizeNumber(v.number) === number)
    if (vn && 'groupId' in vn) {
      const vnGroup = snapshot.groups.find((g) => g.id === vn.groupId)
      if (vnGroup) return routeGroup(snapshot, vnGroup, vn.number, caller?.id ?? null)
    }
    const vnEmployee = vn && 'employeeId' in vn && snapshot.employees.find((e) => e.id === vn.employeeId)
    if (vn && vnEmployee) return routeEmployee(snapshot, vnEmployee, vn.number)
    if (caller && isPublicNumber(number)) {
      // Nothing would ring: Kamailio would answer 480 itself; decided here, the record ends at once.
      if (snapshot.gatewayReachable === false) {
        return { action: 'reject', dialled: { kind: 'external', number }, code: 480, reason: 'No gateway' }
      }
      return {
        action: 'relay',
        dialled: { kind: 'external', number },
        sets: [
          {
            targets: [
              { uri: gatewayTarget(snapshot.gatewayUri, number), employeeId: null, via: 'external', number },
            ],
            timeoutSec: null,
          },
        ],
      }
    }
  }
  return reject(404, 'Not Found')
}

/** A call to one employee: their softphone/mobile, 486 when busy (C2), else 480 with why. */
function routeEmployee(
  snapshot: RoutingSnapshot,
  callee: RoutingEmployee,
  virtualNumber: string | null,
): RouteDecision {
  const dialled = virtualNumber
    ? ({ kind: 'employee', employeeId: callee.id, virtualNumber } as const)
    : ({ kind: 'employee', employeeId: callee.id } as const)
  const reach = reachEmployee(snapshot, callee)
  if (reach.ok) return { action: 'relay', dialled, sets: [{ targets: reach.targets, timeoutSec: null }] }
  if (reach.why === 'busy') return { action: 'reject', dialled, code: 486, reason: 'Busy Here' }
  return {
    action: 'reject',
    dialled,
    code: 480,
    reason:
      reach.why === 'offline'
        ? 'Not registered'
        : statusAllows(snapshot.matrix, callee.status, 'mobileIn')
          ? 'Mobile unreachable'
          : 'Status forbids incoming calls',
  }
}

function reject(code: 403 | 404, reason: string): RouteDecision {
  return { action: 'reject', dialled: { kind: 'unknown' }, code, reason }
}

function routeGroup(
  snapshot: RoutingSnapshot,
  group: RoutingGroup,
  virtualNumber: string | null,
  callerId: string | null,
): RouteDecision {
  const dialled = { kind: 'group', groupId: group.id, virtualNumber } as const
  const members = eligibleMembers(snapshot, group, callerId)
  // C9: the server records a 480 on a group as that group's missed call.
  if (members.length === 0) return { action: 'reject', dialled, code: 480, reason: 'No operator available' }
  const plan = planGroup(group, members)
  return { action: 'relay', dialled, ...plan }
}

/** Members who can ring now, in memberIds order; the caller never rings themselves. */
export function eligibleMembers(
  snapshot: RoutingSnapshot,
  group: RoutingGroup,
  excludeId: string | null,
): EligibleMember[] {
  const byId = new Map(snapshot.employees.map((e) => [e.id, e]))
  const out: EligibleMember[] = []
  for (const id of group.memberIds) {
    const employee = byId.get(id)
    if (!employee || id === excludeId) continue
    const reach = reachEmployee(snapshot, employee)
    if (reach.ok) out.push({ employee, targets: reach.targets })
  }
  return out
}

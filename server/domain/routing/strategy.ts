/**
 * Group strategies (SPEC C3 "rings per the group's routing logic"): turn the eligible members into
 * ordered target sets. The strategy is data on the group; each one is a small ordering function.
 */
import type { GroupStrategy, RoutingEmployee, RoutingGroup, Target, TargetSet } from './types.ts'

export interface EligibleMember {
  employee: RoutingEmployee
  targets: Target[]
}

export interface Plan {
  sets: TargetSet[]
  rrCursor?: string | null
}

type Planner = (group: RoutingGroup, members: EligibleMember[]) => Plan

/** One set per member, each with the group's ring timeout: the hunt moves on when nobody answers. */
const hunt = (group: RoutingGroup, members: EligibleMember[]): TargetSet[] =>
  members.map((m) => ({ targets: m.targets, timeoutSec: group.ringTimeoutSec }))

/** Members in memberIds order, starting just after `cursor` and wrapping around. */
export function rotateAfter(memberIds: string[], cursor: string | null): string[] {
  const at = cursor === null ? -1 : memberIds.indexOf(cursor)
  return [...memberIds.slice(at + 1), ...memberIds.slice(0, at + 1)]
}

const PLANNERS: Record<GroupStrategy, Planner> = {
  parallel: (group, members) => ({
    sets: [{ targets: members.flatMap((m) => m.targets), timeoutSec: group.ringTimeoutSec }],
  }),
  sequential: (group, members) => ({ sets: hunt(group, members) }),
  round_robin: (group, members) => {
    const byId = new Map(members.map((m) => [m.employee.id, m]))
    const ordered = rotateAfter(group.memberIds, group.rrCursor).flatMap((id) => byId.get(id) ?? [])
    // The next call starts after whoever was offered first this time, so load spreads evenly.
    return { sets: hunt(group, ordered), rrCursor: ordered[0]?.employee.id ?? group.rrCursor }
  },
  longest_idle: (group, members) => {
    const idle = (m: EligibleMember) => m.employee.lastCallEndedAt ?? Number.NEGATIVE_INFINITY
    // Array.prototype.sort is stable: ties keep the group's member order.
    return {
      sets: hunt(
        group,
        [...members].sort((a, b) => idle(a) - idle(b)),
      ),
    }
  },
}

/** Order the eligible members (given in memberIds order) into target sets for the group's strategy. */
export function planGroup(group: RoutingGroup, members: EligibleMember[]): Plan {
  return PLANNERS[group.strategy](group, members)
}

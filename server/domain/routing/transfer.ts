/**
 * Transfer target list (SPEC C5, C7): every colleague and group is shown; those who cannot take the
 * call now are shown with `selectable: false` and the reason, so the screen can explain.
 */
import { reachEmployee, type Unreachable } from './eligibility.ts'
import { eligibleMembers } from './route.ts'
import type { RoutingSnapshot } from './types.ts'

export type TransferBlock = Unreachable | 'no_available_member'

export type TransferTarget =
  | { kind: 'employee'; id: string; extension: string; selectable: boolean; reason: TransferBlock | null }
  | {
      kind: 'group'
      id: string
      extension: string
      selectable: boolean
      reason: TransferBlock | null
      available: number
      total: number
    }

/** Everyone `forEmployeeId` could transfer a call to, with whether they can be chosen now. */
export function transferTargets(snapshot: RoutingSnapshot, forEmployeeId: string): TransferTarget[] {
  const employees: TransferTarget[] = snapshot.employees
    .filter((e) => e.id !== forEmployeeId)
    .map((e) => {
      const reach = reachEmployee(snapshot, e)
      return {
        kind: 'employee',
        id: e.id,
        extension: e.extension,
        selectable: reach.ok,
        reason: reach.ok ? null : reach.why,
      }
    })
  const groups: TransferTarget[] = snapshot.groups.map((g) => {
    const available = eligibleMembers(snapshot, g, forEmployeeId).length
    return {
      kind: 'group',
      id: g.id,
      extension: g.extension,
      selectable: available > 0,
      reason: available > 0 ? null : 'no_available_member',
      available,
      total: g.memberIds.length,
    }
  })
  return [...employees, ...groups]
}

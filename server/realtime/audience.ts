/**
 * Who may receive an event over the realtime feed (db/schema.ts `Audience`). One rule, used both for
 * live delivery (hub) and for a resume's backlog (feed), so the two can never disagree.
 */
import type { Role } from '../../contract/api.ts'
import type { Audience } from '../db/index.ts'

/** The operator behind a socket, as far as audiences go. */
export interface Viewer {
  employeeId: string
  role: Role
  /** The groups the employee is a member of now (read at each check: membership may be refreshed). */
  groupIds(): ReadonlySet<string>
}

/** Whether `viewer` may receive an event addressed to `audience` (null: every employee of the tenant). */
export function mayReceive(viewer: Viewer, audience: Audience | null): boolean {
  if (!audience) return true
  if (audience.staff && (viewer.role === 'supervisor' || viewer.role === 'admin')) return true
  if (audience.employeeIds?.includes(viewer.employeeId)) return true
  if (audience.groupIds?.length) {
    const mine = viewer.groupIds()
    if (audience.groupIds.some((g) => mine.has(g))) return true
  }
  return false
}
